"""The first browser journey: open the calculator, quote a 3-member household, see the total."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_quote_a_three_member_household(app_server, page):
    page.goto(f"{app_server}/premium_calculator")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Tính mức đóng BHYT")).to_be_visible()

    members = page.get_by_label("Số người", exact=True)
    members.fill("3")
    members.press("Enter")
    wait_for_app(page)
    date_box = page.get_by_label("Ngày đóng tiền (dd/mm/yyyy)", exact=True)
    date_box.fill("01/09/2024")
    date_box.press("Enter")
    wait_for_app(page)

    donor = page.get_by_test_id("stMetric").filter(has_text="Nhà tài trợ đóng")
    expect(donor).to_contain_text("2.906.280 ₫")
    expect(page.get_by_text("Hai triệu chín trăm linh sáu nghìn hai trăm tám mươi đồng")).to_be_visible()
    expect(page.get_by_text("Quy định áp dụng:")).to_contain_text("2024-07")
    assert screenshot(page, "calculator-household-3").stat().st_size > 10_000


def test_home_page_links_to_the_calculator(app_server, page):
    page.goto(app_server)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Tặng thẻ BHYT")).to_be_visible()
    page.get_by_role("link", name="Tính mức đóng cho một người hoặc một hộ").click()
    wait_for_app(page)
    expect(page).to_have_url(f"{app_server}/premium_calculator")
    expect(page.get_by_role("heading", name="Tính mức đóng BHYT")).to_be_visible()
    screenshot(page, "home-to-calculator")
