"""Posting, objections and review against real databases, with the printed list read back from its PDF."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from db.models import Nomination
from donation.access import auth
from donation.access.actors import Actor
from donation.common.errors import Forbidden, InvalidInput
from donation.registry import nominations, review
from donation.registry.posting_pdf import posting_pdf
from tests.pdf import pdf_text
from tests.workbooks import MIXED, workbook

XA = 22276
POSTED = date(2026, 11, 2)
AFTER_WINDOW = POSTED + timedelta(days=8)


@pytest.fixture
def people(uow):
    """demo.xa nominates four people and posts the list on 02/11/2026; returns the actors and nomination ids."""
    xa = auth.find_actor("demo.xa", uow=uow)
    nominations.import_nominations(xa, workbook(MIXED), "ds.xlsx", commune_code=XA, consent=True, uow=uow,
                                today=POSTED)
    posting = review.post_list(xa, commune_code=XA, uow=uow, today=POSTED)
    assert (posting.count, posting.objection_until) == (4, POSTED + timedelta(days=7))
    with uow as work:
        ids = list(work.session.exec(select(Nomination.id).order_by(Nomination.id)))
    return xa, auth.find_actor("demo.tinh", uow=uow), ids


def statuses(uow) -> list[str]:
    with uow as work:
        return list(work.session.exec(select(Nomination.status).order_by(Nomination.id)))


def test_the_printed_list_has_names_years_villages_groups_and_no_identifiers(uow, people):
    xa, _, _ = people
    commune, until, lines = review.posted_lines(xa, commune_code=XA, posted_on=POSTED, uow=uow)
    pdf = posting_pdf(commune, POSTED, until, lines)
    text = pdf_text(pdf)
    assert "XÃ HÒA THỊNH" in text and "02/11/2026" in text and "09/11/2026" in text
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Nguyễn Văn Cường", "Đặng Văn H"):
        assert name in text
    assert "1985" in text and "Hộ cận nghèo" in text
    assert "066085000123" not in text and "0123456789" not in text and "02/03/1985" not in text
    # the Vietnamese order: by given name (An, Bình, Cường, H)
    assert text.index("Nguyễn Văn An") < text.index("Trần Thị Bình") < text.index("Nguyễn Văn Cường")


def test_no_approval_inside_the_window_or_with_an_open_objection(uow, people):
    _, tinh, ids = people
    with pytest.raises(InvalidInput, match="còn trong thời gian niêm yết đến 09/11/2026"):
        review.decide(tinh, ids[:1], "approve", uow=uow, today=POSTED + timedelta(days=7))
    with pytest.raises(InvalidInput, match="Tên người nêu ý kiến có ký tự điều khiển hoặc ký tự ẩn"):
        review.record_objection(people[0], ids[0], raised_by="Ông Tư\u202e", content="Sai",
                                raised_on=POSTED + timedelta(days=3), uow=uow)
    objection = review.record_objection(people[0], ids[0], raised_by="Ông Nguyễn Văn Tư, thôn 1",
                                        content="Hộ này đã có thẻ", raised_on=POSTED + timedelta(days=3), uow=uow)
    with pytest.raises(InvalidInput, match="còn 1 ý kiến chưa xử lý"):
        review.decide(tinh, ids[:1], "approve", uow=uow, today=AFTER_WINDOW)
    assert review.review_queue(tinh, uow=uow)[0][-1].open_objections == 0
    assert {r.id: r.open_objections for r in review.review_queue(tinh, uow=uow)[0]}[ids[0]] == 1
    review.resolve_objection(people[0], objection, "Đã kiểm tra: thẻ cũ hết hạn 10/2026", uow=uow)
    assert review.decide(tinh, ids[:1], "approve", uow=uow, today=AFTER_WINDOW) == 1
    with uow as work:
        approved = work.session.get(Nomination, ids[0])
        assert approved.status == "approved" and approved.approved_until == date(2027, 11, 9)


def test_bulk_decisions_are_all_or_nothing(uow, people):
    _, tinh, ids = people
    review.record_objection(people[0], ids[3], raised_by="Bà Lê Thị Năm", content="Sai thôn",
                            raised_on=POSTED, uow=uow)
    with pytest.raises(InvalidInput, match=f"Đề cử {ids[3]} còn 1 ý kiến"):
        review.decide(tinh, ids, "approve", uow=uow, today=AFTER_WINDOW)
    assert statuses(uow) == ["posted"] * 4
    assert review.decide(tinh, ids[:3], "approve", uow=uow, today=AFTER_WINDOW) == 3


def test_reject_needs_a_reason_and_return_goes_back_for_posting(uow, people):
    xa, tinh, ids = people
    with pytest.raises(InvalidInput, match="Ghi lý do"):
        review.decide(tinh, ids[:1], "reject", " ", uow=uow, today=AFTER_WINDOW)
    review.decide(tinh, ids[:1], "reject", "Đã có thẻ hộ nghèo", uow=uow, today=AFTER_WINDOW)
    review.decide(tinh, ids[1:2], "return", "Sửa lại thôn", uow=uow, today=AFTER_WINDOW)
    assert statuses(uow)[:2] == ["rejected", "returned"]
    assert review.post_list(xa, commune_code=XA, uow=uow, today=AFTER_WINDOW).count == 1
    with pytest.raises(InvalidInput, match="chưa niêm yết hoặc đã xử lý"):
        review.decide(tinh, ids[:1], "approve", uow=uow, today=AFTER_WINDOW)


def test_the_nominator_cannot_approve_their_own(uow):
    tinh = auth.find_actor("demo.tinh", uow=uow)
    nominations.import_nominations(tinh, workbook(MIXED[:1]), "ds.xlsx", commune_code=XA, consent=True, uow=uow,
                                today=POSTED)
    review.post_list(tinh, commune_code=XA, uow=uow, today=POSTED)
    with uow as work:
        own = work.session.exec(select(Nomination.id)).one()
    with pytest.raises(Forbidden, match="do chính bạn lập hoặc sửa"):
        review.decide(tinh, [own], "approve", uow=uow, today=AFTER_WINDOW)
    admin = auth.find_actor("demo.admin", uow=uow)
    assert review.decide(admin, [own], "approve", uow=uow, today=AFTER_WINDOW) == 1


@pytest.mark.parametrize("actor", [Actor("t", "province_officer", province_code=1, user_id=99),
                                   Actor("x", "commune_official", province_code=66, commune_code=24175, user_id=99)])
def test_officials_outside_the_scope_see_and_decide_nothing(uow, people, actor):
    if actor.role == "province_officer":
        assert review.review_queue(actor, uow=uow) == ([], 0)
        with pytest.raises(Forbidden):
            review.decide(actor, people[2][:1], "approve", uow=uow, today=AFTER_WINDOW)
    else:
        with pytest.raises(Forbidden):
            review.review_queue(actor, uow=uow)
        with pytest.raises(Forbidden):
            review.record_objection(actor, people[2][0], raised_by="a", content="b", raised_on=POSTED, uow=uow)


def test_a_change_after_approval_goes_back_to_review(uow, people):
    xa, tinh, ids = people
    review.decide(tinh, ids[:1], "approve", uow=uow, today=AFTER_WINDOW)
    cells = nominations.nomination_cells(xa, ids[0], uow=uow)
    assert cells["national_id"] == "066085000123"  # in full, for the official in scope, and audited
    from donation.access import audit

    with uow as work:
        assert audit.list_events(work.session, action="view_identifiers")[1] == 1
    status = nominations.update_nomination(xa, ids[0], {**cells, "village": "Thôn 2", "flood_damage": "Hư hỏng nặng"},
                                        uow=uow, today=AFTER_WINDOW)
    assert status == "nominated"  # posted again at the commune, then reviewed again
    with uow as work:
        changed = work.session.get(Nomination, ids[0])
        assert (changed.village, changed.flood_damage, changed.approved_until) == ("Thôn 2", "severe", None)
        assert (changed.posted_on, changed.updated_by) == (None, xa.user_id)
        assert "Hư hỏng nặng 30" in changed.priority_explanation
        event = audit.list_events(work.session, action="update_nomination")[0][0]
    assert "066085000123" not in (event.before + event.after)


@pytest.mark.parametrize(("change", "message"), [
    ({"national_id": "066187000124", "birth_date": "01/05/1987", "gender": "Nữ"}, "đã thuộc một người khác"),
    ({"birth_date": "01/01/2030"}, "Ngày sinh: Ngày sinh 01/01/2030 ở tương lai"),
    ({"group": "poor"}, "Nhà nước (và tỉnh) đóng toàn bộ"),
])
def test_edits_are_checked_like_new_rows(uow, people, change, message):
    xa, _, ids = people
    cells = nominations.nomination_cells(xa, ids[0], uow=uow)
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        nominations.update_nomination(xa, ids[0], {**cells, **change}, uow=uow, today=AFTER_WINDOW)


def test_rejected_nominations_are_not_edited(uow, people):
    xa, tinh, ids = people
    review.decide(tinh, ids[:1], "reject", "Không đủ điều kiện", uow=uow, today=AFTER_WINDOW)
    with pytest.raises(InvalidInput, match="Bị từ chối"):
        nominations.nomination_cells(xa, ids[0], uow=uow)


def test_the_queue_filters_by_commune(uow, people):
    _, tinh, _ = people
    assert review.review_queue(tinh, commune_code="22276", uow=uow)[1] == 4
    assert review.review_queue(tinh, commune_code="24175", uow=uow)[1] == 0
    with pytest.raises(Forbidden):
        review.review_queue(tinh, commune_code="70", uow=uow)  # Hà Nội: outside Đắk Lắk


def test_whoever_edited_a_nomination_cannot_approve_it(uow, people):
    xa, tinh, ids = people
    cells = nominations.nomination_cells(tinh, ids[0], uow=uow)
    nominations.update_nomination(tinh, ids[0], {**cells, "village": "Thôn 5"}, uow=uow, today=AFTER_WINDOW)
    review.post_list(xa, commune_code=XA, uow=uow, today=AFTER_WINDOW)
    later = AFTER_WINDOW + timedelta(days=8)
    with pytest.raises(Forbidden, match="do chính bạn lập hoặc sửa"):
        review.decide(tinh, ids[:1], "approve", uow=uow, today=later)
    assert review.decide(auth.find_actor("demo.admin", uow=uow), ids[:1], "approve", uow=uow, today=later) == 1


def test_an_approval_lasts_the_programme_year_then_is_renewed_through_posting_and_review(uow, people):
    xa, tinh, ids = people
    review.decide(tinh, ids[:2], "approve", uow=uow, today=AFTER_WINDOW)
    with uow as work:
        until = work.session.get(Nomination, ids[0]).approved_until
    assert until == date(2027, 11, 9)  # 12 months (the setting), the last day included
    early = until - timedelta(days=nominations.RENEWAL_NOTICE_DAYS + 1)
    assert nominations.renewals_due(xa, uow=uow, today=early) == 0
    with pytest.raises(InvalidInput, match="còn được duyệt đến 09/11/2027"):
        nominations.renew(xa, ids[:1], uow=uow, today=early)
    due_day = until - timedelta(days=nominations.RENEWAL_NOTICE_DAYS)
    assert nominations.renewals_due(xa, uow=uow, today=due_day) == 2
    assert nominations.renewals_due(tinh, uow=uow, today=due_day) == 2
    from donation.reporting import today as home

    assert any(line.startswith("2 đề cử đã duyệt sắp hết hạn") for line in home.overview(xa, due_day, uow=uow).attention)
    assert not any("sắp hết hạn" in line for line in home.overview(xa, early, uow=uow).attention)
    outsider = Actor("x2", "commune_official", province_code=66, commune_code=22279, user_id=99)
    assert nominations.renewals_due(outsider, uow=uow, today=due_day) == 0
    rows, total = nominations.list_nominations(xa, commune_code=XA, status=nominations.DUE_FOR_RENEWAL, uow=uow,
                                            today=until + timedelta(days=1))
    assert total == 2 and {r.id for r in rows} == set(ids[:2]) and rows[0].approved_until == until
    with pytest.raises(Forbidden):
        nominations.renew(outsider, ids[:1], uow=uow, today=until)
    # all or none: the third is not approved, so neither is renewed
    with pytest.raises(InvalidInput, match="chỉ gia hạn đề cử đã duyệt"):
        nominations.renew(xa, [ids[0], ids[2]], uow=uow, today=until)
    assert statuses(uow)[:3] == ["approved", "approved", "posted"]
    assert nominations.renew(xa, ids[:2], uow=uow, today=until + timedelta(days=3)) == 2
    assert statuses(uow)[:2] == ["nominated", "nominated"]
    with uow as work:
        renewed = work.session.get(Nomination, ids[0])
        assert (renewed.approved_until, renewed.posted_on, renewed.updated_by) == (None, None, xa.user_id)
        from donation.access import audit

        assert audit.list_events(work.session, action="renew_nomination")[1] == 2
    # and round again: posted, reviewed, approved for another programme year
    again = until + timedelta(days=3)
    review.post_list(xa, commune_code=XA, uow=uow, today=again)
    review.decide(tinh, ids[:2], "approve", uow=uow, today=again + timedelta(days=8))
    assert nominations.renewals_due(xa, uow=uow, today=again + timedelta(days=8)) == 0
