"""The provincial officer previews an allocation, sees the figures by commune beside the chart, and saves it, then
opens the explanation and reads why a funded person was chosen. On the demo office's server (`demo_office`), whose
first start seeded demo people and pledges and allocated their money; new money then comes in."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import func, select

from db.engine import make_engine
from db.models import Sponsorship
from db.uow import UnitOfWork
from donation.access import auth
from donation.allocation import explain
from donation.payments import payments
from donation.pledges import pledges
from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def live(engine) -> int:
    with UnitOfWork(engine) as work:
        return work.session.exec(select(func.count()).select_from(Sponsorship)).one()


def test_the_officer_previews_and_confirms_an_allocation(page, demo_office):
    url, database = demo_office
    engine = make_engine(database)
    try:
        first = live(engine)
        assert first > 0  # the first start allocated the demo money
        uow = UnitOfWork(engine)
        auth.create_user(auth.find_actor("demo.admin", uow=uow), username="ke.toan", password="Mat-khau-dai-du",
                         role="province_officer", province_code=66, uow=uow)
        made = pledges.create_pledge(auth.find_actor("demo.nhataitro", uow=uow), amount=30_000_000,
                                     province_code=66, today=date.today(), uow=uow)
        recorded = payments.record_payment(auth.find_actor("demo.tinh", uow=uow), made.code, amount=30_000_000,
                                           method="cash", paid_on=date.today(), today=date.today(), uow=uow)
        payments.confirm_payment(auth.find_actor("ke.toan", uow=uow), recorded.id, uow=uow)

        sign_in(page, url, "demo.tinh")
        page.goto(f"{url}/allocation")
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Phân bổ tiền tài trợ")).to_be_visible()
        page.get_by_role("button", name="Xem trước").click()
        expect(page.get_by_text("Xem trước (chưa lưu)")).to_be_visible(timeout=30_000)
        wait_for_app(page)
        expect(page.get_by_text("Theo xã (20 xã nhiều nhất)")).to_be_visible()
        screenshot(page, "allocation-preview")
        assert live(engine) == first  # a preview saves nothing
        save = page.get_by_role("button", name="Lưu phân bổ:")
        people = int(save.inner_text().split("Lưu phân bổ: ", 1)[1].split(" người", 1)[0])
        save.click()
        expect(page.get_by_text("Đã lưu phân bổ:")).to_be_visible(timeout=30_000)
        assert live(engine) == first + people and people > 0
        screenshot(page, "allocation-saved")

        page.get_by_text("Giải trình: ai được tài trợ và vì sao").click()
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Giải trình phân bổ")).to_be_visible()
        expect(page.get_by_role("tab", name="Đã được tài trợ")).to_be_visible()
        top = explain.funded(auth.find_actor("demo.tinh", uow=uow), limit=1, uow=uow).rows[0]
        wait_for_app(page)
        chooser = page.get_by_role("combobox", name="Vì sao người này được tài trợ")
        chooser.click()
        chooser.press_sequentially(top.name)
        page.get_by_role("option", name=f"{top.name} · {top.commune}").click()
        wait_for_app(page)
        said = page.get_by_role("status").filter(has_text=top.name)
        expect(said).to_contain_text(f"{top.score} điểm ({top.score_reason})")
        expect(said).to_contain_text(top.rule_name)
        screenshot(page, "allocation-explain-funded")
        page.get_by_role("tab", name="Chưa được tài trợ").click()
        waiting = explain.waiting(auth.find_actor("demo.tinh", uow=uow), uow=uow)
        expect(page.get_by_text(f"{waiting.total} người đã duyệt chưa được tài trợ" if waiting.total else
                                "Không có người đã duyệt nào còn chờ trong phạm vi này.")).to_be_visible()
        screenshot(page, "allocation-explain-waiting")
    finally:
        engine.dispose()
