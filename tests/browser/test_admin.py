"""The administrator's working day at 1366×900: settings saved from forms, a user found and picked in the table, a
password reset, the audit log read in words; the help page shows the contact the administrator set."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from db.engine import make_engine
from db.uow import UnitOfWork
from donation.access import auth
from tests.browser.conftest import select_row, wait_for_app
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("BHYT_SHOTS", "/tmp/bhyt-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)




def test_an_administrators_day(app_server, app_database, page):
    engine = make_engine(app_database)
    try:  # an account of this test's own, so that resetting its password touches no other journey's
        admin = auth.find_actor("demo.admin", uow=UnitOfWork(engine))
        auth.create_user(admin, username="thu.nghiem.matkhau", password="Mat-khau-ban-dau", role="province_officer",
                         display_name="Phan Thị Thử", province_code=44, uow=UnitOfWork(engine))
    finally:
        engine.dispose()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app_server, "demo.admin")

    page.goto(f"{app_server}/admin_settings")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Thiết lập")).to_be_visible()
    expect(page.get_by_role("spinbutton", name="Giữ chỗ nhu cầu chờ thanh toán (ngày)")).to_have_value("7")
    shot(page, "admin-1-settings-periods")
    page.get_by_role("tab", name="Trọng số ưu tiên").click()
    expect(page.get_by_role("button", name="Lưu trọng số")).to_be_visible()
    shot(page, "admin-2-settings-weights")
    page.get_by_role("tab", name="Người ký biên nhận").click()
    expect(page.get_by_text("Chọn một cơ quan trong bảng để ghi người ký")).to_be_visible()
    shot(page, "admin-3-settings-signers")
    page.get_by_role("tab", name="Liên hệ hỗ trợ").click()
    page.get_by_label("Đơn vị hoặc người hỗ trợ").fill("Tổ hỗ trợ BHXH Đắk Lắk")
    page.get_by_label("Số điện thoại").fill("0262 385 1234")
    page.get_by_label("Thư điện tử").fill("hotro@daklak.example.vn")
    page.get_by_role("button", name="Lưu liên hệ hỗ trợ").click()
    wait_for_app(page)
    expect(page.get_by_text("Đã lưu liên hệ hỗ trợ.")).to_be_visible()
    shot(page, "admin-4-settings-contact-saved")

    page.goto(f"{app_server}/admin_users")
    wait_for_app(page)
    search = page.get_by_label("Tìm người dùng")
    search.fill("thu nghiem")
    search.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("1 tài khoản.")).to_be_visible()
    shot(page, "admin-5-users-found")
    select_row(page, page.get_by_test_id("stDataFrame").first, 0)
    expect(page.get_by_role("heading", name="Phan Thị Thử (thu.nghiem.matkhau)")).to_be_visible()
    page.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").fill("Mat-khau-moi-2026")
    page.get_by_label("Nhập lại mật khẩu mới").fill("Mat-khau-moi-2026")
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    wait_for_app(page)
    expect(page.get_by_text("Đã đặt lại mật khẩu của thu.nghiem.matkhau")).to_be_visible()
    shot(page, "admin-6-users-password-reset")
    engine = make_engine(app_database)
    try:
        assert auth.sign_in("thu.nghiem.matkhau", "Mat-khau-moi-2026", uow=UnitOfWork(engine)).actor.username \
            == "thu.nghiem.matkhau"
    finally:
        engine.dispose()

    page.goto(f"{app_server}/admin_audit")
    wait_for_app(page)
    expect(page.get_by_text("Chuỗi băm nguyên vẹn")).to_be_visible()
    shot(page, "admin-7-audit")
    chooser = page.get_by_role("combobox", name="Hành động")
    chooser.click()
    page.get_by_role("option", name="Sửa thiết lập").click()
    # the filtered list is a new table (its key holds the filter): click its row, not the one it replaces
    select_row(page, page.locator("[class*='st-key-audit-table-update_setting']").get_by_test_id("stDataFrame"), 0)
    details = page.get_by_test_id("stText").last
    expect(details).to_contain_text("Đơn vị hoặc người hỗ trợ: (trống) → Tổ hỗ trợ BHXH Đắk Lắk")
    expect(details).to_contain_text("Số điện thoại: (trống) → •••••••1234")  # masked when written, as ever
    expect(page.get_by_text("support_contact")).to_have_count(0)
    details.scroll_into_view_if_needed()
    shot(page, "admin-8-audit-setting-change")

    page.goto(f"{app_server}/help")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Hướng dẫn")).to_be_visible()
    expect(page.get_by_test_id("stText").last).to_contain_text("Tổ hỗ trợ BHXH Đắk Lắk")
    shot(page, "admin-9-help")
