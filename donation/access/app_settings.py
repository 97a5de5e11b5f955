"""Administrator settings kept as data: session idle time, hold and objection periods, priority weights, offices and
their signers, the provincial offices' D03-TS header fields, the support contact shown on the help page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update as sql_update
from sqlmodel import Session, select

from db.models import AppSetting
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import ADMIN, Actor, require_role
from donation.common.errors import InvalidInput, NotFound
from donation.common.identity import has_hidden_characters, hidden_characters_message
from donation.common.pdf import PAPERS

# The factors of the priority score (donation.registry.priority), in the order the settings page lists them, with the
# names the nomination lists use (the group, damage and flag names of premium and registry, which this layer may not
# import: tests/unit/test_audit_labels.py holds them equal).
WEIGHT_NAMES: dict[str, str] = {
    "near_poor": "Diện: Hộ cận nghèo", "pupil": "Diện: Học sinh", "student": "Diện: Sinh viên",
    "farm_household": "Diện: Hộ nông, lâm, ngư, diêm nghiệp", "household": "Diện: Hộ gia đình",
    "flood_damage_destroyed": "Thiệt hại do mưa lũ: Nhà bị sập, cuốn trôi",
    "flood_damage_severe": "Thiệt hại do mưa lũ: Hư hỏng nặng",
    "flood_damage_partial": "Thiệt hại do mưa lũ: Hư hỏng một phần",
    "flood_damage_livelihood": "Thiệt hại do mưa lũ: Mất sinh kế",
    "disability": "Hoàn cảnh: Khuyết tật", "chronic_illness": "Hoàn cảnh: Bệnh mãn tính",
    "elderly_alone": "Hoàn cảnh: Người già neo đơn", "orphan": "Hoàn cảnh: Mồ côi",
    "ethnic_minority": "Hoàn cảnh: Dân tộc thiểu số",
    "child_or_elderly": "Trẻ em dưới 16 tuổi hoặc người từ 70 tuổi",
}
# The fields of one office's receipt header, with the names the settings page shows.
OFFICE_FIELDS: dict[str, str] = {"name": "Tên cơ quan (in hoa)", "parent": "Cơ quan chủ quản",
                                 "place": "Nơi ký", "signer_title": "Chức danh người ký",
                                 "signer_name": "Họ và tên người ký"}
# What BHXH's list D03-TS prints about the provincial office that makes it, beyond its name and signer (the receipt
# header above): the codes BHXH and the tax office gave it, where it is, and the collector's code (column 14).
UNIT_FIELDS: dict[str, str] = {"unit_code": "Mã đơn vị (do BHXH cấp)", "tax_code": "Mã số thuế",
                               "address": "Địa chỉ trụ sở", "phone": "Điện thoại", "email": "Thư điện tử",
                               "collector_code": "Mã số nhân viên thu"}
CONTACT_FIELDS: dict[str, str] = {"name": "Đơn vị hoặc người hỗ trợ", "phone": "Số điện thoại", "email": "Thư điện tử"}
_PHONE = re.compile(r"(?:\+84|0)\d{9,10}|1[89]00\d{4,6}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_TAX_CODE = re.compile(r"\d{10}(?:-\d{3})?")


def _whole(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(f"Giá trị phải là số nguyên từ {low} đến {high}")
        return value

    return check


def _weights(value: object) -> dict[str, int]:
    if not isinstance(value, dict) or not value:
        raise InvalidInput("Trọng số ưu tiên phải là bảng tên → số nguyên")
    unknown = [str(k) for k in value if k not in WEIGHT_NAMES]
    if unknown:
        raise InvalidInput(f"Không có yếu tố ưu tiên '{unknown[0]}': chỉ dùng các yếu tố trong bảng")
    clean = {}
    for key, points in value.items():
        if points is None:
            raise InvalidInput(f"Điểm của «{WEIGHT_NAMES[key]}» còn trống: ghi 0 nếu yếu tố này không được cộng điểm")
        if isinstance(points, float) and points.is_integer():
            points = int(points)  # a table's column of numbers arrives as floats
        if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= 1000:
            raise InvalidInput(f"Điểm của «{WEIGHT_NAMES[key]}» phải là số nguyên từ 0 đến 1000 "
                               f"(đang là {points!r})")
        clean[key] = points
    return clean


def _one_of(choices: dict[str, str]) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in choices:
            raise InvalidInput("Chọn một trong: " + "; ".join(f"{k} ({v})" for k, v in choices.items()))
        return str(value)

    return check


def _text_field(label: str, value: object, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if has_hidden_characters(text):
        raise InvalidInput(hidden_characters_message(label))
    if len(text) > limit:
        raise InvalidInput(f"{label} dài quá {limit} ký tự: viết gọn lại")
    return text


def office_fields(value: object, where: str = "") -> dict[str, str]:
    """One office's receipt header checked: texts without hidden characters, a signer's name only with a title."""
    if not isinstance(value, dict):
        raise InvalidInput(f"{where}thông tin cơ quan phải là tên, chức danh và họ tên người ký")
    office = {key: _text_field(f"{where}{label}", value.get(key, ""), 120) for key, label in OFFICE_FIELDS.items()}
    if office["signer_name"] and any(ch.isdigit() for ch in office["signer_name"]):
        raise InvalidInput(f"{where}Họ và tên người ký có chữ số: ghi họ tên người ký, ví dụ Nguyễn Văn An")
    return office


def _offices(value: object) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise InvalidInput("Thông tin cơ quan phải là bảng mã cơ quan → tên, người ký")
    clean = {}
    for code, office in value.items():
        if str(code) != "national" and not str(code).isdigit():
            raise InvalidInput(f"Mã cơ quan '{code}' không có: dùng mã tỉnh hoặc 'national' (BHXH Việt Nam)")
        clean[str(code)] = office_fields(office, f"Cơ quan {code}: ")
    return clean


def unit_fields(value: object, where: str = "") -> dict[str, str]:
    """One office's D03-TS header checked: the tax code 10 digits (or 13 with a branch suffix), a phone and an
    e-mail address that can be reached; every field may stay empty (the list then prints it empty)."""
    if not isinstance(value, dict):
        raise InvalidInput(f"{where}thông tin đơn vị phải là mã đơn vị, mã số thuế, địa chỉ, điện thoại, thư điện tử")
    unit = {key: _text_field(f"{where}{label}", value.get(key, ""), 200 if key == "address" else 60)
            for key, label in UNIT_FIELDS.items()}
    unit["phone"] = re.sub(r"[\s.\-()]", "", unit["phone"])
    unit["email"] = unit["email"].lower()
    unit["tax_code"] = unit["tax_code"].replace(" ", "")
    if unit["tax_code"] and not _TAX_CODE.fullmatch(unit["tax_code"]):
        raise InvalidInput(f"{where}Mã số thuế «{unit['tax_code']}» không đúng: ghi 10 chữ số, hoặc 13 chữ số dạng "
                           "0101234567-001")
    if unit["phone"] and not _PHONE.fullmatch(unit["phone"]):
        raise InvalidInput(f"{where}Điện thoại không đúng: ghi 10 chữ số bắt đầu bằng 0, ví dụ 02623852123")
    if unit["email"] and (len(unit["email"]) > 254 or not _EMAIL.fullmatch(unit["email"])):
        raise InvalidInput(f"{where}Thư điện tử không đúng: ví dụ bhxh@daklak.vss.gov.vn")
    return unit


def _units(value: object) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise InvalidInput("Thông tin đơn vị phải là bảng mã tỉnh → mã đơn vị, mã số thuế, địa chỉ…")
    clean = {}
    for code, unit in value.items():
        if not str(code).isdigit():
            raise InvalidInput(f"Mã tỉnh '{code}' không có: dùng mã tỉnh")
        clean[str(code)] = unit_fields(unit, f"Tỉnh {code}: ")
    return clean


def _contact(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise InvalidInput("Liên hệ hỗ trợ gồm đơn vị, số điện thoại và thư điện tử")
    contact = {key: _text_field(label, value.get(key, ""), 120) for key, label in CONTACT_FIELDS.items()}
    contact["phone"] = re.sub(r"[\s.\-()]", "", contact["phone"])
    contact["email"] = contact["email"].lower()
    if contact["phone"] and not _PHONE.fullmatch(contact["phone"]):
        raise InvalidInput("Số điện thoại hỗ trợ không đúng: ghi 10 chữ số bắt đầu bằng 0 (0912345678) "
                           "hoặc số tổng đài 1900/1800 (19009068)")
    if contact["email"] and (len(contact["email"]) > 254 or not _EMAIL.fullmatch(contact["email"])):
        raise InvalidInput("Thư điện tử hỗ trợ không đúng: ví dụ hotro@baohiemxahoi.gov.vn")
    if any(contact.values()) and not (contact["phone"] or contact["email"]):
        raise InvalidInput("Liên hệ hỗ trợ cần số điện thoại hoặc thư điện tử để người dùng liên lạc được")
    return contact


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: object
    check: Callable[[object], object]
    help: str = ""
    choices: dict[str, str] | None = None  # a setting picked from a list: value -> what the page shows


SPECS: dict[str, SettingSpec] = {spec.key: spec for spec in (
    SettingSpec("session_idle_minutes", "Tự đăng xuất sau (phút không thao tác)", 30, _whole(5, 24 * 60)),
    SettingSpec("hold_days", "Giữ chỗ nhu cầu chờ thanh toán (ngày)", 7, _whole(1, 90),
                "Nhà tài trợ chọn người cụ thể và giữ chỗ trong số ngày này; quá hạn chưa thanh toán thì trả lại."),
    SettingSpec("pledge_expiry_days", "Cam kết chưa nộp đồng nào hết hạn sau (ngày)", 60, _whole(7, 365),
                "Tính từ hạn nộp của đợt cuối, hoặc từ ngày cam kết nếu nộp một lần."),
    SettingSpec("objection_days", "Thời gian niêm yết công khai để nhận ý kiến (ngày)", 7, _whole(1, 60)),
    SettingSpec("approval_months", "Thời hạn của một lần duyệt (tháng, theo năm chương trình)", 12, _whole(1, 36),
                "Hết thời hạn, người được duyệt cần được xét duyệt lại."),
    SettingSpec("priority_weights", "Trọng số ưu tiên khi phân bổ", {
        "near_poor": 30, "pupil": 20, "student": 20, "farm_household": 15, "household": 10,
        "flood_damage_destroyed": 40, "flood_damage_severe": 30, "flood_damage_partial": 15,
        "flood_damage_livelihood": 20, "disability": 20, "chronic_illness": 15, "elderly_alone": 15,
        "orphan": 20, "ethnic_minority": 10, "child_or_elderly": 10,
    }, _weights, "Điểm cộng cho mỗi đặc điểm của người được đề cử; điểm cao được tài trợ trước."),
    SettingSpec("receipt_paper", "Khổ giấy in biên nhận", "a5", _one_of(PAPERS),
                "Khổ giấy mặc định khi in biên nhận theo lô; người in vẫn chọn được khổ khác.", PAPERS),
    SettingSpec("offices", "Cơ quan, người ký", {
        "national": {"name": "BẢO HIỂM XÃ HỘI VIỆT NAM", "parent": "", "signer_title": "TỔNG GIÁM ĐỐC",
                     "signer_name": "", "place": "Hà Nội"},
    }, _offices, "Tên cơ quan, cơ quan chủ quản, chức danh và họ tên người ký in trên biên nhận; ô để trống dùng "
                 "cách ghi thường lệ."),
    SettingSpec("bhxh_units", "Đơn vị lập danh sách D03-TS", {}, _units,
                "Mã đơn vị, mã số thuế, địa chỉ, điện thoại, thư điện tử và mã số nhân viên thu của BHXH tỉnh, in ở "
                "đầu danh sách D03-TS gửi BHXH; ô để trống thì danh sách in trống."),
    SettingSpec("support_contact", "Liên hệ hỗ trợ", {"name": "", "phone": "", "email": ""}, _contact,
                "Hiện trên trang Hướng dẫn cho mọi người dùng và khách."),
)}


def get(session: Session, key: str) -> object:
    spec = _spec(key)
    row = session.get(AppSetting, key)
    return spec.default if row is None else json.loads(row.value)


def all_settings(*, uow: UnitOfWork | None = None) -> dict[str, object]:
    with uow or UnitOfWork() as work:
        stored = {row.key: json.loads(row.value) for row in work.session.exec(select(AppSetting))}
    return {key: stored.get(key, spec.default) for key, spec in SPECS.items()}


def update(actor: Actor, key: str, value: object, *, uow: UnitOfWork | None = None) -> object:
    return update_many(actor, {key: value}, uow=uow)[key]


def check_all(values: dict[str, object]) -> dict[str, object]:
    """Every value checked; all problems at once, each named by its setting's label."""
    clean, problems = {}, []
    for key, value in values.items():
        spec = _spec(key)
        try:
            clean[key] = spec.check(value)
        except InvalidInput as exc:
            problems.append(f"{spec.label}: {exc}")
    if problems:
        raise InvalidInput("; ".join(problems))
    return clean


def update_many(actor: Actor, values: dict[str, object], *, uow: UnitOfWork | None = None) -> dict[str, object]:
    """Save several settings at once (one form), all or none; only changed ones are written and audited."""
    require_role(actor, ADMIN)
    clean = check_all(values)
    with uow or UnitOfWork() as work:
        for key, value in clean.items():
            _write(work.session, actor, key, value)
        work.commit()
    return clean


def _write(session: Session, actor: Actor, key: str, clean: object) -> None:
    before = get(session, key)
    if before == clean:  # nothing changes: no write, no event
        return
    row = session.get(AppSetting, key) or AppSetting(key=key, value="")
    row.value, row.updated_at = json.dumps(clean, ensure_ascii=False), datetime.now(UTC)
    session.add(row)
    audit.record(session, actor, "update_setting", "app_setting", key, before={"value": before},
                 after={"value": clean})


def set_office_signer(actor: Actor, key: str, fields: dict[str, object], *,
                      uow: UnitOfWork | None = None) -> dict[str, str]:
    """One office's receipt header and signer, changed inside the `offices` setting in one transaction."""
    require_role(actor, ADMIN)
    return _set_entry(actor, "offices", str(key), office_fields(fields), uow)


def set_bhxh_unit(actor: Actor, province_code: int, fields: dict[str, object], *,
                  uow: UnitOfWork | None = None) -> dict[str, str]:
    """One province's D03-TS header fields, changed inside the `bhxh_units` setting in one transaction."""
    require_role(actor, ADMIN)
    return _set_entry(actor, "bhxh_units", str(int(province_code)), unit_fields(fields), uow)


def _set_entry(actor: Actor, setting: str, entry: str, value: dict[str, str],
               uow: UnitOfWork | None) -> dict[str, str]:
    """One entry of a setting that maps keys to entries, written back with the others. The setting's row is locked
    (a no-op update; SQLite: the write lock) before it is read, so two administrators changing two entries at once
    both keep theirs."""
    with uow or UnitOfWork() as work:
        table = AppSetting.__table__
        work.session.execute(sql_update(table).where(table.c.key == setting).values(key=table.c.key))
        current = dict(get(work.session, setting))
        current[entry] = value
        _write(work.session, actor, setting, check_all({setting: current})[setting])
        work.commit()
    return value


def bhxh_unit(session: Session, province_code: int) -> dict[str, str]:
    """The D03-TS header fields of a province's office, every field present (empty where not set)."""
    stored = get(session, "bhxh_units").get(str(int(province_code)), {})
    return {key: str(stored.get(key, "")) for key in UNIT_FIELDS}


def _spec(key: str) -> SettingSpec:
    if key not in SPECS:
        raise NotFound(f"Không có thiết lập '{key}'")
    return SPECS[key]


def support_contact(*, uow: UnitOfWork | None = None) -> dict[str, str]:
    """Who to call or write to for help: public, shown on the help page to everyone."""
    with uow or UnitOfWork() as work:
        return dict(get(work.session, "support_contact"))
