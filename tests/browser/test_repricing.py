"""Issue 20's journey in Chromium: cards reserved before the base salary's rise on 1/7/2026 are bought after it. The
provincial officer sees what the transfer needs on the day it is made, records it, is told who waits and why, and the
D03-TS list of the paid batch carries the new price and the cover dated from the payment."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from db.engine import make_engine
from db.models import Sponsorship
from db.uow import UnitOfWork
from donation.access import auth
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation
from donation.cards import cards
from donation.common.dates import today_vn
from tests.browser.conftest import screenshot, serving, wait_for_app
from tests.browser.test_sign_in import sign_in
from tests.db.test_repricing import MADE, NEW, OLD, OTHER_XA, RISE, RUN, XA, World
from tests.workbooks import d03_people

pytestmark = pytest.mark.browser


def test_a_batch_paid_after_the_rise_is_priced_on_its_payment_day(page, templates, tmp_path, request):
    database = templates.copy("sqlite", "seeded", tmp_path, request.addfinalizer)  # accounts, no demo story
    uow = UnitOfWork(make_engine(database))
    people = {name: auth.find_actor(name, uow=uow) for name in ("demo.admin", "demo.tinh", "demo.nhataitro")}
    people["tinh.hai"] = auth.find_actor("demo.tinh2", uow=uow)  # the second officer confirms the payments
    world = World(uow, people)
    world.household(("Trần Thị Bình", "household", 60))
    world.household(("Nguyễn Văn <b>An</b>", "household", 40), commune=OTHER_XA)
    world.pledge(OLD + RISE, commune=XA)  # Bình's pledge holds the rise
    world.pledge(OLD, commune=OTHER_XA)  # An's does not, and nothing else is in scope
    allocation.allocate(SYSTEM_ACTOR, on=RUN, uow=uow)
    batch = cards.create_batch(people["demo.tinh"], uow=uow, today=MADE)
    assert (batch.people, batch.amount) == (2, 2 * OLD)
    today = today_vn()

    with serving(database) as url:
        sign_in(page, url, "demo.tinh")
        page.goto(f"{url}/purchase_batches")
        wait_for_app(page)
        expect(page.get_by_text("Hạn thẻ trong danh sách là dự kiến")).to_be_visible()
        page.get_by_role("button", name="Tính số tiền cần chuyển theo ngày này").click()
        expect(page.get_by_text(f"Nếu chuyển ngày {today:%d/%m/%Y}: 1 người, cần chuyển 1.366.200 ₫.")) \
            .to_be_visible(timeout=30_000)
        waits = page.get_by_text("1 người ra khỏi đợt, chờ đợt mua sau", exact=False).first
        expect(waits).to_be_visible()
        expect(page.get_by_text("Nguyễn Văn <b>An</b> (Phường Tuy Hòa)", exact=False).first).to_be_visible()
        screenshot(page, "repricing-preview")

        page.get_by_label("Số ủy nhiệm chi hoặc biên lai BHXH").fill("UNC 0702/BHXH")
        page.get_by_role("button", name="Ghi đã chuyển tiền").click()
        expect(page.get_by_text(f"{batch.label}: đã ghi chuyển 1.366.200 ₫ cho BHXH ngày {today:%d/%m/%Y}, 1 người."))\
            .to_be_visible(timeout=30_000)
        warning = page.get_by_text("mức lương cơ sở 2.530.000 ₫", exact=False).first
        expect(warning).to_contain_text("thiếu 102.600 ₫")
        screenshot(page, "repricing-paid")

        with page.expect_download() as waiting:
            page.get_by_role("button", name="Tải danh sách D03-TS (Excel)").click()
        path = tmp_path / "d03.xlsx"
        waiting.value.save_as(path)

    (rows,) = d03_people(path.read_bytes()).values()  # one group: households
    (row,) = rows
    assert (row[1], row[10]) == ("Trần Thị Bình", NEW)  # priced on the payment day
    assert (row[8], row[9], row[13]) == (f"{today:%d/%m/%Y}", "UNC 0702/BHXH", f"{today + timedelta(days=30):%d/%m/%Y}")
    assert "dự kiến" not in str(row[16])
    with uow as work:
        waiting_card = work.session.exec(select(Sponsorship).where(Sponsorship.person_id == world.ids[
            "Nguyễn Văn <b>An</b>"])).one()
        assert (waiting_card.status, waiting_card.batch_id, waiting_card.price) == ("allocated", None, OLD)
    assert date(2026, 7, 1) <= today
