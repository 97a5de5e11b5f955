"""A donor holds households for a pledge in a real browser: picks two from the anonymised list, sees them held,
and, once the money is in, the officer's allocation buys their cards from that pledge."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from db.engine import make_engine
from db.models import FundingLine, Hold, Pledge, Sponsorship
from db.uow import UnitOfWork
from donation.access import auth
from donation.allocation import allocation
from donation.payments import payments
from donation.pledges import pledges
from tests.browser.conftest import DEMO_OFFICE, screenshot, serving, wait_for_app
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_a_donor_holds_two_households_and_the_allocation_funds_them_from_the_pledge(page, templates, tmp_path, request):
    # a server of its own (its allocation would spend what the demo office's journeys allocate), on a copy of the
    # demo office's database: its first start seeded it once for the run
    database = templates.copy("sqlite", "first_start", tmp_path, request.addfinalizer, **DEMO_OFFICE)
    with serving(database, **DEMO_OFFICE) as url:
        engine = make_engine(database)
        try:
            uow = UnitOfWork(engine)
            made = pledges.create_pledge(auth.find_actor("demo.nhataitro", uow=uow), amount=30_000_000,
                                         province_code=66, today=date.today(), uow=uow)
            sign_in(page, url, "demo.nhataitro")
            page.goto(f"{url}/hold_households")
            wait_for_app(page)
            expect(page.get_by_role("heading", name="Chọn hộ để giúp")).to_be_visible()
            boxes = page.locator("[data-testid='stCheckbox']")
            expect(boxes.first).to_be_visible()
            wait_for_app(page)  # ticked while the script still runs, a box is drawn again unticked when it ends
            assert "Nguyễn" not in page.inner_text("[data-testid='stMain']")  # nobody's name on the page
            boxes.nth(0).click()
            boxes.nth(1).click()
            expect(page.get_by_role("checkbox", checked=True)).to_have_count(2)
            page.get_by_role("button", name="Giữ chỗ các hộ đã chọn").click()
            expect(page.get_by_text("Đã giữ chỗ 2 hộ.")).to_be_visible(timeout=30_000)
            wait_for_app(page)
            expect(page.get_by_text("Đang giữ chỗ (2 hộ)")).to_be_visible()
            screenshot(page, "holds-held")
            with UnitOfWork(engine) as work:
                held = set(work.session.exec(select(Hold.household_id).where(Hold.status == "active")))
            assert len(held) == 2

            auth.create_user(auth.find_actor("demo.admin", uow=uow), username="ke.toan", password="Mat-khau-dai-du",
                             role="province_officer", province_code=66, uow=uow)
            recorded = payments.record_payment(auth.find_actor("demo.tinh", uow=uow), made.code, amount=30_000_000,
                                               method="cash", paid_on=date.today(), today=date.today(), uow=uow)
            payments.confirm_payment(auth.find_actor("ke.toan", uow=uow), recorded.id, uow=uow)
            allocation.allocate(auth.find_actor("demo.tinh", uow=uow), on=date.today(), uow=uow)
            with UnitOfWork(engine) as work:
                funded = set(work.session.exec(
                    select(Sponsorship.household_id).join(FundingLine, FundingLine.sponsorship_id == Sponsorship.id)
                    .join(Pledge, Pledge.id == FundingLine.pledge_id)
                    .where(Pledge.code == made.code, Sponsorship.rule == "held")))
            assert funded == held
            page.reload()
            wait_for_app(page)
            expect(page.get_by_text("Đang giữ chỗ")).to_have_count(0)  # funded: no longer held
        finally:
            engine.dispose()
