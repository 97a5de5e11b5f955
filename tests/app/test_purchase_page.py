"""The card-buying page through AppTest: the provincial officer makes a batch, downloads BHXH's list and records
the transfer to BHXH."""

from datetime import date

from sqlmodel import select

from db.models import Sponsorship
from db.uow import UnitOfWork
from demo import seed as demo
from demo.seed import DEMO_PASSWORD
from donation.access import auth
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation
from donation.cards import cards
from tests.app.conftest import as_read
from tests.app.test_sign_in import open_page, sign_in
from tests.db.test_repricing import MADE, NEW, OLD, OTHER_XA, RISE, RUN, XA, World
from tests.workbooks import d03_people


def statuses(batch_id: int) -> set[str]:
    with UnitOfWork() as work:
        return set(work.session.exec(select(Sponsorship.status).where(Sponsorship.batch_id == batch_id)))


def test_the_officer_makes_a_batch_exports_it_and_records_the_payment(app):
    demo.seed_demo(seed=5, nominations=120, pledges=12, allocate=True)  # the demo commune's cards: Đợt 1
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/purchase_batches.py")
    assert not at.exception and not at.error
    shown = {m.label: m.value for m in at.metric}
    waiting = int(shown["Người đã được tài trợ"].replace(".", ""))
    assert waiting > 0 and at.dataframe[0].value["Số người"].sum() == waiting
    at.button(key="cards.create").click()
    at.run()
    assert not at.exception and at.success[0].value.startswith("Đã lập Đợt 2/")
    assert f"{waiting} người" in at.success[0].value.replace(".", "")
    assert "Không có ai đã được tài trợ mà chưa vào đợt mua" in at.info[0].value
    (table,) = [f.value for f in at.dataframe if "Đợt" in f.value.columns]
    assert table["Trạng thái"].tolist() == ["Đang lập", "Đã có thẻ"] and table["Số người"].tolist()[0] == waiting
    batch, _ = cards.list_batches(auth.find_actor("demo.tinh"), province=None)
    listed = d03_people(cards.export_batch(auth.find_actor("demo.tinh"), batch.id)[1])  # one list per group
    assert sum(len(rows) for rows in listed.values()) == waiting
    (warning,) = [w.value for w in at.warning]  # the office's codes an administrator has not filled print empty
    assert warning.startswith("Danh sách D03-TS in trống Mã đơn vị (do BHXH cấp), Mã số thuế, Địa chỉ trụ sở")
    assert any("Hạn thẻ trong danh sách là dự kiến" in c.value for c in at.caption)
    at.text_input[-1].input("UNC 0042/BHXH")
    next(b for b in at.button if b.label == "Ghi đã chuyển tiền").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "đã ghi chuyển" in at.success[0].value and statuses(batch.id) == {"purchased"}
    (table,) = [f.value for f in at.dataframe if "Đợt" in f.value.columns]
    assert table["Trạng thái"].tolist() == ["Đã chuyển tiền cho BHXH", "Đã có thẻ"]
    assert table["Chứng từ"].tolist()[0] == "UNC 0042/BHXH"


def test_paying_a_batch_after_the_rise_tells_the_officer_who_waits_and_why(app):
    """Allocated on 15/06/2026 at the 2,340,000 ₫ base salary, paid today (after 1/7/2026): Bình's pledge has the
    102,600 ₫ more, An's has not and nothing else is in scope, so An leaves the batch and the page says so."""
    admin = auth.find_actor("demo.admin")
    auth.create_user(admin, username="tinh.hai", password="Mat-khau-dai-du", role="province_officer",
                     province_code=66)
    people = {name: auth.find_actor(name) for name in ("demo.admin", "demo.tinh", "demo.nhataitro", "tinh.hai")}
    world = World(UnitOfWork(), people)
    world.household(("Trần Thị Bình", "household", 60))
    world.household(("Nguyễn Văn <b>An</b>", "household", 40), commune=OTHER_XA)
    world.pledge(OLD + RISE, commune=XA)
    world.pledge(OLD, commune=OTHER_XA)
    allocation.allocate(SYSTEM_ACTOR, on=RUN)
    batch = cards.create_batch(people["demo.tinh"], today=MADE)
    assert (batch.people, batch.amount) == (2, 2 * OLD) and MADE < date(2026, 7, 1)
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/purchase_batches.py")
    assert "Giá thẻ tính theo quy định ngày chuyển tiền" in " ".join(c.value for c in at.caption)
    at.button(key=f"cards.preview.{batch.id}").click()  # what a transfer today needs, before it is made
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert as_read(at.info[-1].value).endswith(": 1 người, cần chuyển 1.366.200 ₫.")
    assert any("Nguyễn Văn <b>An</b> (Phường Tuy Hòa)" in as_read(w.value) for w in at.warning)
    at.text_input[-1].input("UNC 0702/BHXH")
    next(b for b in at.button if b.label == "Ghi đã chuyển tiền").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "1 người" in at.success[0].value and "1.366.200 ₫" in at.success[0].value
    (warning,) = [as_read(w.value) for w in at.warning if "chờ đợt mua sau" in as_read(w.value)]
    assert "mức lương cơ sở 2.530.000 ₫" in warning and "1 người ra khỏi đợt, chờ đợt mua sau" in warning
    assert "Nguyễn Văn <b>An</b> (Phường Tuy Hòa)" in warning  # a typed name is shown as text (as_read)
    assert "giá mới 1.366.200 ₫ (đã dành 1.263.600 ₫)" in warning and "thiếu 102.600 ₫" in warning
    assert statuses(batch.id) == {"purchased"} and NEW == OLD + RISE
    assert cards.waiting(people["demo.tinh"]).people == 1  # An waits for the next batch
