"""The office's home page counts what waits for the officer: nominations to review (approvable now, or why not),
payments to confirm (which this officer may), statement lines in the queue (with a near code), holds about to lapse,
instalments overdue, receipts to void; each officer sees their own office, an administrator every office."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from db.models import Hold, Nomination
from donation.access import auth
from donation.allocation import holds
from donation.payments import payments, reconcile
from donation.pledges import codes as pledge_codes
from donation.pledges import pledges
from donation.registry import nominations, review
from donation.reporting import today
from tests.databases import HOUSEHOLDS_DAY
from tests.workbooks import MIXED, workbook

TODAY = date(2026, 11, 25)
XA = 22276


@pytest.fixture
def uow_level(request) -> str:
    return "households_unpaid" if "registry" in request.fixturenames else "seeded"


@pytest.fixture
def registry(uow):
    """300 people in approved households of Đắk Lắk, no pledges: the households_unpaid template."""
    assert TODAY == HOUSEHOLDS_DAY
    return uow


def waiting(actor, uow, on=TODAY, now=None) -> dict[str, today.Work]:
    return {item.key: item for item in today.office_work(actor, on, uow=uow, now=now)}


def member(name: str, national_id: str) -> dict[str, str]:
    return {"full_name": name, "birth_date": "01/02/1980", "gender": "Nữ", "relation": "Chủ hộ",
            "national_id": national_id, "group": "household", "village": "Thôn 1"}


def test_nominations_to_review_are_split_as_the_approval_checks_them(uow, people):
    xa, tinh, second = auth.find_actor("demo.xa", uow=uow), people["demo.tinh"], people["tinh.hai"]
    posted = TODAY - timedelta(days=10)
    nominations.import_nominations(xa, workbook(MIXED), "ds.xlsx", commune_code=XA, consent=True, uow=uow,
                                   today=posted)
    review.post_list(xa, commune_code=XA, uow=uow, today=posted)
    with uow as work:
        ids = list(work.session.exec(select(Nomination.id).order_by(Nomination.id)))
    review.record_objection(xa, ids[0], raised_by="Ông Tư", content="Đã có thẻ", raised_on=posted, uow=uow)
    # nominated by this officer, posted today; then one by the commune, posted today
    assert nominations.nominate_household(tinh, commune_code=XA, consent=True, today=TODAY, uow=uow,
                                          members=[member("Lò Thị Mai", "066180000201")]).committed
    review.post_list(tinh, commune_code=XA, uow=uow, today=TODAY)
    assert nominations.nominate_household(xa, commune_code=XA, consent=True, today=TODAY, uow=uow,
                                          members=[member("Y Nguyên", "066180000202")]).committed
    review.post_list(xa, commune_code=XA, uow=uow, today=TODAY)

    mine = waiting(tinh, uow)["review"]
    assert mine.count == len(ids) + 2
    ready = len(ids) - 1
    opens = f"{TODAY + timedelta(days=8):%d/%m/%Y}"
    assert mine.detail == (f"{ready} duyệt được ngay; 3 chưa duyệt được: 2 đang niêm yết (sớm nhất duyệt được từ "
                           f"{opens}), 1 còn ý kiến chưa xử lý, 1 do bạn đề cử hoặc sửa (cán bộ khác duyệt)")
    assert waiting(second, uow)["review"].detail == (f"{ready} duyệt được ngay; 3 chưa duyệt được: 2 đang niêm yết "
                                                     f"(sớm nhất duyệt được từ {opens}), 1 còn ý kiến chưa xử lý")
    # what the home page calls approvable, the approval takes
    assert review.decide(tinh, ids[1:], "approve", uow=uow, today=TODAY) == ready
    assert waiting(tinh, uow)["review"].count == 3
    assert "review" not in waiting(people["demo.quocgia"], uow)  # the national office reviews no nominations
    assert waiting(people["demo.admin"], uow)["review"].count == 3


def test_payments_statement_lines_and_voids_each_officer_may_act_on(uow, people):
    tinh, second, national, admin = (people[n] for n in ("demo.tinh", "tinh.hai", "demo.quocgia", "demo.admin"))
    first = pledges.create_pledge(people["demo.nhataitro"], amount=2_000_000, province_code=66, today=TODAY, uow=uow)
    for recorder, amount in ((tinh, 100_000), (tinh, 200_000), (second, 300_000)):
        payments.record_payment(recorder, first.code, amount=amount, method="cash", paid_on=TODAY, today=TODAY,
                                uow=uow)
    body = first.code[2:]
    wrong = next(c for c in pledge_codes.ALPHABET if c != body[3])
    near = first.code[:5] + wrong + first.code[6:]
    sheet = ("Ngày giao dịch,Số tiền,Nội dung,Mã giao dịch\n"
             f"24/11/2026,400000,ung ho {near},FT1\n23/11/2026,150000,ung ho khong ma,FT2\n").encode()
    reconcile.reconcile(tinh, sheet, "sk.csv", today=TODAY, uow=uow)

    shown = waiting(tinh, uow)
    assert (shown["payments"].count, shown["payments"].detail) == (
        3, "1 bạn xác nhận được; 2 do bạn ghi (một cán bộ khác xác nhận)")
    assert waiting(second, uow)["payments"].detail == "2 bạn xác nhận được; 1 do bạn ghi (một cán bộ khác xác nhận)"
    assert (shown["statement"].count, shown["statement"].detail) == (
        2, "cũ nhất ngày 23/11/2026; 1 dòng có mã gần đúng với một cam kết (chờ bạn xác nhận)")
    assert (shown["voids"].count, shown["holds"].count, shown["overdue"].count) == (0, 0, 0)
    assert {key: item.count for key, item in waiting(national, uow).items()} == {
        "payments": 0, "statement": 0, "holds": 0, "overdue": 0, "voids": 0}
    every = waiting(admin, uow)
    assert (every["payments"].count, every["statement"].count) == (3, 2)
    assert every["payments"].detail == "3 bạn xác nhận được"

    # confirmed and linked, they leave the home page
    for row in payments.awaiting_confirmation(second, uow=uow):
        if row.recorded_by != second.user_id:
            payments.confirm_payment(second, row.id, uow=uow)
    (line,) = [q for q in reconcile.unmatched_lines(tinh, uow=uow)[0] if q.suggestions]
    reconcile.link_line(tinh, line.id, line.suggestions[0].code, uow=uow)
    shown = waiting(tinh, uow)
    assert (shown["payments"].count, shown["statement"].count) == (1, 1)
    assert shown["statement"].detail == "cũ nhất ngày 23/11/2026"

    # the overview carries them for the page, zero counts too
    view = today.overview(second, TODAY, uow=uow)
    assert [item.key for item in view.work] == ["review", "payments", "statement", "holds", "overdue", "voids"]
    assert not any("chờ một cán bộ khác" in line for line in view.attention)  # said once, in its box


def test_holds_about_to_lapse_on_pledges_not_paid_in_full(registry, people):
    uow = registry
    donor, tinh = people["demo.nhataitro"], people["demo.tinh"]
    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    unpaid = pledges.create_pledge(donor, amount=20_000_000, province_code=66, today=TODAY, uow=uow)
    shown = holds.browse(donor, unpaid.code, limit=3, on=TODAY, uow=uow)
    first, second, third = (h.household_id for h in shown.households)
    holds.hold(donor, unpaid.code, [first, second], now=now, uow=uow)
    paid = pledges.create_pledge(donor, amount=shown.households[2].price, province_code=66, today=TODAY, uow=uow)
    holds.hold(donor, paid.code, [third], now=now, uow=uow)
    recorded = payments.record_payment(tinh, paid.code, amount=shown.households[2].price, method="cash",
                                       paid_on=TODAY, today=TODAY, uow=uow)
    payments.confirm_payment(people["tinh.hai"], recorded.id, uow=uow)
    with uow as work:
        expires = work.session.exec(select(Hold.expires_at).where(Hold.household_id == first)).one()
    assert waiting(tinh, uow, now=now)["holds"].count == 0  # a week away
    soon = expires - timedelta(days=2)
    item = waiting(tinh, uow, now=soon)["holds"]
    assert item.count == 2  # the paid pledge's hold lasts until an allocation: not shown
    assert item.detail.startswith(f"1 cam kết chưa nộp đủ, hết giữ chỗ trong 3 ngày tới: {unpaid.code} (Phạm Thu "
                                  "Dung, còn thiếu 20.000.000 ₫, 2 hộ, đến ")
    assert waiting(people["demo.quocgia"], uow, now=soon)["holds"].count == 0
    assert waiting(people["demo.admin"], uow, now=soon)["holds"].count == 2
