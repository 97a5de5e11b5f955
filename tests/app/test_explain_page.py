"""The explanation page through AppTest: the provincial officer sees who is funded and why, filters by commune, sees
why the others wait and filters by reason; the national officer sees counts by province and no names; the pledge
sheet offers the donor's statement."""

import pytest
from sqlmodel import select

from db.models import Pledge
from db.uow import UnitOfWork
from demo import seed as demo
from demo.seed import DEMO_PASSWORD
from donation.access import auth
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation, explain
from tests.app.test_pledge_pages import open_pledge
from tests.app.test_sign_in import open_page, sign_in

pytestmark = pytest.mark.app


def chooser(at, label: str):
    # keyed by the filters and the page, so that a choice never outlives the rows it was made among
    (found,) = [box for box in at.selectbox if box.label == label]
    return found


def funded_demo(today) -> None:
    demo.seed_demo(seed=5, nominations=120, pledges=12)
    allocation.allocate(SYSTEM_ACTOR, on=today)


def test_the_officer_sees_why_people_are_funded_and_why_others_wait(app, today):
    funded_demo(today)
    officer = auth.find_actor("demo.tinh")
    expected = explain.funded(officer, limit=None)
    assert expected.total > 0
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/allocation_explain.py")
    assert not at.error and at.title[0].value == "Giải trình phân bổ"
    assert [tab.label for tab in at.tabs] == ["Đã được tài trợ", "Chưa được tài trợ"]
    assert {m.label: m.value for m in at.metric}["Người được tài trợ"] == str(expected.total)
    table = at.dataframe[0].value
    assert list(table["Họ và tên"]) == [r.name for r in expected.rows[:50]]
    assert list(table["Vì sao có điểm này"]) == [r.score_reason for r in expected.rows[:50]]
    assert set(table["Quy tắc"]) == {"Theo thứ tự ưu tiên chung"} and all("•" in g for g in table["Giấy tờ"])
    top = expected.rows[0]
    chooser(at, "Vì sao người này được tài trợ").set_value(top.nomination_id)
    at.run()
    (said,) = [i.value for i in at.info if i.value.startswith(f"**{top.name}**")]
    assert f"**{top.score} điểm** ({top.score_reason})" in said and top.pledges_text in said
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels.count("Tải Excel (toàn bộ danh sách)") == 1 and labels.count("Tải CSV") == 1  # the open tab's
    assert expected.total > 50  # a second page
    at.number_input(key="explain.funded_page.None.None").set_value(2)
    at.run()
    assert list(at.dataframe[0].value["Họ và tên"]) == [r.name for r in expected.rows[50:100]]

    # a commune where some are funded and some still wait
    waits = {r.commune for r in explain.waiting(officer, limit=None).rows}
    commune = next(r.commune for r in reversed(expected.rows) if r.commune in waits)
    code = next(c for c, name in explain.communes(officer).items() if name == commune)
    at.selectbox(key="explain.commune").set_value(code)
    at.run()
    assert not at.exception
    assert set(at.dataframe[0].value["Xã"]) == {commune}
    at.session_state["explain.tab"] = "Chưa được tài trợ"  # the other tab: only the open one is worked out
    at.run()
    assert not at.exception
    assert not any("Quy tắc" in f.value.columns for f in at.dataframe)  # the funded list is not drawn

    waiting = explain.waiting(officer, commune=code, limit=None)
    assert waiting.counts
    reasons = next(frame.value for frame in at.dataframe if list(frame.value.columns) == ["Lý do", "Số người"])
    assert dict(zip(reasons["Lý do"], reasons["Số người"], strict=True)) == {
        explain.REASONS[k]: n for k, n in waiting.counts.items()}
    chosen = next(iter(waiting.counts))
    at.selectbox(key="explain.reason").set_value(chosen)
    at.run()
    assert not at.exception
    rows = next(frame.value for frame in at.dataframe if "Chi tiết" in frame.value.columns)
    assert set(rows["Lý do"]) == {explain.REASONS[chosen]} and len(rows) == min(50, waiting.counts[chosen])
    first = next(r for r in waiting.rows if r.reason == chosen)
    chooser(at, "Vì sao người này chưa được tài trợ").set_value(first.nomination_id)
    at.run()
    assert [w.value for w in at.warning] == [
        f"**{first.name}** ({first.commune}, {first.score} điểm): **{explain.REASONS[chosen]}**. {first.detail}."]


def test_the_national_officer_sees_counts_by_province_and_no_names(app, today):
    funded_demo(today)
    at = open_page(sign_in(app, "demo.quocgia", DEMO_PASSWORD), "pages/allocation_explain.py")
    assert not at.error
    counts = explain.waiting(auth.find_actor("demo.quocgia"), limit=None)
    bought = explain.funded(auth.find_actor("demo.quocgia"), limit=None)
    assert counts.counts and bought.total > 0  # national money bought cards in the demo
    names = at.dataframe[0].value["Họ và tên"]  # what national money bought, with initials only
    assert len(names) == min(50, bought.total) and all(name.endswith(".") for name in names)
    at.session_state["explain.tab"] = "Chưa được tài trợ"
    at.run()
    by_province = next(frame.value for frame in at.dataframe if "Tỉnh/thành phố" in frame.value.columns)
    assert list(by_province["Tỉnh/thành phố"]) == list(counts.by_province)
    assert not any("Chi tiết" in frame.value.columns for frame in at.dataframe)


@pytest.mark.parametrize(("username", "whose"), [
    ("demo.tinh", (Pledge.allocated > 0, Pledge.office_code == 66)),  # the office, for a pledge its money bought
    ("demo.nhataitro", (Pledge.donor_id == 1, Pledge.paid > 0)),  # the donor, for their own pledge with money in
])
def test_the_pledge_sheet_offers_the_statement(app, username, whose, today):
    funded_demo(today)
    with UnitOfWork() as work:
        code = work.session.exec(select(Pledge.code).where(*whose)).first()
    assert code
    at = open_page(sign_in(app, username, DEMO_PASSWORD), "pages/pledges.py")
    open_pledge(at, code)
    assert not at.exception
    assert "Tải bản kê sử dụng tiền tài trợ (PDF)" in [d.proto.label for d in at.get("download_button")]


def test_the_officer_gives_a_sponsorship_back_with_a_reason_and_its_money_returns(app, today):
    funded_demo(today)
    officer = auth.find_actor("demo.tinh")
    top = explain.funded(officer, limit=1).rows[0]
    with UnitOfWork() as work:
        before = sum(work.session.exec(select(Pledge.allocated)).all())
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/allocation_explain.py")
    chooser(at, "Vì sao người này được tài trợ").set_value(top.nomination_id)
    at.run()
    at.text_input(key="explain.release_reason").set_value("")
    submit = next(b for b in at.get("button") if b.label == "Trả lại suất tài trợ")
    submit.click()
    at.run()
    assert "Ghi lý do trả lại" in at.error[0].value  # nothing given back without a reason
    at.text_input(key="explain.release_reason").set_value("Người được tài trợ đã có thẻ BHYT khác")
    next(b for b in at.get("button") if b.label == "Trả lại suất tài trợ").click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith(f"Đã trả lại suất tài trợ của {top.name}")
    with UnitOfWork() as work:
        assert sum(work.session.exec(select(Pledge.allocated)).all()) == before - top.price
    assert top.nomination_id not in {r.nomination_id for r in explain.funded(officer, limit=None).rows}
