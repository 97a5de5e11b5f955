"""The administrator's screens through AppTest: settings as forms, users searched and picked in the table, the audit
log in words; the help page for every role and for visitors."""


import pytest

from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from donation.access import app_settings, auth
from donation.access.actors import ROLE_NAMES
from pages._nav import PAGES, visible_to
from tests.app.conftest import as_read, select_rows
from tests.app.test_sign_in import open_page, sign_in

pytestmark = pytest.mark.app




@pytest.fixture
def admin(app):
    return sign_in(app, "demo.admin", DEMO_PASSWORD)


def test_settings_are_forms_with_vietnamese_labels_and_messages(admin):
    at = open_page(admin, "pages/admin_settings.py")
    assert [t.label for t in at.tabs] == ["Thời hạn, khổ giấy", "Trọng số ưu tiên", "Người ký biên nhận",
                                          "Đơn vị trên D03-TS", "Liên hệ hỗ trợ"]
    assert not any("JSON" in area.label for area in at.text_area)
    assert at.number_input(key="settings.hold_days").label == "Giữ chỗ nhu cầu chờ thanh toán (ngày)"
    at.number_input(key="settings.hold_days").set_value(0)
    at.button(key="FormSubmitter:settings.periods-Lưu thời hạn").click()
    at.run()
    assert [as_read(e.value) for e in at.error] == [
        "Giữ chỗ nhu cầu chờ thanh toán (ngày): Giá trị phải là số nguyên từ 1 đến 90"]
    at.number_input(key="settings.hold_days").set_value(10)
    at.button(key="FormSubmitter:settings.periods-Lưu thời hạn").click()
    at.run()
    assert [s.value for s in at.success] == ["Đã lưu thời hạn."]
    assert app_settings.all_settings()["hold_days"] == 10

    weights = at.data_editor[0].value
    assert list(weights["Yếu tố"])[:2] == ["Diện: Hộ cận nghèo", "Diện: Học sinh"]
    assert "near_poor" not in " ".join(weights["Yếu tố"]) and list(weights["Điểm"])[:2] == [30, 20]

    signers = next(t for t in at.dataframe if t.key == "settings.signers.table").value
    assert "BHXH Đắk Lắk" in list(signers["Cơ quan"]) and "— chưa ghi" in list(signers["Họ và tên người ký"])
    row = list(signers["Cơ quan"]).index("BHXH Đắk Lắk")
    at = select_rows(at, "settings.signers.table", row)
    assert at.text_input(key="settings.signer.signer_title").value == "GIÁM ĐỐC"
    assert at.text_input(key="settings.signer.signer_name").value == "Nguyễn Văn Phúc"  # the demo's signer
    at.text_input(key="settings.signer.signer_name").input("Lê Thị Thu")
    at.button(key="FormSubmitter:settings.signer.66-Lưu người ký").click()
    at = select_rows(at, "settings.signers.table", row)
    assert "Đã lưu người ký của BHXH Đắk Lắk: GIÁM ĐỐC Lê Thị Thu." in [as_read(s.value) for s in at.success]

    at.selectbox(key="settings.unit.province").select(66)
    at.run()
    at.text_input(key="settings.unit.tax_code").input("60001")
    at.button(key="FormSubmitter:settings.unit.66-Lưu thông tin đơn vị").click()
    at.run()
    assert "Mã số thuế «60001» không đúng" in as_read(at.error[0].value)
    at.text_input(key="settings.unit.tax_code").input("6000123456")
    at.text_input(key="settings.unit.unit_code").input("TA0066A")
    at.text_input(key="settings.unit.collector_code").input("NV066000123")
    at.button(key="FormSubmitter:settings.unit.66-Lưu thông tin đơn vị").click()
    at.run()
    assert [as_read(s.value) for s in at.success] == ["Đã lưu thông tin đơn vị của BHXH Đắk Lắk trên danh sách D03-TS."]
    assert app_settings.all_settings()["bhxh_units"]["66"] == {
        "unit_code": "TA0066A", "tax_code": "6000123456", "address": "", "phone": "", "email": "",
        "collector_code": "NV066000123"}

    at.text_input(key="settings.contact.phone").input("12")
    at.button(key="FormSubmitter:settings.contact-Lưu liên hệ hỗ trợ").click()
    at.run()
    assert "Số điện thoại hỗ trợ không đúng" in as_read(at.error[0].value)
    at.text_input(key="settings.contact.name").input("Tổ hỗ trợ BHXH Đắk Lắk")
    at.text_input(key="settings.contact.phone").input("1900 9068")
    at.text_input(key="settings.contact.email").input("hotro@daklak.example.vn")
    at.button(key="FormSubmitter:settings.contact-Lưu liên hệ hỗ trợ").click()
    at.run()
    assert [s.value for s in at.success] == ["Đã lưu liên hệ hỗ trợ."]
    at = open_page(at, "pages/help.py")
    assert at.text[-1].value == "Tổ hỗ trợ BHXH Đắk Lắk\nĐiện thoại: 19009068\nThư điện tử: hotro@daklak.example.vn"


def test_users_are_searched_then_picked_in_the_table(admin):
    at = open_page(admin, "pages/admin_users.py")
    assert not at.number_input and not [s for s in at.selectbox if s.label == "Tài khoản"]  # no id typed or picked
    at.text_input(key="users.search").input("dak lak")
    at.run()
    table = next(t for t in at.dataframe if (t.key or "").startswith("users.table")).value
    assert list(table["Tên đăng nhập"]) == ["demo.xa", "demo.tinh", "demo.tinh2"]
    assert list(table["Xã"])[0] == "Xã Hòa Thịnh" and set(table["Tỉnh"]) == {"Đắk Lắk"}
    at = select_rows(at, "users.table", 2)
    assert as_read(at.subheader[0].value) == "Võ Thị Mai (demo.tinh2)"
    at.button(key="users.disable").click()
    at = select_rows(at, "users.table", 2)
    assert "Đã vô hiệu hóa demo.tinh2; các phiên đăng nhập của người này đã kết thúc." in [
        as_read(s.value) for s in at.success]
    assert at.button(key="users.enable")  # and it can be enabled again
    at.text_input(key="users.new_password").input("Mat-khau-moi-2026")
    at.text_input(key="users.new_password_again").input("Mat-khau-moi-2026")
    at.button(key="FormSubmitter:users.reset-Đặt lại mật khẩu").click()
    at = select_rows(at, "users.table", 2)
    assert "Đã đặt lại mật khẩu của demo.tinh2; các phiên đăng nhập của người này đã kết thúc." in [
        as_read(s.value) for s in at.success]

    at.text_input(key="users.search").input("demo.admin")
    at.run()
    at = select_rows(at, "users.table", 0)
    assert not [b for b in at.button if b.key in ("users.disable", "users.enable")]  # one's own account: not offered
    assert "Đây là tài khoản bạn đang dùng: không tự vô hiệu hóa được." in [c.value for c in at.caption]


def test_the_audit_log_reads_in_vietnamese_with_filters(admin):
    at = open_page(admin, "pages/admin_audit.py")
    log = at.dataframe[0].value
    assert "Đăng nhập" in list(log["Hành động"]) and "sign_in" not in list(log["Hành động"])
    assert not any(cell.lstrip().startswith("{") for cell in log["Thay đổi"])  # no raw JSON
    assert "Tạo tài khoản" in at.selectbox(key="audit.action").options
    at.selectbox(key="audit.action").select("create_user")
    at.run()
    log = at.dataframe[0].value
    assert set(log["Hành động"]) == {"Tạo tài khoản"} and set(log["Đối tượng"]) >= {"Tài khoản số 1"}
    assert any("Vai trò: Cán bộ BHXH tỉnh" in cell and "Tỉnh: Đắk Lắk" in cell for cell in log["Thay đổi"])
    at = select_rows(at, "audit.table", 0)
    assert at.subheader[0].value.startswith("Sự kiện ") and "Tên đăng nhập: " in at.text[0].value
    at.selectbox(key="audit.action").select(None)
    at.date_input(key="audit.since").set_value(None)
    at.run()
    assert not at.exception


@pytest.mark.parametrize("account", [None, *DEMO_ACCOUNTS], ids=lambda a: a.username if a else "visitor")
def test_help_guides_each_role_to_the_pages_it_may_open(app, account):
    at = sign_in(app, account.username, DEMO_PASSWORD) if account else app
    at = open_page(at, "pages/help.py")
    assert at.title[0].value == "Hướng dẫn"
    role = account.role if account else None
    titles = {spec.title: spec for spec in PAGES}
    links = [link.value for link in at.page_link]
    assert len(links) >= 3
    assert all(visible_to(titles[title], role) for title in links)
    assert at.subheader[0].value == ("Dành cho khách và nhà tài trợ" if role in (None, "donor")
                                     else ROLE_NAMES[role])
    assert at.subheader[-1].value == "Liên hệ hỗ trợ"
    assert "chưa ghi liên hệ hỗ trợ" in at.info[-1].value


def test_a_disabled_user_cannot_be_the_acting_administrator(admin):
    # the service refuses even if a page offered it (the page does not)
    admin_actor = auth.find_actor("demo.admin")
    with pytest.raises(Exception, match="Bạn không thể tự vô hiệu hóa"):
        auth.set_active(admin_actor, admin_actor.user_id, False)


def test_a_proposed_rule_is_confirmed_or_corrected_with_its_source(admin):
    at = open_page(admin, "pages/admin_rules.py")
    assert list(at.dataframe[0].value["Trạng thái"])[:2] == ["Đề xuất, chưa xác nhận", "Đã xác nhận"]
    assert at.selectbox(key="rules.confirm.code").value == "2026-07"
    assert at.text_input(key="rules.confirm.salary").value == "2.530.000 ₫"
    submit = "FormSubmitter:rules.confirm-Xác nhận quy định"
    at.button(key=submit).click()
    at.run()
    assert [as_read(e.value) for e in at.error] == [
        "Nguồn xác nhận: ghi số hiệu văn bản, ngày ban hành (hoặc địa chỉ trang) trước khi xác nhận"]
    at.text_input(key="rules.confirm.source").input("Nghị định 99/2026/NĐ-CP ngày 20/6/2026")
    at.text_input(key="rules.confirm.salary").input("2,6 triệu")
    at.button(key=submit).click()
    at.run()
    assert [as_read(e.value) for e in at.error] == [
        "Lương cơ sở: Số tiền '2,6 triệu' không hợp lệ: chỉ nhập số đồng, có thể tách nhóm nghìn bằng dấu chấm "
        "(1.263.600), không có phần lẻ"]
    at.text_input(key="rules.confirm.salary").input("2.600.000")
    at.button(key=submit).click()
    at.run()
    assert not at.error and [as_read(s.value) for s in at.success] == ["Đã xác nhận quy định 2026-07."]
    at.run()
    assert "rules.confirm.code" not in [box.key for box in at.selectbox]  # nothing left to confirm
    newest = at.dataframe[0].value.iloc[0]
    assert (newest["Lương cơ sở"], newest["Trạng thái"]) == ("2.600.000 ₫", "Đã xác nhận")
    assert newest["Căn cứ"].startswith("Nghị định 99/2026/NĐ-CP ngày 20/6/2026; ")
    event = open_page(at, "pages/admin_audit.py").dataframe[0].value.iloc[0]
    assert "Xác nhận quy định mức đóng" in event.to_list()
    assert "Lương cơ sở: 2.530.000 ₫ → 2.600.000 ₫" in event["Thay đổi"]
