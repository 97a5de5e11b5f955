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
from tests.workbooks import MIXED, person, workbook

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
    assert [r.open_objections for r in review.review_queue(tinh, uow=uow)[0]] == [0, 0, 0, 1]  # approvable first
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
    with pytest.raises(InvalidInput, match=f"1 trong 4 đề cử đã chọn chưa duyệt được(.|\n)*Đề cử {ids[3]} "
                                           r"\(Đặng Văn H\) còn 1 ý kiến"):
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
    with pytest.raises(Forbidden, match="do chính bạn đề cử: cán bộ khác phải duyệt"):
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
    with pytest.raises(Forbidden, match="do chính bạn sửa lần cuối: cán bộ khác phải duyệt"):
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


# Whether a nomination can be approved now, and why not: one rule for the queue's column, its filters and decide ------

def _nominated_by_the_officer(uow, xa, tinh, ids) -> int:
    """The province officer nominates one more person of the commune, posted the same day."""
    nominations.import_nominations(tinh, workbook([person("Lý Thị Mai", "04/05/1980", "Nữ", "066180000131", "H09",
                                                          "Hộ gia đình")]),
                                   "ds.xlsx", commune_code=XA, consent=True, uow=uow, today=POSTED)
    review.post_list(tinh, commune_code=XA, uow=uow, today=POSTED)
    with uow as work:
        return work.session.exec(select(Nomination.id).order_by(Nomination.id.desc())).first()


def _edited_by_the_officer(uow, xa, tinh, ids) -> int:
    cells = nominations.nomination_cells(tinh, ids[0], uow=uow)
    nominations.update_nomination(tinh, ids[0], {**cells, "village": "Thôn 5"}, uow=uow, today=POSTED)
    review.post_list(xa, commune_code=XA, uow=uow, today=POSTED)
    return ids[0]


def _objected(uow, xa, tinh, ids) -> int:
    review.record_objection(xa, ids[1], raised_by="Ông Tư", content="Hộ này đã có thẻ", raised_on=POSTED, uow=uow)
    return ids[1]


def _edited_and_objected(uow, xa, tinh, ids) -> int:
    _edited_by_the_officer(uow, xa, tinh, ids)
    review.record_objection(xa, ids[0], raised_by="Bà Năm", content="Sai thôn", raised_on=POSTED, uow=uow)
    return ids[0]


@pytest.mark.parametrize(("setup", "today", "expected"), [
    pytest.param(lambda *_: _[3][2], POSTED + timedelta(days=7),
                 {review.WINDOW: "còn trong thời gian niêm yết đến 09/11/2026: duyệt được từ 10/11/2026"},
                 id="posting window, its last day"),
    pytest.param(_objected, AFTER_WINDOW,
                 {review.OBJECTION: "còn 1 ý kiến chưa xử lý: xã xử lý xong mới duyệt được"}, id="open objection"),
    pytest.param(_nominated_by_the_officer, AFTER_WINDOW,
                 {review.OWN: "do chính bạn đề cử: cán bộ khác phải duyệt"}, id="own nomination"),
    pytest.param(_edited_by_the_officer, AFTER_WINDOW,
                 {review.OWN: "do chính bạn sửa lần cuối: cán bộ khác phải duyệt"}, id="own edit"),
    pytest.param(_edited_and_objected, POSTED + timedelta(days=1),
                 {review.OWN: "do chính bạn sửa lần cuối: cán bộ khác phải duyệt",
                  review.WINDOW: "còn trong thời gian niêm yết đến 09/11/2026: duyệt được từ 10/11/2026",
                  review.OBJECTION: "còn 1 ý kiến chưa xử lý: xã xử lý xong mới duyệt được"}, id="every reason"),
    pytest.param(lambda *_: _[3][2], AFTER_WINDOW, {}, id="approvable, the day after the window"),
])
def test_why_a_nomination_cannot_be_approved_is_the_same_in_the_queue_its_filters_and_the_decision(
        uow, people, setup, today, expected):
    xa, tinh, ids = people
    target = setup(uow, xa, tinh, ids)
    rows, total = review.review_queue(tinh, uow=uow, today=today)
    row = next(r for r in rows if r.id == target)
    assert {b.kind: b.text for b in row.blockers} == expected
    assert row.approvable is (not expected) and row.why_not == "; ".join(expected.values())
    assert row.commune_name == "Xã Hòa Thịnh"
    # the queue's choices in SQL agree with the row's reasons, for every row, and so do the counts
    counts = review.queue_counts(tinh, uow=uow, today=today)
    assert counts[None] == total
    for show in review.QUEUE_FILTERS:
        shown, count = review.review_queue(tinh, show=show, uow=uow, today=today)
        wanted = {r.id for r in rows if (r.approvable if show == review.APPROVABLE else
                                         not r.approvable if show == review.BLOCKED else
                                         show in {b.kind for b in r.blockers})}
        assert ({r.id for r in shown}, count, counts[show]) == (wanted, len(wanted), len(wanted)), show
    assert [r.approvable for r in rows] == sorted((r.approvable for r in rows), reverse=True)  # approvable first
    if expected:
        with pytest.raises(Forbidden if review.OWN in expected else InvalidInput) as refused:
            review.decide(tinh, [target], "approve", uow=uow, today=today)
        assert str(refused.value).endswith(row.why_not) and f"Đề cử {target} ({row.full_name})" in str(refused.value)
        assert review.decide(tinh, [target], "return", "Bổ sung giấy tờ", uow=uow, today=today) == 1
    else:
        assert review.decide(tinh, [target], "approve", uow=uow, today=today) == 1


def test_an_approval_with_rows_that_cannot_be_approved_names_each_and_saves_none(uow, people):
    xa, tinh, ids = people
    _objected(uow, xa, tinh, ids)
    own = _nominated_by_the_officer(uow, xa, tinh, ids)
    with pytest.raises(Forbidden) as refused:
        review.decide(tinh, [ids[0], ids[1], own], "approve", uow=uow, today=AFTER_WINDOW)
    lines = str(refused.value).splitlines()
    assert lines[0] == "2 trong 3 đề cử đã chọn chưa duyệt được, nên chưa duyệt đề cử nào:"
    assert lines[1:] == [f"Đề cử {ids[1]} (Trần Thị Bình) còn 1 ý kiến chưa xử lý: xã xử lý xong mới duyệt được",
                         f"Đề cử {own} (Lý Thị Mai) do chính bạn đề cử: cán bộ khác phải duyệt"]
    assert statuses(uow) == ["posted"] * 5
    approvable = [r.id for r in review.review_queue(tinh, show=review.APPROVABLE, uow=uow, today=AFTER_WINDOW)[0]]
    assert sorted(approvable) == [ids[0], ids[2], ids[3]]
    assert review.decide(tinh, approvable, "approve", uow=uow, today=AFTER_WINDOW) == 3


def test_the_queue_filters_by_commune_name_with_the_count_waiting(uow, people):
    _, tinh, _ = people
    communes = review.queue_communes(tinh, uow=uow)
    by_name = {c.name: c for c in communes}
    assert by_name["Xã Hòa Thịnh"].waiting == 4 and by_name["Xã Hòa Thịnh"].code == XA
    assert all(c.waiting == 0 for c in communes if c.code != XA) and len(communes) > 50  # all of Đắk Lắk's
    admin = auth.find_actor("demo.admin", uow=uow)
    assert [(c.name, c.waiting) for c in review.queue_communes(admin, uow=uow)] == [("Xã Hòa Thịnh, Đắk Lắk", 4)]
    assert review.queue_counts(tinh, commune_code=by_name["Xã Hòa Thịnh"].code, uow=uow)[None] == 4


def test_a_nominations_details_show_its_household_objections_and_review_history(uow, people):
    xa, tinh, ids = people
    objection = review.record_objection(xa, ids[0], raised_by="Ông Tư, thôn 1", content="Hộ này đã có thẻ",
                                        raised_on=POSTED + timedelta(days=2), uow=uow)
    review.resolve_objection(xa, objection, "Đã kiểm tra: thẻ cũ hết hạn", uow=uow)
    review.decide(tinh, ids[:1], "return", "Bổ sung số CCCD của chủ hộ", uow=uow, today=AFTER_WINDOW)
    review.post_list(xa, commune_code=XA, uow=uow, today=AFTER_WINDOW)
    details = review.nomination_details(tinh, ids[0], uow=uow, today=AFTER_WINDOW)
    assert (details.full_name, details.commune_name, details.status) == ("Nguyễn Văn An", "Xã Hòa Thịnh", "posted")
    assert details.nominated_by == "Nguyễn Thị Hoa" and details.updated_by is None
    assert "Khuyết tật" in details.priority_explanation
    assert [b.kind for b in details.blockers] == [review.WINDOW]
    # the household H01 together: three people, identifiers masked as the lists mask them
    assert [(m.full_name, m.birth, m.identifier, m.is_this) for m in details.members] == [
        ("Nguyễn Văn An", "02/03/1985", "••••••••0123", True), ("Trần Thị Bình", "01/05/1987", "••••••••0124", False),
        ("Nguyễn Văn Cường", "2015", "••••••6789", False)]
    assert [(o.raised_by, o.content, o.resolution, o.is_open) for o in details.objections] == [
        ("Ông Tư, thôn 1", "Hộ này đã có thẻ", "Đã kiểm tra: thẻ cũ hết hạn", False)]
    assert [(h.action, h.by, h.note) for h in details.history] == [
        ("Ghi ý kiến", "Nguyễn Thị Hoa", ""), ("Xử lý xong ý kiến", "Nguyễn Thị Hoa", ""),
        ("Trả lại để sửa", "Trần Văn Bình", "Bổ sung số CCCD của chủ hộ")]
    outsider = Actor("x2", "commune_official", province_code=66, commune_code=22279, user_id=99)
    with pytest.raises(Forbidden):
        review.nomination_details(outsider, ids[0], uow=uow)


def test_the_communes_objections_are_listed_open_first_and_resolved_from_the_list(uow, people):
    xa, tinh, ids = people
    first = review.record_objection(xa, ids[0], raised_by="Ông Tư", content="Đã có thẻ", raised_on=POSTED, uow=uow)
    second = review.record_objection(xa, ids[3], raised_by="Bà Năm", content="Sai thôn",
                                     raised_on=POSTED + timedelta(days=1), uow=uow)
    review.resolve_objection(xa, first, "Đã kiểm tra", uow=uow)
    listed = review.objections_of(xa, commune_code=XA, uow=uow)
    assert [(o.id, o.full_name, o.is_open) for o in listed] == [(second, "Đặng Văn H", True),
                                                                 (first, "Nguyễn Văn An", False)]
    assert [o.id for o in review.objections_of(xa, commune_code=XA, open_only=True, uow=uow)] == [second]
    assert [p.full_name for p in review.posted_people(xa, commune_code=XA, uow=uow)] == [
        "Nguyễn Văn An", "Trần Thị Bình", "Nguyễn Văn Cường", "Đặng Văn H"]  # by given name, as the posted list
    outsider = Actor("x2", "commune_official", province_code=66, commune_code=22279, user_id=99)
    with pytest.raises(Forbidden):
        review.objections_of(outsider, commune_code=XA, uow=uow)
