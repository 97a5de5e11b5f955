"""Public posting at the commune, objections, and the province's review (DESIGN.md §3.1).

nominated/returned --post--> posted --(window over, no open objection, not the nominator)--> approved,
or rejected with a reason, or returned with a comment. Every step is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, func, select

from db.models import Nomination, Objection, Person
from db.uow import UnitOfWork
from donation.access import app_settings, audit
from donation.access.actors import ADMIN, COMMUNE_OFFICIAL, PROVINCE_OFFICER, Actor, require_commune, require_role
from donation.access.units import get_commune
from donation.common.dates import add_months, today_vn
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.common.identity import has_hidden_characters, hidden_characters_message
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


@dataclass(frozen=True)
class QueueRow:
    id: int
    full_name: str
    birth_year: int
    commune_code: int
    group: str
    priority_score: int
    priority_explanation: str
    objection_until: date
    open_objections: int
    nominated_by: int


def review_queue(actor: Actor, *, commune_code: object | None = None, limit: int = 50, offset: int = 0,
                 uow: UnitOfWork | None = None) -> tuple[list[QueueRow], int]:
    """Posted nominations of the reviewer's province, highest priority first."""
    require_role(actor, *REVIEWERS)
    with uow or UnitOfWork() as work:
        open_count = (select(func.count()).select_from(Objection)
                      .where(Objection.nomination_id == Nomination.id, Objection.resolved_at.is_(None))
                      .scalar_subquery())
        query = (select(Nomination, Person.full_name, Person.birth_date, open_count)
                 .join(Person, Person.id == Nomination.person_id).where(Nomination.status == "posted"))
        if actor.role == PROVINCE_OFFICER:
            query = query.where(Nomination.province_code == actor.province_code)
        if commune_code not in (None, ""):
            commune = get_commune(work.session, commune_code)
            require_commune(actor, commune.province_code, commune.code)
            query = query.where(Nomination.commune_code == commune.code)
        total = work.session.exec(select(func.count()).select_from(query.subquery())).one()
        rows = work.session.exec(query.order_by(Nomination.priority_score.desc(), Nomination.nominated_at,
                                                Nomination.id).offset(offset).limit(limit))
        return [QueueRow(n.id, name, birth.year, n.commune_code, n.group_key, n.priority_score,
                         n.priority_explanation, n.objection_until, objections, n.nominated_by)
                for n, name, birth, objections in rows], total


DECISIONS = {"approve": "approved", "reject": "rejected", "return": "returned"}


def decide(actor: Actor, nomination_ids: list[int], decision: str, note: str = "", *,
           uow: UnitOfWork | None = None, today: date | None = None) -> int:
    """Approve, reject (with a reason) or return (with a comment) one or many nominations, all or none."""
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
        for nomination_id in nomination_ids:
            nomination = scoped_nomination(work.session, actor, nomination_id, lock=True)
            if nomination.status != "posted":
                raise InvalidInput(f"Đề cử {nomination_id} chưa niêm yết hoặc đã xử lý: không xét duyệt được")
            if decision == "approve":
                _check_approvable(work.session, actor, nomination, today)
            before = nomination.status
            nomination.status, nomination.review_note = DECISIONS[decision], note.strip()
            nomination.reviewed_by, nomination.reviewed_at, nomination.updated_at = actor.user_id, now, now
            if decision == "approve":
                nomination.approved_until = add_months(today, months) - timedelta(days=1)
            audit.record(work.session, actor, f"{decision}_nomination", "nomination", nomination.id,
                         before={"status": before}, after={"status": nomination.status, "note": note.strip()})
        work.commit()
        return len(nomination_ids)


def _check_approvable(session: Session, actor: Actor, nomination: Nomination, today: date) -> None:
    if actor.user_id in (nomination.nominated_by, nomination.updated_by):
        raise Forbidden(f"Đề cử {nomination.id} do chính bạn lập hoặc sửa: người khác phải duyệt")
    if nomination.objection_until and today <= nomination.objection_until:
        raise InvalidInput(f"Đề cử {nomination.id} còn trong thời gian niêm yết đến "
                           f"{nomination.objection_until:%d/%m/%Y}: chưa duyệt được")
    open_objections = session.exec(select(func.count()).select_from(Objection).where(
        Objection.nomination_id == nomination.id, Objection.resolved_at.is_(None))).one()
    if open_objections:
        raise InvalidInput(f"Đề cử {nomination.id} còn {open_objections} ý kiến chưa xử lý: xử lý trước khi duyệt")


def approval_in_force(on: date) -> ColumnElement[bool]:
    """In SQL: the nomination is approved and its approval has not ended before `on` (no end: it lasts)."""
    return (Nomination.status == "approved") & (Nomination.approved_until.is_(None) | (Nomination.approved_until >= on))
