"""Public posting at the commune, objections, and the province's review (DESIGN.md §3.1).

nominated/returned --post--> posted --(window over, no open objection, not the nominator)--> approved,
or rejected with a reason, or returned with a comment. Every step is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, case, false, or_
from sqlmodel import Session, func, select

from db.models import AuditEvent, Commune, Nomination, Objection, Person, Province, UserAccount
from db.types import as_utc
from db.uow import UnitOfWork
from donation.access import app_settings, audit
from donation.access.actors import ADMIN, COMMUNE_OFFICIAL, PROVINCE_OFFICER, Actor, require_commune, require_role
from donation.access.audit import mask
from donation.access.units import get_commune
from donation.common.dates import VN_TZ, add_months, today_vn
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.common.identity import has_hidden_characters, hidden_characters_message, name_key
from donation.registry.nominations import scoped_nomination

POSTERS = (COMMUNE_OFFICIAL, PROVINCE_OFFICER, ADMIN)
REVIEWERS = (PROVINCE_OFFICER, ADMIN)


@dataclass(frozen=True)
class Posting:
    commune: str
    posted_on: date
    objection_until: date
    count: int


def post_list(actor: Actor, *, commune_code: object, uow: UnitOfWork | None = None,
              today: date | None = None) -> Posting:
    """Post every nomination of the commune that awaits posting; the objection window starts today."""
    require_role(actor, *POSTERS)
    today = today or today_vn()
    with uow or UnitOfWork() as work:
        commune = get_commune(work.session, commune_code)
        require_commune(actor, commune.province_code, commune.code)
        until = today + timedelta(days=app_settings.get(work.session, "objection_days"))
        waiting = work.session.exec(select(Nomination).where(
            Nomination.commune_code == commune.code, Nomination.status.in_(("nominated", "returned")))).all()
        if not waiting:
            raise InvalidInput(f"{commune.name} không có đề cử nào chờ niêm yết")
        now = datetime.now(UTC)
        for nomination in waiting:
            nomination.status, nomination.posted_on, nomination.objection_until = "posted", today, until
            nomination.updated_at = now
        audit.record(work.session, actor, "post_list", "commune", commune.code,
                     after={"posted_on": today, "objection_until": until, "count": len(waiting)})
        work.commit()
        return Posting(commune.name, today, until, len(waiting))


@dataclass(frozen=True)
class PostedLine:
    full_name: str
    birth_year: int
    village: str
    group: str


def posted_lines(actor: Actor, *, commune_code: object, posted_on: date,
                 uow: UnitOfWork | None = None) -> tuple[str, date, list[PostedLine]]:
    """The lines of a posting, for the printable list: names, birth years, villages, groups; no identifiers."""
    require_role(actor, *POSTERS)
    with uow or UnitOfWork() as work:
        commune = get_commune(work.session, commune_code)
        require_commune(actor, commune.province_code, commune.code)
        rows = work.session.exec(
            select(Person.full_name, Person.birth_date, Nomination.village, Nomination.group_key,
                   Nomination.objection_until)
            .join(Person, Person.id == Nomination.person_id)
            .where(Nomination.commune_code == commune.code, Nomination.posted_on == posted_on)).all()
        if not rows:
            raise NotFound(f"{commune.name} không có danh sách niêm yết ngày {posted_on:%d/%m/%Y}")
        lines = [PostedLine(name, birth.year, village, group) for name, birth, village, group, _ in rows]
        return commune.name, max(r[4] for r in rows), lines


def record_objection(actor: Actor, nomination_id: int, *, raised_by: str, content: str, raised_on: date,
                     uow: UnitOfWork | None = None) -> int:
    require_role(actor, *POSTERS)
    if not raised_by.strip() or not content.strip():
        raise InvalidInput("Ghi người nêu ý kiến và nội dung ý kiến")
    if has_hidden_characters(" ".join(raised_by.split())):
        raise InvalidInput(hidden_characters_message("Tên người nêu ý kiến"))
    with uow or UnitOfWork() as work:
        nomination = scoped_nomination(work.session, actor, nomination_id)
        if nomination.status != "posted":
            raise InvalidInput("Chỉ ghi ý kiến cho đề cử đang niêm yết")
        objection = Objection(nomination_id=nomination.id, raised_by=raised_by.strip(), content=content.strip(),
                              raised_on=raised_on, recorded_by=actor.user_id)
        work.session.add(objection)
        work.session.flush()
        audit.record(work.session, actor, "record_objection", "nomination", nomination.id,
                     after={"objection": objection.id, "raised_on": raised_on})
        work.commit()
        return objection.id


def resolve_objection(actor: Actor, objection_id: int, resolution: str, *, uow: UnitOfWork | None = None) -> None:
    require_role(actor, *POSTERS)
    if not resolution.strip():
        raise InvalidInput("Ghi kết quả xử lý ý kiến")
    with uow or UnitOfWork() as work:
        objection = work.session.get(Objection, objection_id)
        if objection is None:
            raise NotFound(f"Không có ý kiến mã {objection_id}")
        scoped_nomination(work.session, actor, objection.nomination_id)
        if objection.resolved_at is not None:
            raise InvalidInput("Ý kiến này đã được xử lý")
        objection.resolution, objection.resolved_by = resolution.strip(), actor.user_id
        objection.resolved_at = datetime.now(UTC)
        audit.record(work.session, actor, "resolve_objection", "nomination", objection.nomination_id,
                     after={"objection": objection.id})
        work.commit()


# Whether a posted nomination can be approved now, and why not --------------------------------------------------------

WINDOW, OBJECTION, OWN = "window", "objection", "own"
APPROVABLE, BLOCKED = "approvable", "blocked"
# The queue's choices besides "every posted nomination": what can be approved now, what cannot, and why not.
QUEUE_FILTERS = {APPROVABLE: "Duyệt được ngay", BLOCKED: "Chưa duyệt được (mọi lý do)",
                 WINDOW: "Còn trong thời gian niêm yết", OBJECTION: "Còn ý kiến chưa xử lý",
                 OWN: "Do chính bạn đề cử hoặc sửa"}


@dataclass(frozen=True)
class Blocker:
    """One reason a posted nomination cannot be approved now by this reviewer; `text` is for the row, in Vietnamese."""

    kind: str  # WINDOW, OBJECTION or OWN
    text: str
    short: str  # the same in a few words, for a table's column


def approval_blockers(reviewer_id: int | None, *, nominated_by: int | None, updated_by: int | None,
                      objection_until: date | None, open_objections: int, today: date) -> tuple[Blocker, ...]:
    """Why a posted nomination cannot be approved now by the reviewer (none: it can). The one statement of the rule:
    the check before an approval and the review queue both read it (the queue's filters say the same in SQL,
    `_blocked_where`)."""
    blockers = []
    if reviewer_id is not None and reviewer_id == nominated_by:
        blockers.append(Blocker(OWN, "do chính bạn đề cử: cán bộ khác phải duyệt", "bạn đề cử"))
    elif reviewer_id is not None and reviewer_id == updated_by:
        blockers.append(Blocker(OWN, "do chính bạn sửa lần cuối: cán bộ khác phải duyệt", "bạn sửa lần cuối"))
    if objection_until is not None and today <= objection_until:
        blockers.append(Blocker(WINDOW, f"còn trong thời gian niêm yết đến {objection_until:%d/%m/%Y}: duyệt được "
                                        f"từ {objection_until + timedelta(days=1):%d/%m/%Y}",
                                f"niêm yết đến {objection_until:%d/%m/%Y}"))
    if open_objections:
        blockers.append(Blocker(OBJECTION, f"còn {open_objections} ý kiến chưa xử lý: xã xử lý xong mới duyệt được",
                                f"{open_objections} ý kiến chưa xử lý"))
    return tuple(blockers)


def _open_objections():
    """Per nomination row of the enclosing query: how many of its objections are not resolved."""
    return (select(func.count()).select_from(Objection)
            .where(Objection.nomination_id == Nomination.id, Objection.resolved_at.is_(None))
            .scalar_subquery())


def _blocked_where(kind: str, reviewer_id: int | None, today: date, open_count) -> ColumnElement[bool]:
    """In SQL, what `approval_blockers` says for one kind of reason (never NULL, so that NOT is safe)."""
    if kind == OWN:
        if reviewer_id is None:
            return false()
        return (Nomination.nominated_by == reviewer_id) | (func.coalesce(Nomination.updated_by, 0) == reviewer_id)
    if kind == WINDOW:
        return func.coalesce(Nomination.objection_until, date.min) >= today
    return open_count > 0


def _approvable_where(reviewer_id: int | None, today: date, open_count) -> ColumnElement[bool]:
    return ~or_(*(_blocked_where(kind, reviewer_id, today, open_count) for kind in (OWN, WINDOW, OBJECTION)))


@dataclass(frozen=True)
class QueueRow:
    id: int
    full_name: str
    birth_year: int
    commune_code: int
    commune_name: str
    group: str
    priority_score: int
    priority_explanation: str
    objection_until: date
    open_objections: int
    nominated_by: int
    household_id: int
    blockers: tuple[Blocker, ...] = ()

    @property
    def approvable(self) -> bool:
        return not self.blockers

    @property
    def why_not(self) -> str:
        """Why it cannot be approved now, in Vietnamese; empty when it can."""
        return "; ".join(blocker.text for blocker in self.blockers)

    @property
    def why_not_short(self) -> str:
        return "; ".join(blocker.short for blocker in self.blockers)


def _queue_query(actor: Actor, session: Session, commune_code: object | None):
    open_count = _open_objections()
    query = (select(Nomination, Person.full_name, Person.birth_date, Commune.name, open_count)
             .join(Person, Person.id == Nomination.person_id).join(Commune, Commune.code == Nomination.commune_code)
             .where(Nomination.status == "posted"))
    if actor.role == PROVINCE_OFFICER:
        query = query.where(Nomination.province_code == actor.province_code)
    if commune_code not in (None, ""):
        commune = get_commune(session, commune_code)
        require_commune(actor, commune.province_code, commune.code)
        query = query.where(Nomination.commune_code == commune.code)
    return query, open_count


def review_queue(actor: Actor, *, commune_code: object | None = None, show: str | None = None, limit: int = 50,
                 offset: int = 0, uow: UnitOfWork | None = None,
                 today: date | None = None) -> tuple[list[QueueRow], int]:
    """Posted nominations of the reviewer's province, those the reviewer can approve now first, then by priority;
    each with why it cannot be approved now, if it cannot. `show` is one of QUEUE_FILTERS (None: all)."""
    require_role(actor, *REVIEWERS)
    if show is not None and show not in QUEUE_FILTERS:
        raise InvalidInput(f"Lựa chọn '{show}' không có")
    today = today or today_vn()
    with uow or UnitOfWork() as work:
        query, open_count = _queue_query(actor, work.session, commune_code)
        approvable = _approvable_where(actor.user_id, today, open_count)
        if show == APPROVABLE:
            query = query.where(approvable)
        elif show == BLOCKED:
            query = query.where(~approvable)
        elif show is not None:
            query = query.where(_blocked_where(show, actor.user_id, today, open_count))
        total = work.session.exec(select(func.count()).select_from(query.subquery())).one()
        rows = work.session.exec(query.order_by(case((approvable, 0), else_=1), Nomination.priority_score.desc(),
                                                Nomination.nominated_at, Nomination.id).offset(offset).limit(limit))
        return [QueueRow(n.id, name, birth.year, n.commune_code, commune, n.group_key, n.priority_score,
                         n.priority_explanation, n.objection_until, objections, n.nominated_by, n.household_id,
                         approval_blockers(actor.user_id, nominated_by=n.nominated_by, updated_by=n.updated_by,
                                           objection_until=n.objection_until, open_objections=objections,
                                           today=today))
                for n, name, birth, commune, objections in rows], total


def queue_counts(actor: Actor, *, commune_code: object | None = None, uow: UnitOfWork | None = None,
                 today: date | None = None) -> dict[str | None, int]:
    """How many posted nominations each of the queue's choices holds (None: all of them)."""
    require_role(actor, *REVIEWERS)
    today = today or today_vn()
    with uow or UnitOfWork() as work:
        query, open_count = _queue_query(actor, work.session, commune_code)
        tests = {APPROVABLE: _approvable_where(actor.user_id, today, open_count),
                 **{kind: _blocked_where(kind, actor.user_id, today, open_count) for kind in (WINDOW, OBJECTION, OWN)}}
        inner = query.with_only_columns(*(case((test, 1), else_=0).label(kind) for kind, test in tests.items()))
        sub = inner.subquery()
        sums = work.session.exec(select(func.count(), *(func.coalesce(func.sum(sub.c[kind]), 0)
                                                       for kind in tests)).select_from(sub)).one()
        counts = {None: sums[0], **{kind: int(value) for kind, value in zip(tests, sums[1:], strict=True)}}
        counts[BLOCKED] = counts[None] - counts[APPROVABLE]
        return counts


@dataclass(frozen=True)
class QueueCommune:
    code: int
    name: str
    waiting: int  # posted nominations awaiting review


def queue_communes(actor: Actor, *, uow: UnitOfWork | None = None) -> list[QueueCommune]:
    """The communes a reviewer filters the queue by, by name: a province officer's every commune, an
    administrator's those with posted nominations (named with their province)."""
    require_role(actor, *REVIEWERS)
    with uow or UnitOfWork() as work:
        waiting = dict(work.session.exec(
            select(Nomination.commune_code, func.count()).where(
                Nomination.status == "posted",
                *([Nomination.province_code == actor.province_code] if actor.role == PROVINCE_OFFICER else []))
            .group_by(Nomination.commune_code)).all())
        if actor.role == PROVINCE_OFFICER:
            communes = work.session.exec(select(Commune.code, Commune.name)
                                         .where(Commune.province_code == actor.province_code)).all()
        else:
            communes = work.session.exec(select(Commune.code, Commune.name + ", " + Province.name)
                                         .join(Province, Province.code == Commune.province_code)
                                         .where(Commune.code.in_(list(waiting)))).all()
        return sorted((QueueCommune(code, name, waiting.get(code, 0)) for code, name in communes),
                      key=lambda c: (name_key(c.name), c.code))


DECISIONS = {"approve": "approved", "reject": "rejected", "return": "returned"}


def decide(actor: Actor, nomination_ids: list[int], decision: str, note: str = "", *,
           uow: UnitOfWork | None = None, today: date | None = None) -> int:
    """Approve, reject (with a reason) or return (with a comment) one or many nominations, all or none.

    An approval of nominations some of which cannot be approved now is refused whole, naming each of those and why.
    """
    require_role(actor, *REVIEWERS)
    if decision not in DECISIONS:
        raise InvalidInput(f"Quyết định '{decision}' không có: approve, reject hoặc return")
    if decision != "approve" and not note.strip():
        raise InvalidInput("Ghi lý do từ chối hoặc nội dung cần sửa")
    if not nomination_ids:
        raise InvalidInput("Chọn ít nhất một đề cử")
    today = today or today_vn()
    with uow or UnitOfWork() as work:
        months = app_settings.get(work.session, "approval_months")
        now = datetime.now(UTC)
        chosen = []
        for nomination_id in nomination_ids:
            nomination = scoped_nomination(work.session, actor, nomination_id, lock=True)
            if nomination.status != "posted":
                raise InvalidInput(f"Đề cử {nomination_id} chưa niêm yết hoặc đã xử lý: không xét duyệt được")
            chosen.append(nomination)
        if decision == "approve":
            _check_approvable(work.session, actor, chosen, today)
        for nomination in chosen:
            before = nomination.status
            nomination.status, nomination.review_note = DECISIONS[decision], note.strip()
            nomination.reviewed_by, nomination.reviewed_at, nomination.updated_at = actor.user_id, now, now
            if decision == "approve":
                nomination.approved_until = add_months(today, months) - timedelta(days=1)
            audit.record(work.session, actor, f"{decision}_nomination", "nomination", nomination.id,
                         before={"status": before}, after={"status": nomination.status, "note": note.strip()})
        work.commit()
        return len(nomination_ids)


def _check_approvable(session: Session, actor: Actor, chosen: list[Nomination], today: date) -> None:
    """Refuse the approval, naming every chosen nomination that cannot be approved now and why (approval_blockers);
    Forbidden when one of them is the reviewer's own."""
    open_counts = dict(session.exec(
        select(Objection.nomination_id, func.count()).where(
            Objection.nomination_id.in_([n.id for n in chosen]), Objection.resolved_at.is_(None))
        .group_by(Objection.nomination_id)).all())
    refused = []
    for nomination in chosen:
        blockers = approval_blockers(actor.user_id, nominated_by=nomination.nominated_by,
                                     updated_by=nomination.updated_by, objection_until=nomination.objection_until,
                                     open_objections=open_counts.get(nomination.id, 0), today=today)
        if blockers:
            refused.append((nomination, blockers))
    if not refused:
        return
    names = dict(session.exec(select(Person.id, Person.full_name)
                              .where(Person.id.in_([n.person_id for n, _ in refused]))).all())
    lines = [f"Đề cử {n.id} ({names[n.person_id]}) {'; '.join(b.text for b in blockers)}" for n, blockers in refused]
    message = (lines[0] if len(chosen) == 1 else
               f"{len(refused)} trong {len(chosen)} đề cử đã chọn chưa duyệt được, nên chưa duyệt đề cử nào:\n"
               + "\n".join(lines))
    own = any(b.kind == OWN for _, blockers in refused for b in blockers)
    raise (Forbidden if own else InvalidInput)(message)


# A nomination's file, for the reviewer (and the commune) -------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    """One person of the household, as the reviewer sees them: identifiers masked as the lists mask them."""

    id: int
    full_name: str
    birth: str  # dd/mm/yyyy, or the year alone when only the year is known
    identifier: str
    relation: str
    group: str
    status: str
    is_this: bool


@dataclass(frozen=True)
class ObjectionRow:
    id: int
    nomination_id: int
    full_name: str
    raised_by: str
    content: str
    raised_on: date
    resolution: str | None
    resolved_on: date | None

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    by: str  # the official's display name
    action: str  # in Vietnamese
    note: str


@dataclass(frozen=True)
class NominationDetails:
    id: int
    full_name: str
    commune_name: str
    village: str
    group: str
    status: str
    priority_score: int
    priority_explanation: str
    reason: str  # the commune's reason for the nomination, as typed
    posted_on: date | None
    objection_until: date | None
    nominated_by: str
    nominated_at: datetime
    updated_by: str | None
    review_note: str
    blockers: tuple[Blocker, ...]
    members: list[Member]
    objections: list[ObjectionRow]
    history: list[HistoryLine]


HISTORY_ACTIONS = {
    "approve_nomination": "Duyệt", "reject_nomination": "Từ chối", "return_nomination": "Trả lại để sửa",
    "update_nomination": "Sửa hồ sơ", "renew_nomination": "Xin gia hạn", "withdraw_nomination": "Rút đề cử",
    "record_objection": "Ghi ý kiến", "resolve_objection": "Xử lý xong ý kiến",
}


def nomination_details(actor: Actor, nomination_id: int, *, uow: UnitOfWork | None = None,
                       today: date | None = None) -> NominationDetails:
    """One nomination with its household's members together, its objections and the history of its review.

    Identifiers are masked as the lists mask them (opening the editing form shows them in full, audited)."""
    require_role(actor, *POSTERS)
    today = today or today_vn()
    with uow or UnitOfWork() as work:
        session = work.session
        nomination = scoped_nomination(session, actor, nomination_id)
        person = session.get(Person, nomination.person_id)
        commune = get_commune(session, nomination.commune_code)
        users = dict(session.exec(select(UserAccount.id, UserAccount.display_name).where(
            UserAccount.id.in_({nomination.nominated_by, nomination.updated_by} - {None}))).all())
        members = [Member(n.id, p.full_name, str(p.birth_date.year) if p.birth_year_only else f"{p.birth_date:%d/%m/%Y}",
                          mask(p.national_id or p.social_insurance_code), n.relation, n.group_key, n.status,
                          n.id == nomination.id)
                   for n, p in session.exec(select(Nomination, Person).join(Person, Person.id == Nomination.person_id)
                                            .where(Nomination.household_id == nomination.household_id)
                                            .order_by(Nomination.id))]
        objections = _objection_rows(session, Objection.nomination_id == nomination.id)
        open_objections = sum(o.is_open for o in objections)
        events = session.exec(select(AuditEvent).where(
            AuditEvent.entity == "nomination", AuditEvent.entity_id == str(nomination.id),
            AuditEvent.action.in_(list(HISTORY_ACTIONS))).order_by(AuditEvent.seq)).all()
        by_name = dict(session.exec(select(UserAccount.username, UserAccount.display_name).where(
            UserAccount.username.in_({e.actor for e in events}))).all())
        history = [HistoryLine(e.at, by_name.get(e.actor, e.actor), HISTORY_ACTIONS[e.action], _event_note(e))
                   for e in events]
        blockers = approval_blockers(actor.user_id if actor.role in REVIEWERS else None,
                                     nominated_by=nomination.nominated_by, updated_by=nomination.updated_by,
                                     objection_until=nomination.objection_until, open_objections=open_objections,
                                     today=today) if nomination.status == "posted" else ()
        return NominationDetails(
            nomination.id, person.full_name, commune.name, nomination.village, nomination.group_key, nomination.status,
            nomination.priority_score, nomination.priority_explanation, nomination.reason, nomination.posted_on,
            nomination.objection_until, users.get(nomination.nominated_by, ""), nomination.nominated_at,
            users.get(nomination.updated_by) if nomination.updated_by else None, nomination.review_note, blockers,
            members, objections, history)


def _event_note(event: AuditEvent) -> str:
    after = json.loads(event.after) if event.after else {}
    return str(after.get("note") or after.get("reason") or "") if isinstance(after, dict) else ""


def _objection_rows(session: Session, where: ColumnElement[bool]) -> list[ObjectionRow]:
    rows = session.exec(select(Objection, Person.full_name).join(Nomination, Nomination.id == Objection.nomination_id)
                        .join(Person, Person.id == Nomination.person_id).where(where)
                        .order_by(Objection.resolved_at.is_not(None), Objection.raised_on, Objection.id))
    return [ObjectionRow(o.id, o.nomination_id, name, o.raised_by, o.content, o.raised_on, o.resolution,
                         as_utc(o.resolved_at).astimezone(VN_TZ).date() if o.resolved_at else None) for o, name in rows]


def objections_of(actor: Actor, *, commune_code: object, open_only: bool = False,
                  uow: UnitOfWork | None = None) -> list[ObjectionRow]:
    """The commune's objections, the open ones first (oldest first), for the list an official resolves them from."""
    require_role(actor, *POSTERS)
    with uow or UnitOfWork() as work:
        commune = get_commune(work.session, commune_code)
        require_commune(actor, commune.province_code, commune.code)
        where = Nomination.commune_code == commune.code
        if open_only:
            where = where & Objection.resolved_at.is_(None)
        return _objection_rows(work.session, where)


@dataclass(frozen=True)
class PostedPerson:
    id: int
    full_name: str
    birth_year: int
    village: str
    objection_until: date


def posted_people(actor: Actor, *, commune_code: object, uow: UnitOfWork | None = None) -> list[PostedPerson]:
    """The commune's nominations on its posted list, by name: whom an objection can be recorded about."""
    require_role(actor, *POSTERS)
    with uow or UnitOfWork() as work:
        commune = get_commune(work.session, commune_code)
        require_commune(actor, commune.province_code, commune.code)
        rows = work.session.exec(
            select(Nomination.id, Person.full_name, Person.birth_date, Nomination.village, Nomination.objection_until)
            .join(Person, Person.id == Nomination.person_id)
            .where(Nomination.commune_code == commune.code, Nomination.status == "posted")).all()
        return sorted((PostedPerson(i, name, birth.year, village, until) for i, name, birth, village, until in rows),
                      key=lambda p: (name_key(p.full_name.split()[-1] if p.full_name.split() else ""),
                                     name_key(p.full_name), p.id))


def approval_in_force(on: date) -> ColumnElement[bool]:
    """In SQL: the nomination is approved and its approval has not ended before `on` (no end: it lasts)."""
    return (Nomination.status == "approved") & (Nomination.approved_until.is_(None) | (Nomination.approved_until >= on))
