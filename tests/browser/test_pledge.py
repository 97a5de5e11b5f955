"""A donor registers, pledges, sees the live quote and a VietQR that a banking app would scan."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from donation.common.qr_images import read_qr
from donation.pledges import vietqr
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_a_donor_registers_pledges_and_gets_a_scannable_vietqr(app_server, page):
    page.goto(f"{app_server}/register")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Đăng ký nhà tài trợ")).to_be_visible()
    page.get_by_text("Cá nhân", exact=True).click()
    wait_for_app(page)
    page.get_by_label("Họ và tên").fill("trần thị mai")
    page.get_by_label("Số điện thoại").fill("0905 123 456")
    page.get_by_label("Tên đăng nhập (chữ không dấu, số, dấu chấm)").fill("tran.mai")
    page.get_by_label("Mật khẩu (ít nhất 10 ký tự)").fill("Mat-khau-cua-Mai")
    page.get_by_label("Nhập lại mật khẩu").fill("Mat-khau-cua-Mai")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url(f"{app_server}/pledge")  # registered, signed in, sent on to the pledge form
    wait_for_app(page)
    expect(page.get_by_text("Trần Thị Mai · Nhà tài trợ").first).to_be_visible()
    amount = page.get_by_label("Số tiền (đồng)")
    amount.fill("2.000.000")
    amount.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("2.000.000 ₫ mua được")).to_be_visible()
    screenshot(page, "pledge-form-with-quote")
    page.get_by_role("button", name="Ghi cam kết 2.000.000 ₫").click()
    expect(page.get_by_text("Đã ghi cam kết BH")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    code = re.search(r"BH[0-9A-Z]{8}", page.get_by_text("Đã ghi cam kết BH").inner_text())[0]

    qr = page.get_by_test_id("stImage").first.locator("img")
    expect(qr).to_be_visible()
    scanned = read_qr(Image.open(io.BytesIO(qr.screenshot())))
    assert len(scanned) == 1
    read = vietqr.read_payload(scanned[0])
    assert (read.amount, read.message, read.dynamic) == (2_000_000, code, True)
    assert read.bank_bin and read.account_number  # BHXH Việt Nam's account: the pledge is for anywhere
    screenshot(page, "pledge-vietqr")
