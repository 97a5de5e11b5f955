"""The audit log as a person reads it: Vietnamese names of actions, objects and fields, and each event's before and
after as "field: old → new" lines. Display only: events are read as stored (personal identifiers stay masked as they
were written) and nothing here touches the chain."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime

from donation.access.actors import ROLE_NAMES
from donation.access.app_settings import CONTACT_FIELDS, OFFICE_FIELDS, SPECS, UNIT_FIELDS, WEIGHT_NAMES
from donation.common.dates import format_datetime_vn
from donation.common.money import format_vnd
from donation.payments.payments import METHODS, PAYMENT_STATUSES
from donation.payments.receipts import STATUSES as RECEIPT_STATUSES
from donation.pledges.donors import KINDS
from donation.pledges.states import STATUS_NAMES as PLEDGE_STATUSES
from donation.premium.rule_data import GROUP_NAMES
from donation.registry.nomination_rows import DAMAGE_NAMES, FLAG_NAMES
from donation.registry.nominations import STATUS_NAMES as NOMINATION_STATUSES

ACTION_NAMES: dict[str, str] = {
    "sign_in": "Đăng nhập", "sign_out": "Đăng xuất", "account_locked": "Khóa tạm do sai mật khẩu",
    "change_password": "Đổi mật khẩu", "reset_password": "Đặt lại mật khẩu",
    "request_password_reset": "Yêu cầu đặt lại mật khẩu qua thư", "reset_password_by_mail": "Đặt lại mật khẩu qua thư", "create_user": "Tạo tài khoản",
    "disable_user": "Vô hiệu hóa tài khoản", "enable_user": "Cho tài khoản hoạt động lại",
    "update_setting": "Sửa thiết lập", "set_poor_commune": "Đặt xã nghèo", "set_office_account": "Sửa tài khoản nhận tiền",
    "add_rule_version": "Thêm quy định mức đóng", "confirm_rule_version": "Xác nhận quy định mức đóng",
    "add_top_up": "Thêm mức hỗ trợ của tỉnh",
    "end_top_up": "Kết thúc mức hỗ trợ của tỉnh",
    "nominate_household": "Đề cử hộ gia đình", "import_nominations": "Nhập danh sách đề cử",
    "update_nomination": "Sửa đề cử", "withdraw_nomination": "Rút đề cử", "renew_nomination": "Xét lại khi hết hạn",
    "view_identifiers": "Xem số định danh", "post_list": "Niêm yết công khai", "record_objection": "Ghi ý kiến",
    "resolve_objection": "Giải quyết ý kiến", "approve_nomination": "Duyệt đề cử", "reject_nomination": "Từ chối đề cử",
    "return_nomination": "Trả lại đề cử",
    "create_donor": "Thêm nhà tài trợ", "update_donor_contact": "Sửa điện thoại, thư điện tử", "create_pledge": "Tạo cam kết", "cancel_pledge": "Hủy cam kết",
    "expire_pledges": "Hết hạn cam kết", "remind_overdue": "Nhắc đợt nộp quá hạn",
    "record_payment": "Ghi tiền nộp", "confirm_payment": "Xác nhận tiền nộp", "reject_payment": "Từ chối tiền nộp",
    "reconcile_statement": "Nhập sao kê ngân hàng", "link_statement_line": "Gắn dòng sao kê vào cam kết",
    "mark_statement_line": "Đánh dấu dòng sao kê",
    "set_official_receipt_number": "Ghi số biên lai chính thức", "print_receipts": "In biên nhận", "mail_receipts": "Gửi biên nhận qua thư",
    "request_receipt_void": "Đề nghị hủy biên nhận", "void_receipt": "Hủy biên nhận",
    "reject_receipt_void": "Không hủy biên nhận",
    "hold_needs": "Giữ chỗ hộ để giúp", "release_hold": "Bỏ giữ chỗ", "expire_holds": "Hết hạn giữ chỗ",
    "allocate": "Phân bổ tiền tài trợ", "release_sponsorship": "Trả lại suất tài trợ",
    "create_purchase_batch": "Lập đợt mua thẻ", "cancel_purchase_batch": "Hủy đợt mua thẻ",
    "pay_purchase_batch": "Chuyển tiền mua thẻ", "reprice_purchase_batch": "Tính lại giá thẻ khi chuyển tiền",
    "import_cards": "Nhập thẻ BHYT đã cấp",
}

ENTITY_NAMES: dict[str, str] = {
    "user_account": "Tài khoản", "app_setting": "Thiết lập", "commune": "Xã", "receiving_office": "Văn phòng nhận tiền",
    "rule_version": "Quy định mức đóng", "province_top_up": "Mức hỗ trợ của tỉnh", "nomination": "Đề cử",
    "person": "Người được đề cử", "donor": "Nhà tài trợ", "pledge": "Cam kết", "instalment": "Đợt nộp",
    "payment": "Khoản nộp", "statement_line": "Dòng sao kê", "receipt": "Biên nhận", "hold": "Giữ chỗ",
    "allocation_run": "Lần phân bổ", "sponsorship": "Suất tài trợ", "purchase_batch": "Đợt mua thẻ",
}

FIELD_NAMES: dict[str, str] = {
    "username": "Tên đăng nhập", "role": "Vai trò", "province": "Tỉnh", "commune": "Xã", "active": "Hoạt động",
    "locked_until": "Khóa đến", "value": "Giá trị", "is_poor": "Xã nghèo", "bank_bin": "Ngân hàng (BIN)",
    "account_number": "Số tài khoản", "holder": "Chủ tài khoản", "effective_from": "Áp dụng từ",
    "base_salary": "Lương cơ sở", "rate_bp": "Tỷ lệ đóng", "shares_bp": "Tỷ lệ nhà nước hỗ trợ",
    "share_bp": "Tỷ lệ hỗ trợ", "legal_basis": "Căn cứ", "from": "Từ ngày", "to": "Đến ngày", "group": "Diện",
    "full_name": "Họ và tên", "birth_date": "Ngày sinh", "national_id": "Số CCCD",
    "social_insurance_code": "Mã số BHXH", "need_flags": "Hoàn cảnh", "flood_damage": "Thiệt hại do mưa lũ",
    "status": "Trạng thái", "note": "Ghi chú", "reason": "Lý do", "source": "Nguồn", "rows": "Số dòng",
    "saved": "Đã lưu", "refused": "Bị từ chối", "count": "Số lượng", "posted_on": "Ngày niêm yết",
    "objection_until": "Nhận ý kiến đến", "objection": "Ý kiến số", "raised_on": "Ngày nêu ý kiến",
    "kind": "Loại nhà tài trợ", "name": "Tên", "public": "Công khai tên", "code": "Mã cam kết",
    "donor_id": "Nhà tài trợ số", "amount": "Số tiền", "cards": "Số thẻ", "instalments": "Số đợt nộp",
    "office": "Văn phòng nhận", "emailed": "Đã gửi thư", "pledge": "Cam kết", "method": "Hình thức nộp",
    "paid_on": "Ngày nộp", "paid": "Đã nộp", "receipt": "Biên nhận", "file": "Tệp", "lines": "Số dòng",
    "matched": "Khớp", "unmatched": "Chưa khớp", "duplicates": "Trùng", "amount_matched": "Số tiền khớp",
    "payment_id": "Khoản nộp số", "official_number": "Số biên lai chính thức", "first": "Từ số", "last": "Đến số",
    "zip": "Tệp nén", "voided": "Gồm biên nhận đã hủy", "reissued": "Biên nhận thay thế",
    "households": "Hộ", "household": "Hộ", "returned": "Số tiền trả lại", "label": "Đợt",
    "people": "Số người", "reference": "Mã giao dịch", "pledges_completed": "Cam kết hoàn thành",
    "batches_carded": "Đợt đã có thẻ", "amount_allocated": "Số tiền phân bổ", "dry_run": "Chạy thử",
    "households_funded": "Số hộ được tài trợ", "people_funded": "Số người được tài trợ",
    "people_waiting": "Số người còn chờ", "pledges_used": "Số cam kết dùng", "remainder_total": "Tiền còn lại",
    "result_digest": "Mã kiểm tra kết quả", "sponsorships": "Số suất tài trợ",
    "confirmed": "Đã xác nhận",
    **{key: spec.label for key, spec in SPECS.items()},
}
# The fields inside a setting's value, by setting.
_SETTING_FIELDS: dict[str, dict[str, str]] = {"priority_weights": WEIGHT_NAMES, "offices": OFFICE_FIELDS,
                                              "support_contact": CONTACT_FIELDS, "bhxh_units": UNIT_FIELDS}
_MONEY = {"amount", "paid", "base_salary", "amount_matched", "returned", "amount_allocated", "remainder_total"}
_PERCENT_BP = {"rate_bp", "share_bp"}
_STATUSES: dict[str, dict[str, str]] = {"nomination": NOMINATION_STATUSES, "pledge": PLEDGE_STATUSES,
                                        "payment": PAYMENT_STATUSES, "receipt": RECEIPT_STATUSES}
_CHOICES: dict[str, dict[str, str]] = {"role": ROLE_NAMES, "kind": KINDS, "method": METHODS, "group": GROUP_NAMES,
                                       "flood_damage": DAMAGE_NAMES, "source": {"form": "Biểu mẫu đề cử hộ", "rows": "Danh sách nhập sẵn"}}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ARROW = " → "
EMPTY = "(trống)"


def action_name(action: str) -> str:
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    for decision, name in (("approve_", "Duyệt"), ("reject_", "Từ chối"), ("return_", "Trả lại")):
        if action.startswith(decision):
            return f"{name} {ENTITY_NAMES.get(action.removeprefix(decision), action).lower()}"
    return action.replace("_", " ").capitalize()  # an action added later: still readable, never a raw key


def entity_name(entity: str) -> str:
    return ENTITY_NAMES.get(entity, entity.replace("_", " ").capitalize())


def field_name(key: str) -> str:
    return FIELD_NAMES.get(key, key.replace("_", " ").capitalize())


def value_text(key: str, value: object, entity: str = "", places: Mapping[int, str] | None = None) -> str:
    """One value as a person reads it: names for codes (`places`: province code -> name), đồng for money,
    dd/mm/yyyy for dates."""
    if places and key in ("province", "office") and isinstance(value, int) and value in places:
        return places[value]
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "có" if value else "không"
    if key in _MONEY and isinstance(value, int):
        return format_vnd(value)
    if key in _PERCENT_BP and isinstance(value, int):
        return f"{value / 100:g}%".replace(".", ",")
    if isinstance(value, list):
        return ", ".join(value_text(key, item, entity, places) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_name(k)}: {value_text(k, v, entity, places)}" for k, v in value.items())
    if isinstance(value, str):
        if key == "status":
            for names in (_STATUSES.get(entity, {}), *_STATUSES.values()):
                if value in names:
                    return names[value]
        if key in _CHOICES and value in _CHOICES[key]:
            return _CHOICES[key][value]
        if key == "need_flags" and value in FLAG_NAMES:
            return FLAG_NAMES[value]
        if _ISO_TIME.match(value):
            try:
                return format_datetime_vn(datetime.fromisoformat(value))
            except ValueError:
                return value
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def _flatten(data: dict | None, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    flat: dict[tuple[str, ...], object] = {}
    for key, value in (data or {}).items():
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, (*path, str(key))))
        else:
            flat[(*path, str(key))] = value
    return flat


def _label(path: tuple[str, ...], setting: str | None, places: Mapping[int, str] | None) -> str:
    inside = _SETTING_FIELDS.get(setting or "", {})

    def name(key: str) -> str:
        if key in inside:
            return inside[key]
        if key == "national":
            return "BHXH Việt Nam"
        if key.isdigit():  # an office of the `offices` setting, by its province's code
            return (places or {}).get(int(key)) or f"Tỉnh mã {key}"
        return field_name(key)

    named = [name(key) for key in path if key != "value"]
    if not named and setting:
        return field_name(setting)
    return " › ".join(named) or field_name(path[-1])


def _parsed(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return {"value": text}
    return data if isinstance(data, dict) else {"value": data}


def change_lines(entity: str, before: str | None, after: str | None, entity_id: str | None = None,
                 places: Mapping[int, str] | None = None) -> list[str]:
    """An event's change, one line a field: "Trạng thái: Đã niêm yết → Đã duyệt" where a field changed,
    "Số tiền: 2.000.000 ₫" where it is only recorded; fields that stayed the same are left out."""
    old, new = _flatten(_parsed(before)), _flatten(_parsed(after))
    setting = entity_id if entity == "app_setting" else None
    lines = []
    for path in [*old, *(p for p in new if p not in old)]:
        key = path[-1]
        if path in old and path in new:
            if old[path] == new[path]:
                continue
            lines.append(f"{_label(path, setting, places)}: {value_text(key, old[path], entity, places)}{ARROW}"
                         f"{value_text(key, new[path], entity, places)}")
        elif path in new:
            lines.append(f"{_label(path, setting, places)}: {value_text(key, new[path], entity, places)}")
        else:
            lines.append(f"{_label(path, setting, places)}: {value_text(key, old[path], entity, places)}{ARROW}(bỏ)")
    return lines


def object_text(entity: str, entity_id: str | None) -> str:
    """"Thiết lập: Trọng số ưu tiên khi phân bổ", "Đề cử số 12"."""
    if entity_id is None or entity_id == "":
        return entity_name(entity)
    if entity == "app_setting":
        return f"{entity_name(entity)}: {field_name(entity_id)}"
    return f"{entity_name(entity)} {'số ' if entity_id.isdigit() else ''}{entity_id}"


def named(values: list[str], name: Callable[[str], str]) -> dict[str, str]:
    """Filter choices: the values in use, by their names in alphabetical order."""
    return dict(sorted(((value, name(value)) for value in set(values)), key=lambda item: item[1]))
