"""The administrator's forms: settings checked field by field, receipt signers by name, the support contact, users
searched, and no administrator disabling their own account."""

import pytest
from sqlmodel import select

from db.models import AppSetting
from donation.access import app_settings, audit, auth
from donation.access.actors import Actor
from donation.common.errors import Forbidden, InvalidInput
from donation.payments import signers
from donation.reporting import audit_labels


@pytest.fixture
def admin(uow):
    return auth.find_actor("demo.admin", uow=uow)


def test_an_administrator_cannot_disable_their_own_account(uow, admin):
    with pytest.raises(InvalidInput, match="Bạn không thể tự vô hiệu hóa tài khoản của mình"):
        auth.set_active(admin, admin.user_id, False, uow=uow)
    assert auth.find_actor("demo.admin", uow=uow).user_id == admin.user_id  # still active
    other = auth.create_user(admin, username="qt.hai", password="Mat-khau-dai-du", role="admin", uow=uow)
    assert auth.set_active(admin, other.id, False, uow=uow).is_active is False  # another administrator: allowed


@pytest.mark.parametrize(("search", "role", "province", "expected"), [
    ("", None, None, {"demo.xa", "demo.tinh", "demo.tinh2", "demo.quocgia", "demo.nhataitro", "demo.admin"}),
    ("binh", None, None, {"demo.tinh"}),  # a name without accents
    ("Võ Thị", None, None, {"demo.tinh2"}),
    ("dak lak", None, None, {"demo.xa", "demo.tinh", "demo.tinh2"}),  # the province's name
    ("cán bộ bhxh tỉnh", None, None, {"demo.tinh", "demo.tinh2"}),  # the role's name
    ("", "province_officer", None, {"demo.tinh", "demo.tinh2"}),
    ("", None, 66, {"demo.xa", "demo.tinh", "demo.tinh2"}),
    ("demo.admin", None, None, {"demo.admin"}),
    ("không ai", None, None, set()),
])
def test_users_are_searched_by_name_username_role_and_province(uow, admin, search, role, province, expected):
    found = auth.list_users(admin, search=search, role=role, province_code=province, uow=uow)
    assert {row.username for row in found} == expected


def test_an_officials_name_keeps_its_capitals_when_typed_with_them(uow, admin):
    typed = auth.create_user(admin, username="cb.qt", password="Mat-khau-dai-du", role="province_officer",
                             province_code=44, display_name="  Cán bộ  BHXH Quảng Trị ", uow=uow)
    lower = auth.create_user(admin, username="cb.lan", password="Mat-khau-dai-du", role="province_officer",
                             province_code=44, display_name="lê thị lan", uow=uow)
    assert (typed.display_name, lower.display_name) == ("Cán bộ BHXH Quảng Trị", "Lê Thị Lan")


@pytest.mark.parametrize(("values", "message"), [
    ({"hold_days": 0}, "Giữ chỗ nhu cầu chờ thanh toán (ngày): Giá trị phải là số nguyên từ 1 đến 90"),
    ({"priority_weights": {"near_poor": None}}, "Điểm của «Diện: Hộ cận nghèo» còn trống"),
    ({"priority_weights": {"near_poor": 1001}}, "Điểm của «Diện: Hộ cận nghèo» phải là số nguyên từ 0 đến 1000"),
    ({"priority_weights": {"near_poor": 2.5}}, "phải là số nguyên"),
    ({"priority_weights": {"waiting": 2}}, "Không có yếu tố ưu tiên 'waiting'"),
    ({"support_contact": {"name": "Tổ hỗ trợ", "phone": "12345", "email": ""}}, "Số điện thoại hỗ trợ không đúng"),
    ({"support_contact": {"name": "", "phone": "", "email": "hotro@"}}, "Thư điện tử hỗ trợ không đúng"),
    ({"support_contact": {"name": "Tổ hỗ trợ", "phone": "", "email": ""}}, "cần số điện thoại hoặc thư điện tử"),
    ({"offices": {"66": {"signer_name": "Nguyễn Văn 1"}}}, "Họ và tên người ký có chữ số"),
    ({"offices": {"66": {"signer_name": "Nguyễn\u202eVăn"}}}, "ký tự ẩn"),
    ({"offices": {"hà nội": {}}}, "Mã cơ quan 'hà nội' không có"),
    ({"receipt_paper": "a3"}, "Khổ giấy in biên nhận: Chọn một trong"),
])
def test_each_setting_is_checked_with_a_message_naming_it(uow, admin, values, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        app_settings.update_many(admin, values, uow=uow)


def test_a_form_of_several_settings_saves_all_or_none(uow, admin):
    with pytest.raises(InvalidInput) as refused:
        app_settings.update_many(admin, {"hold_days": 10, "objection_days": 0, "approval_months": 99}, uow=uow)
    assert "Thời gian niêm yết" in str(refused.value) and "Thời hạn của một lần duyệt" in str(refused.value)
    assert app_settings.all_settings(uow=uow)["hold_days"] == 7  # nothing saved
    app_settings.update_many(admin, {"hold_days": 10, "objection_days": 7, "approval_months": 12}, uow=uow)
    with uow as work:
        events, _ = audit.list_events(work.session, action="update_setting", entity="app_setting", limit=100)
        stored = {row.key for row in work.session.exec(select(AppSetting))}
    assert app_settings.all_settings(uow=uow)["hold_days"] == 10
    assert "hold_days" in stored and "objection_days" not in stored  # an unchanged default is not written
    assert [e.entity_id for e in events if e.entity_id != "offices"] == ["hold_days"]  # offices: the demo signers


def test_priority_weights_take_numbers_from_a_table(uow, admin):
    weights = {key: 10 for key in app_settings.WEIGHT_NAMES} | {"near_poor": 35.0}
    saved = app_settings.update(admin, "priority_weights", weights, uow=uow)
    assert saved["near_poor"] == 35 and type(saved["near_poor"]) is int


def test_receipt_signers_are_named_per_office(uow, admin):
    offices = {row.key: row for row in signers.office_signers(admin, uow=uow)}
    assert offices["66"].office == "BHXH Đắk Lắk" and offices["66"].header["signer_title"] == "GIÁM ĐỐC"
    assert offices["66"].header["name"] == "BẢO HIỂM XÃ HỘI TỈNH ĐẮK LẮK"
    assert offices["66"].header["signer_name"] == "Nguyễn Văn Phúc"  # the demo names its offices' signers
    assert offices["1"].header["signer_name"] == ""
    app_settings.set_office_signer(admin, "1", {**offices["1"].header, "signer_name": "  Trần  Thị Hà "}, uow=uow)
    after = {row.key: row.header for row in signers.office_signers(admin, uow=uow)}
    assert after["1"]["signer_name"] == "Trần Thị Hà" and after["1"]["signer_title"] == "GIÁM ĐỐC"
    assert after["66"] == offices["66"].header  # the other offices are untouched
    with uow as work:
        (event,), _ = audit.list_events(work.session, action="update_setting", limit=1)
    lines = audit_labels.change_lines(event.entity, event.before, event.after, event.entity_id)
    assert "Tỉnh mã 1 › Họ và tên người ký: Trần Thị Hà" in lines and len(lines) == 5  # the new office's fields
    with pytest.raises(Forbidden):
        app_settings.set_office_signer(Actor("t", "province_officer", province_code=66), "66", {}, uow=uow)


def test_the_support_contact_is_public_once_set(uow, admin):
    assert app_settings.support_contact(uow=uow) == {"name": "", "phone": "", "email": ""}
    app_settings.update(admin, "support_contact", {"name": "Tổ hỗ trợ BHXH Đắk Lắk", "phone": "0262 385 1234",
                                                   "email": "HoTro@DakLak.gov.vn"}, uow=uow)
    assert app_settings.support_contact(uow=uow) == {"name": "Tổ hỗ trợ BHXH Đắk Lắk", "phone": "02623851234",
                                                     "email": "hotro@daklak.gov.vn"}
