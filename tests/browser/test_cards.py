"""The provincial officer buys the cards: makes a batch of the funded people, downloads BHXH's D03-TS list, records
the transfer to BHXH, and imports the cards BHXH issued. On the demo office's server (`demo_office`), whose first
start seeded demo people and pledges and allocated their money."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from db.engine import make_engine
from db.models import Person, PremiumGroup, Sponsorship
from db.uow import UnitOfWork
from donation.common.dates import format_date
from donation.common.spreadsheets import write_csv
from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_sign_in import sign_in
from tests.workbooks import d03_people

pytestmark = pytest.mark.browser


def statuses_list(engine, batch_id) -> list[str]:
    with UnitOfWork(engine) as work:
        return list(work.session.exec(select(Sponsorship.status).where(Sponsorship.batch_id == batch_id)))


def statuses(engine, batch_id) -> set[str]:
    return set(statuses_list(engine, batch_id))


def issued_cards(engine, batch_id) -> bytes:
    """What the card office types from BHXH's list of issued cards: one line per person of the batch."""
    with UnitOfWork(engine) as work:
        objects = dict(work.session.exec(select(PremiumGroup.key, PremiumGroup.object_code)).all())
        rows = [[p.full_name, p.national_id or "", p.social_insurance_code or "",
                 str(p.birth_date.year) if p.birth_year_only else format_date(p.birth_date),
                 f"{objects[s.group_key]}466{p.social_insurance_code or f'77{p.id:08d}'}", format_date(s.starts_on),
                 format_date(s.ends_on)]
                for s, p in work.session.exec(select(Sponsorship, Person).join(Person, Person.id == Sponsorship.person_id)
                                              .where(Sponsorship.batch_id == batch_id))]
    return write_csv(["Họ và tên", "Số CCCD", "Mã số BHXH", "Ngày sinh", "Mã thẻ BHYT", "Hạn thẻ từ ngày",
                      "Hạn thẻ đến ngày"], rows)


def test_the_officer_buys_the_cards_and_imports_what_bhxh_issued(page, demo_office, tmp_path):
    url, database = demo_office
    engine = make_engine(database)
    try:
        sign_in(page, url, "demo.tinh")
        page.goto(f"{url}/purchase_batches")
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Mua thẻ BHYT")).to_be_visible()
        page.get_by_role("button", name="Lập đợt mua").click()
        expect(page.get_by_text("Đã lập Đợt 2/")).to_be_visible(timeout=30_000)
        wait_for_app(page)
        screenshot(page, "cards-batch-made")
        with page.expect_download() as waiting:
            page.get_by_role("button", name="Tải danh sách D03-TS (Excel)").click()
        path = tmp_path / "d03.xlsx"
        waiting.value.save_as(path)
        listed = [row for rows in d03_people(path.read_bytes()).values() for row in rows]  # one list per group
        assert listed
        with UnitOfWork(engine) as work:
            batch_id = work.session.exec(select(Sponsorship.batch_id).where(Sponsorship.batch_id.is_not(None))
                                         .order_by(Sponsorship.batch_id.desc())).first()
        assert len(listed) == len(statuses_list(engine, batch_id))  # every person of the batch, once
        page.get_by_label("Số ủy nhiệm chi hoặc biên lai BHXH").fill("UNC 0107/BHXH")
        page.get_by_role("button", name="Ghi đã chuyển tiền").click()
        expect(page.get_by_text("đã ghi chuyển")).to_be_visible(timeout=30_000)
        assert statuses(engine, batch_id) == {"purchased"}

        cards_file = tmp_path / "the-bhyt.csv"
        cards_file.write_bytes(issued_cards(engine, batch_id))
        wait_for_app(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(cards_file))
        page.get_by_role("button", name="Nhập thẻ", exact=True).click()
        expect(page.get_by_text(f"Đã nhập {len(listed)} thẻ")).to_be_visible(timeout=30_000)
        assert statuses(engine, batch_id) == {"carded"}
        wait_for_app(page)
        screenshot(page, "cards-imported")
    finally:
        engine.dispose()
