"""The national officer opens the report and its ranking; then anyone, signed out, opens the public page. On the
demo office's server (`demo_office`), whose first start seeded demo people and pledges and allocated their money."""

import pytest
from playwright.sync_api import expect

from db.engine import make_engine
from db.uow import UnitOfWork
from donation.access.actors import SYSTEM_ACTOR
from donation.reporting import reports
from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_the_national_officer_reads_the_ranking_and_anyone_the_public_page(page, demo_office, browser):
    url, database = demo_office
    engine = make_engine(database)
    try:
        expected = reports.daily(SYSTEM_ACTOR, uow=UnitOfWork(engine))
    finally:
        engine.dispose()
    assert expected.figures.people_funded > 0
    sign_in(page, url, "demo.quocgia")
    page.goto(f"{url}/report")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Báo cáo", exact=True)).to_be_visible()
    expect(page.get_by_text("Các tỉnh (xếp hạng theo tỷ lệ người được duyệt đã được tài trợ)")).to_be_visible()
    expect(page.get_by_text(f"{expected.figures.received:,} ₫".replace(",", ".")).first).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    screenshot(page, "report-national-top")
    provinces = page.get_by_test_id("stDataFrame").last
    provinces.scroll_into_view_if_needed()
    expect(provinces).to_be_visible()
    page.get_by_role("button", name="Tải Excel").wait_for()
    screenshot(page, "report-national")  # aggregates only: no names on this page

    public = browser.new_page(viewport={"width": 400, "height": 900})  # a phone, not signed in
    try:
        public.goto(f"{url}/transparency")
        wait_for_app(public)
        expect(public.get_by_role("heading", name="Công khai số liệu")).to_be_visible()
        expect(public.get_by_text("Tiền đã nhận").first).to_be_visible()
        expect(public.get_by_text("Nhà tài trợ không công khai tên")).to_be_visible()
        expect(public.get_by_text("Đăng nhập").first).to_be_visible()  # signed out: the menu offers sign-in
        screenshot(public, "transparency-phone")
    finally:
        public.close()
