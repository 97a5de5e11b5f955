"""The donor's journey in Chromium, on a laptop (1366×900) and on a phone (390×844): home → «Đóng góp ngay» →
registration → the pledge form → the VietQR with copy buttons and a saved QR image, all within the screen's width;
and a forgotten password reset through the link a real SMTP server on localhost receives."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, serving, wait_for_app
from tests.smtp import smtp_server

pytestmark = pytest.mark.browser

SCREENS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def fits(page, locator) -> None:
    """The element is shown whole inside the page's width (nothing cut off at the right edge)."""
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (box, width)


@pytest.mark.parametrize("screen", SCREENS)
def test_a_visitor_donates_from_the_home_page_and_copies_what_the_bank_asks(app_server, browser, screen):
    context = browser.new_context(viewport=SCREENS[screen], permissions=["clipboard-read", "clipboard-write"],
                                  accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_server}/")  # the home page is the visitor's first page
    wait_for_app(page)
    donate = page.get_by_role("button", name="Đóng góp ngay")
    expect(donate).to_be_visible()
    fits(page, donate)
    screenshot(page, f"donor-{screen}-1-home")
    donate.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Đăng ký nhà tài trợ")).to_be_visible()

    page.get_by_text("Cá nhân", exact=True).click()
    wait_for_app(page)
    page.get_by_label("Họ và tên").fill("nguyễn văn an")
    page.get_by_label("Số điện thoại").fill("0905 123 457")
    page.get_by_label("Tên đăng nhập (chữ không dấu, số, dấu chấm)").fill(f"an.{screen}")
    page.get_by_label("Mật khẩu (ít nhất 10 ký tự)").fill("Mat-khau-cua-An")
    page.get_by_label("Nhập lại mật khẩu").fill("Mat-khau-cua-An")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url(f"{app_server}/pledge")  # registered, signed in, and on the pledge form as the message said
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Cam kết tài trợ")).to_be_visible()

    amount = page.get_by_label("Số tiền (đồng)")
    amount.fill("1.500.000")
    amount.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Ghi cam kết 1.500.000 ₫").click()
    expect(page.get_by_text("Đã ghi cam kết BH")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    code = re.search(r"BH[0-9A-Z]{8}", page.get_by_text("Đã ghi cam kết BH").inner_text())[0]

    qr = page.get_by_test_id("stImage").first.locator("img")
    expect(qr).to_be_visible()
    fits(page, qr)
    save = page.get_by_role("button", name="Lưu ảnh mã QR")
    expect(save).to_be_visible()
    fits(page, save)
    with page.expect_download() as download:
        save.click()
    assert download.value.suggested_filename == f"ma-qr-{code}.png"
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    copies = page.get_by_role("button", name=re.compile("^Sao chép"))
    expect(copies).to_have_count(3)
    for index, wanted in ((1, "1500000"), (2, code)):
        button = copies.nth(index)
        button.scroll_into_view_if_needed()
        fits(page, button)
        button.click()
        expect(button).to_have_text("Đã chép")
        assert page.evaluate("navigator.clipboard.readText()") == wanted
    copies.nth(0).click()
    assert re.fullmatch(r"[0-9A-Za-z]{6,19}", page.evaluate("navigator.clipboard.readText()"))
    for value in page.locator(".bhyt-copy .value").all():
        fits(page, value)
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    page.locator(".bhyt-copy").scroll_into_view_if_needed()
    screenshot(page, f"donor-{screen}-2-vietqr")
    context.close()


def test_a_forgotten_password_is_reset_through_the_mailed_link_once(templates, tmp_path, request, browser):
    with smtp_server() as (inbox, port):
        # a server of its own (it mails, and a password changes), on a copy of what a first start leaves
        database = templates.copy("sqlite", "first_start", tmp_path, request.addfinalizer)
        with serving(database, BHYT_SMTP_HOST="127.0.0.1", BHYT_SMTP_PORT=str(port), BHYT_SMTP_STARTTLS="false",
                     BHYT_SMTP_FROM="bhxh@example.vn") as base:
            page = browser.new_page(viewport=SCREENS["phone"])
            page.goto(f"{base}/sign_in")
            wait_for_app(page)
            page.get_by_role("link", name="Quên mật khẩu?").click()
            wait_for_app(page)
            expect(page.get_by_role("heading", name="Quên mật khẩu")).to_be_visible()
            page.get_by_label("Thư điện tử").fill("nhataitro@example.com")
            page.get_by_role("button", name="Gửi link đặt lại mật khẩu").click()
            wait_for_app(page)
            expect(page.get_by_text("Nếu địa chỉ này là của một tài khoản nhà tài trợ")).to_be_visible()
            screenshot(page, "donor-phone-3-reset-asked")
            for _ in range(100):
                if inbox.messages:
                    break
                page.wait_for_timeout(100)
            (_, letter), = inbox.messages
            link = re.search(r"http://\S+", letter.get_body(("plain",)).get_content())[0]
            assert link.startswith(f"{base}/reset_password?token=")

            page.goto(link)
            wait_for_app(page)
            page.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").fill("Mat-khau-moi-2026")
            page.get_by_label("Nhập lại mật khẩu mới").fill("Mat-khau-moi-2026")
            page.get_by_role("button", name="Đặt mật khẩu mới").click()
            wait_for_app(page)
            expect(page.get_by_text("Đã đặt mật khẩu mới cho tài khoản demo.nhataitro")).to_be_visible()
            assert "token" not in page.url  # the spent token left the address bar
            screenshot(page, "donor-phone-4-reset-done")

            page.goto(link)  # once only
            wait_for_app(page)
            expect(page.get_by_text("Đường link đặt lại mật khẩu không còn dùng được")).to_be_visible()

            page.goto(f"{base}/sign_in")
            wait_for_app(page)
            page.get_by_label("Tên đăng nhập").fill("demo.nhataitro")
            page.get_by_label("Mật khẩu").fill("Mat-khau-moi-2026")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(f"{base}/")
            wait_for_app(page)
            expect(page.get_by_text("Phạm Thu Dung · Nhà tài trợ").first).to_be_visible()
            page.close()
