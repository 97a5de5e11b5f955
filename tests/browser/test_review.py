"""The province officer's review queue in a real browser at 1366×900: the queue says what can be approved and why
not, one click chooses every nomination that can be approved, and approving them succeeds."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from db.engine import make_engine
from db.models import Nomination
from db.uow import UnitOfWork
from tests.app.test_review_page import make_queue
from tests.browser.conftest import SCREENSHOTS, serving, wait_for_app
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def screenshot(page, name: str) -> None:
    """What the officer sees at 1366×900 (a full-page capture lays the wide page out again, narrower)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_the_officer_chooses_all_that_can_be_approved_and_approves_them(browser, templates, tmp_path, request):
    # a server of its own (the queue's counts are the test's), on a copy of what a first start leaves: prepared once
    database = templates.copy("sqlite", "first_start", tmp_path, request.addfinalizer)
    with serving(database) as url:
        engine = make_engine(database)
        try:
            make_queue(UnitOfWork(engine))
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            sign_in(page, url, "demo.tinh")
            page.goto(f"{url}/review")
            wait_for_app(page)
            expect(page.get_by_role("heading", name="Xét duyệt đề cử")).to_be_visible()
            main = page.locator("[data-testid='stMain']")
            expect(main.get_by_text("6 đề cử đang niêm yết chờ duyệt, 3 duyệt được ngay")).to_be_visible()
            table = page.locator("[data-testid='stDataFrame']").first
            expect(table).to_be_visible()
            screenshot(page, "review-queue")
            # the key columns fit: the table is not wider than its frame (no sideways scrolling)
            sizes = table.locator(".dvn-scroller").evaluate("grid => [grid.scrollWidth, grid.clientWidth]")
            assert sizes[0] <= sizes[1] + 2, sizes

            page.get_by_role("button", name="Chọn tất cả đề cử duyệt được (3)").click()
            wait_for_app(page)
            approve = page.get_by_role("button", name="Duyệt 3 đề cử")
            expect(approve).to_be_enabled()
            expect(main.get_by_text("Đã chọn 3 đề cử, 3 duyệt được ngay.")).to_be_visible()
            screenshot(page, "review-chosen")
            approve.click()
            expect(page.get_by_text("Đã duyệt 3 đề cử.")).to_be_visible(timeout=30_000)
            wait_for_app(page)
            expect(main.get_by_text("3 đề cử đang niêm yết chờ duyệt, 0 duyệt được ngay")).to_be_visible()
            screenshot(page, "review-approved")
            with UnitOfWork(engine) as work:
                approved = work.session.exec(select(Nomination.id).where(Nomination.status == "approved")).all()
            assert len(approved) == 3

            expect(page.get_by_role("button", name="Từ chối 0 đề cử")).to_be_disabled()  # nothing stays ticked

            # one row chosen in the table opens its file: its household together, its objection
            box = table.bounding_box()
            page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's tick box, under the header
            wait_for_app(page)
            expect(page.get_by_role("heading", name="Hồ sơ đề cử 4: Đặng Văn H")).to_be_visible()
            expect(main.get_by_text("Chưa duyệt được: còn 1 ý kiến chưa xử lý")).to_be_visible()
            screenshot(page, "review-details")
            page.get_by_text("Lịch sử xét duyệt").scroll_into_view_if_needed()
            expect(main.get_by_text("Cả hộ (1 người)")).to_be_visible()
            screenshot(page, "review-details-file")
        finally:
            engine.dispose()
