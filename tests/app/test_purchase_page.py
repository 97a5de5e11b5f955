"""The card-buying page through AppTest: the provincial officer makes a batch, downloads BHXH's list and records
the transfer to BHXH."""

from sqlmodel import select

from db.models import Sponsorship
from db.uow import UnitOfWork
from demo import seed as demo
from demo.seed import DEMO_PASSWORD
from donation.access import auth
from donation.cards import cards
from tests.app.test_sign_in import open_page, sign_in
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
