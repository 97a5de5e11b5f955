"""The audit log in words: every action and object the code records has a Vietnamese name, and before/after read as
"field: old → new" lines with names for codes, money in đồng, dates as dd/mm/yyyy and masked values left masked."""

import ast
import json
from pathlib import Path

from donation.access import audit
from donation.reporting import audit_labels

ROOT = Path(__file__).resolve().parents[2]


def _recorded() -> tuple[set[str], set[str]]:
    """The actions and entities passed as literals to audit.record anywhere in donation/."""
    actions, entities = set(), set()
    for path in (ROOT / "donation").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record" \
                    and getattr(node.func.value, "id", None) == "audit" and len(node.args) >= 4:
                for found, arg in ((actions, node.args[2]), (entities, node.args[3])):
                    if isinstance(arg, ast.Constant):
                        found.add(arg.value)
                    elif isinstance(arg, ast.IfExp):
                        found.update(branch.value for branch in (arg.body, arg.orelse))
    return actions, entities


def test_every_recorded_action_and_object_has_a_vietnamese_name():
    actions, entities = _recorded()
    assert len(actions) > 40 and len(entities) > 15
    assert not actions - set(audit_labels.ACTION_NAMES)
    assert not entities - set(audit_labels.ENTITY_NAMES)
    for decision in ("approve", "reject", "return"):  # review.decide records f"{decision}_nomination"
        assert f"{decision}_nomination" in audit_labels.ACTION_NAMES
    assert audit_labels.action_name("rename_thing") == "Rename thing"  # one added later: words, never a raw key


def test_changes_read_as_field_old_new():
    before = json.dumps({"status": "posted", "note": ""})
    after = json.dumps({"status": "approved", "note": ""})
    assert audit_labels.change_lines("nomination", before, after) == ["Trạng thái: Đang niêm yết → Đã duyệt"]
    recorded = json.dumps({"pledge": "BHMAA58BZS", "amount": 2_000_000, "method": "cash", "paid_on": "2026-11-04"})
    assert audit_labels.change_lines("payment", None, recorded) == [
        "Cam kết: BHMAA58BZS", "Số tiền: 2.000.000 ₫", "Hình thức nộp: Tiền mặt tại văn phòng",
        "Ngày nộp: 04/11/2026"]
    user = json.dumps({"username": "cb.qt", "role": "province_officer", "province": 44, "active": True})
    assert audit_labels.change_lines("user_account", None, user, "7", {44: "Quảng Trị"}) == [
        "Tên đăng nhập: cb.qt", "Vai trò: Cán bộ BHXH tỉnh", "Tỉnh: Quảng Trị", "Hoạt động: có"]


def test_settings_changes_name_the_setting_and_its_fields():
    weights = audit_labels.change_lines("app_setting", json.dumps({"value": {"near_poor": 30, "pupil": 20}}),
                                        json.dumps({"value": {"near_poor": 35, "pupil": 20}}), "priority_weights")
    assert weights == ["Diện: Hộ cận nghèo: 30 → 35"]
    idle = audit_labels.change_lines("app_setting", '{"value":30}', '{"value":45}', "session_idle_minutes")
    assert idle == ["Tự đăng xuất sau (phút không thao tác): 30 → 45"]
    signer = audit_labels.change_lines("app_setting", json.dumps({"value": {"66": {"signer_name": ""}}}),
                                       json.dumps({"value": {"66": {"signer_name": "Lê Văn An"}}}), "offices",
                                       {66: "Đắk Lắk"})
    assert signer == ["Đắk Lắk › Họ và tên người ký: (trống) → Lê Văn An"]
    assert audit_labels.object_text("app_setting", "offices") == "Thiết lập: Cơ quan, người ký"


def test_personal_data_stays_masked_as_it_was_written():
    stored = json.dumps(audit._redact({"national_id": "066085000123", "birth_date": "1985-03-02",
                                       "full_name": "Nguyễn Văn An"}))
    lines = audit_labels.change_lines("nomination", None, stored)
    assert lines == ["Số CCCD: ••••••••0123", "Ngày sinh: •••", "Họ và tên: Nguyễn Văn An"]
    assert not any("066085000123" in line or "1985" in line for line in lines)


def test_the_priority_weights_are_named_as_the_nomination_lists_name_them():
    from donation.access.app_settings import WEIGHT_NAMES
    from donation.premium.rule_data import GROUP_NAMES
    from donation.registry.nomination_rows import DAMAGE_NAMES, FLAG_NAMES
    from donation.registry.priority import score

    named = {**{key: f"Diện: {GROUP_NAMES[key]}" for key in ("near_poor", "pupil", "student", "farm_household",
                                                             "household")},
             **{f"flood_damage_{key}": f"Thiệt hại do mưa lũ: {name}" for key, name in DAMAGE_NAMES.items()},
             **{key: f"Hoàn cảnh: {name}" for key, name in FLAG_NAMES.items()}}
    assert {key: WEIGHT_NAMES[key] for key in named} == named
    assert set(WEIGHT_NAMES) == {*named, "child_or_elderly"}
    # every factor the table offers moves the score
    from datetime import date
    for key in WEIGHT_NAMES:
        weights = dict.fromkeys(WEIGHT_NAMES, 0) | {key: 7}
        group = key if key in GROUP_NAMES else "household"
        damage = key.removeprefix("flood_damage_") if key.startswith("flood_damage_") else None
        flags = [key] if key in FLAG_NAMES else []
        born = date(2020, 1, 1) if key == "child_or_elderly" else date(1980, 1, 1)
        assert score(weights, group=group, flood_damage=damage, need_flags=flags, birth_date=born,
                     on=date(2026, 11, 25))[0] == 7, key
