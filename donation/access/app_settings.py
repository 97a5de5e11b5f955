"""Administrator settings kept as data: session idle time, hold and objection periods, priority weights, offices."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from db.models import AppSetting
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import ADMIN, Actor, require_role
from donation.common.errors import InvalidInput, NotFound
from donation.common.pdf import PAPERS


def _whole(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(f"Giá trị phải là số nguyên từ {low} đến {high}")
        return value

    return check


def _weights(value: object) -> dict[str, int]:
    if not isinstance(value, dict) or not value:
        raise InvalidInput("Trọng số ưu tiên phải là bảng tên → số nguyên")
    return {str(k): _whole(0, 1000)(v) for k, v in value.items()}


def _one_of(choices: dict[str, str]) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in choices:
            raise InvalidInput("Chọn một trong: " + "; ".join(f"{k} ({v})" for k, v in choices.items()))
        return str(value)

    return check


def _offices(value: object) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise InvalidInput("Thông tin cơ quan phải là bảng mã cơ quan → tên, người ký")
    fields = ("name", "parent", "signer_title", "signer_name", "place")
    return {str(code): {f: str(office.get(f, "")).strip() for f in fields} for code, office in value.items()
            if isinstance(office, dict)}


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
        "orphan": 20, "ethnic_minority": 10, "child_or_elderly": 10, "waiting_per_month": 2,
    }, _weights, "Điểm cộng cho mỗi đặc điểm của người được đề cử; điểm cao được tài trợ trước."),
    SettingSpec("receipt_paper", "Khổ giấy in biên nhận", "a5", _one_of(PAPERS),
                "Khổ giấy mặc định khi in biên nhận theo lô; người in vẫn chọn được khổ khác.", PAPERS),
    SettingSpec("offices", "Cơ quan, người ký", {
        "national": {"name": "BẢO HIỂM XÃ HỘI VIỆT NAM", "parent": "", "signer_title": "TỔNG GIÁM ĐỐC",
                     "signer_name": "", "place": "Hà Nội"},
    }, _offices, "Tên cơ quan, cơ quan chủ quản, chức danh và họ tên người ký theo từng tỉnh (mã tỉnh) và 'national'."),
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
    require_role(actor, ADMIN)
    spec = _spec(key)
    try:
        clean = spec.check(value)
    except InvalidInput as exc:
        raise InvalidInput(f"{spec.label}: {exc}") from None
    with uow or UnitOfWork() as work:
        before = get(work.session, key)
        row = work.session.get(AppSetting, key) or AppSetting(key=key, value="")
        row.value, row.updated_at = json.dumps(clean, ensure_ascii=False), datetime.now(UTC)
        work.session.add(row)
        audit.record(work.session, actor, "update_setting", "app_setting", key, before={"value": before},
                     after={"value": clean})
        work.commit()
    return clean


def _spec(key: str) -> SettingSpec:
    if key not in SPECS:
        raise NotFound(f"Không có thiết lập '{key}'")
    return SPECS[key]
