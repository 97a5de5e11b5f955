"""The national and the provincial officer read the report at 1366×900, its charts in Vietnamese numbers; then anyone,
signed out, opens the public page at 1366×900 and on a phone (390×844), its money figures whole. On the demo
office's server (`demo_office`), whose first start seeded demo people and pledges and allocated their money."""

import re

import pytest
from playwright.sync_api import expect

from db.engine import make_engine
from db.uow import UnitOfWork
from donation.access.actors import SYSTEM_ACTOR
from donation.common.money import format_vnd, format_vnd_short
from donation.reporting import reports, transparency
from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

ENGLISH_NUMBER = re.compile(r"\d,\d{3}")  # 20,000,000


def figures(database: str, province: int | None = None):
    engine = make_engine(database)
    try:
        return (reports.daily(SYSTEM_ACTOR, province=province, uow=UnitOfWork(engine)),
                transparency.figures(uow=UnitOfWork(engine)))
    finally:
        engine.dispose()


def chart_texts(page, count: int = 3) -> list[list[str]]:
    """The text of each of the page's `count` charts (drawn as SVG: its axes' labels and titles, its legend)."""
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(count, timeout=30_000)  # a busy machine mounts them one after another
    texts = []
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        chart.locator("svg text").first.wait_for()
        texts.append(chart.evaluate("e => [...e.querySelectorAll('svg text')].map(t => t.textContent)"
                                    ".filter(t => t.trim())"))
    return texts


def tooltip_of_the_longest_bar(page, chart) -> str:
    bars = chart.locator("svg [class*='mark-rect'] path")
    boxes = [bars.nth(i).bounding_box() for i in range(bars.count())]
    box = max((b for b in boxes if b), key=lambda b: b["width"])
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    return tooltip.inner_text()


def test_the_officers_read_the_report_in_vietnamese_numbers(page, browser, demo_office):
    url, database = demo_office
    expected, _ = figures(database)
    assert expected.figures.people_funded > 0
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, url, "demo.quocgia")
    page.goto(f"{url}/report")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Báo cáo", exact=True)).to_be_visible()
    expect(page.get_by_text("Các tỉnh (xếp hạng theo tỷ lệ người được duyệt đã được tài trợ)")).to_be_visible()
    expect(page.get_by_text(format_vnd(expected.figures.received)).first).to_be_visible()
    expect(page.get_by_text(f"thay đổi so với hết ngày {expected.previous:%d/%m/%Y}")).to_be_visible()
    screenshot(page, "report-national-top")
    trend, kinds, progress = chart_texts(page)
    assert any(t.endswith(" triệu") for t in trend) and "Số tiền (đồng)" in trend, trend
    assert any(t.endswith(" triệu") for t in kinds) and "Doanh nghiệp, tổ chức" in kinds, kinds
    assert "Đắk Lắk" in progress and "% người được duyệt đã được tài trợ" in progress, progress
    assert not [t for t in trend + kinds + progress if ENGLISH_NUMBER.search(t)]
    assert not {"budget", "organisation", "individual", "received"} & set(trend + kinds + progress)
    assert re.search(r"Tiền đã nhận\s+\d{1,3}(\.\d{3})* ₫", tooltip_of_the_longest_bar(
        page, page.get_by_test_id("stVegaLiteChart").nth(1)))
    screenshot(page, "report-national-charts")
    provinces = page.get_by_test_id("stDataFrame").last
    provinces.scroll_into_view_if_needed()
    expect(provinces).to_be_visible()
    page.get_by_role("button", name="Tải Excel").wait_for()
    screenshot(page, "report-national")  # aggregates only: no names on this page

    province, _ = figures(database, 66)
    context = browser.new_context(viewport={"width": 1366, "height": 900})  # the provincial officer's own browser
    try:
        officer = context.new_page()
        sign_in(officer, url, "demo.tinh")
        officer.goto(f"{url}/report")
        wait_for_app(officer)
        expect(officer.get_by_text("Tỉnh: Đắk Lắk")).to_be_visible()
        expect(officer.get_by_test_id("stMetricValue").filter(has_text=format_vnd(province.figures.received))
               .first).to_be_visible()
        trend, kinds, progress = chart_texts(officer)
        assert any(t.endswith(" triệu") for t in trend + kinds)
        assert not [t for t in trend + kinds + progress if ENGLISH_NUMBER.search(t)]
        screenshot(officer, "report-province")
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_anyone_reads_the_public_page_with_its_money_whole(browser, demo_office, width, height):
    url, database = demo_office
    _, public = figures(database)
    page = browser.new_page(viewport={"width": width, "height": height})  # not signed in
    try:
        page.goto(f"{url}/transparency")
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Công khai số liệu")).to_be_visible()
        expect(page.get_by_text("Đăng nhập").first).to_be_visible()  # signed out: the menu offers sign-in
        values = page.get_by_test_id("stMetricValue")
        expect(values.first).to_be_visible()
        for key in ("pledged", "received", "allocated", "spent"):
            short = format_vnd_short(public.money[key])
            value = values.filter(has_text=short).first
            expect(value).to_be_visible()
            assert value.inner_text().strip() == short
            # not cut: nothing of the figure overflows its box (no "430.929.…")
            assert value.evaluate("e => [e, ...e.querySelectorAll('*')].every(x => x.scrollWidth <= x.clientWidth)")
            expect(page.get_by_text(f"Chính xác: {format_vnd(public.money[key])}")).to_be_visible()
        screenshot(page, f"transparency-{width}")
        kinds = page.get_by_text("Nhà tài trợ đồng ý công khai tên", exact=True)
        kinds.scroll_into_view_if_needed()
        expect(page.get_by_text("Nhà tài trợ không công khai tên:")).to_be_visible()
        screenshot(page, f"transparency-{width}-donors")
    finally:
        page.close()
