"""An administrator confirms the proposed 2026 rule in Chromium: refused without a source, confirmed with one, in one
step. The base salary and date stay as proposed, so the journeys sharing this server price cards as before."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_an_administrator_confirms_a_proposed_rule_with_its_source(app_server, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app_server, "demo.admin")
    page.goto(f"{app_server}/admin_rules")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Xác nhận quy định chưa có văn bản")).to_be_visible()
    confirm = page.get_by_role("button", name="Xác nhận quy định")
    confirm.click()
    wait_for_app(page)
    expect(page.get_by_text("Nguồn xác nhận: ghi số hiệu văn bản")).to_be_visible()
    page.get_by_label("Nguồn xác nhận (số hiệu văn bản, ngày ban hành, địa chỉ trang)").fill(
        "Nghị định thử nghiệm ngày 20/6/2026")
    confirm.click()
    wait_for_app(page)
    expect(page.get_by_text("Đã xác nhận quy định 2026-07.")).to_be_visible()
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Quy định mức đóng")).to_be_visible()
    expect(page.get_by_role("heading", name="Xác nhận quy định chưa có văn bản")).to_have_count(0)
