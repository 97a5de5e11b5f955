"""Each role's home page: its scope, the figures it works with today, and what needs its attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import true
from sqlmodel import Session, func, select

from db.models import Commune, Donor, Hold, Nomination, Payment, Pledge, Receipt, StatementLine, UserAccount
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import (
    ADMIN,
    COMMUNE_OFFICIAL,
    DONOR,
    EVERY_ROLE,
    OFFICE_STAFF,
    PROVINCE_OFFICER,
    Actor,
    require_role,
)
from donation.access.offices import own_office
from donation.access.units import get_commune, get_province
from donation.common.dates import format_date, format_datetime_vn
from donation.common.money import format_number, format_vnd
from donation.payments import reconcile
from donation.pledges import overdue, pledges
from donation.pledges.states import HOLDING
from donation.premium.calculator import quote_premium
from donation.premium.rules import load_rule_book
from donation.registry import nominations, review


@dataclass(frozen=True)
class Today:
    scope: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    work: list[Work] = field(default_factory=list)  # office staff: what waits for them, by kind (zero counts too)


def overview(actor: Actor, on: date, *, uow: UnitOfWork | None = None) -> Today:
    require_role(actor, *EVERY_ROLE)
    with uow or UnitOfWork() as work:
        session = work.session
        rules = load_rule_book(session)
        version = rules.version_on(on)
        province = get_province(session, actor.province_code) if actor.province_code else None
        commune = get_commune(session, actor.commune_code) if actor.commune_code else None

        def donor_share(group: str) -> str:
            quote = quote_premium(rules, group=group, members=1, months=12, on=on, cover_from=on,
                                  province_code=province.code if province else None,
                                  poor_commune=bool(commune and commune.is_poor))
            return format_vnd(quote.donor_pays_total)

        facts = [("Quy định mức đóng đang áp dụng", f"{version.code}: lương cơ sở {format_vnd(version.base_salary)}"),
                 ("Một thẻ hộ gia đình 12 tháng", donor_share("household")),
                 ("Phần nhà tài trợ cho một học sinh, 12 tháng", donor_share("pupil")),
                 ("Phần nhà tài trợ cho một người cận nghèo, 12 tháng", donor_share("near_poor"))]
        attention: list[str] = []
        upcoming = [v for v in rules.versions if v.effective_from > on]
        if upcoming:
            attention.append(f"Quy định {upcoming[0].code} có hiệu lực từ {upcoming[0].effective_from:%d/%m/%Y}: "
                             f"lương cơ sở {format_vnd(upcoming[0].base_salary)}.")

        if actor.role in (COMMUNE_OFFICIAL, PROVINCE_OFFICER):
            due = nominations.renewals_due(actor, uow=UnitOfWork(work.engine), today=on)
            if due:
                attention.append(f"{format_number(due)} đề cử đã duyệt sắp hết hạn hoặc đã hết hạn một năm chương "
                                 "trình: gia hạn ở trang Danh sách đề cử.")
        work_items = (office_work(actor, on, uow=UnitOfWork(work.engine))
                      if actor.role in OFFICE_STAFF else [])
        if actor.role == DONOR:
            facts += _my_pledges(actor, UnitOfWork(work.engine))
        if actor.role == COMMUNE_OFFICIAL:
            scope = f"{commune.name}, {province.name}"
            if commune.is_poor:
                attention.append(f"{commune.name} là xã nghèo: người cận nghèo ở đây được nhà nước đóng toàn bộ, "
                                 "không cần đề cử để xin tài trợ.")
        elif actor.role == PROVINCE_OFFICER:
            scope = province.name
            communes, poor = session.exec(select(func.count(), func.count().filter(Commune.is_poor))
                                          .where(Commune.province_code == province.code)).one()
            facts.append(("Số xã, phường, đặc khu", f"{communes} (xã nghèo: {poor})"))
            top_ups = [t for t in rules.top_ups if t.province_code == province.code and t.applies(
                province.code, t.group_key, on)]
            for top_up in top_ups:
                facts.append((f"Tỉnh hỗ trợ thêm: {rules.groups[top_up.group_key].name}",
                              f"{top_up.share_bp // 100}% ({top_up.legal_basis})"))
        elif actor.role == ADMIN:
            scope = "Toàn hệ thống"
            locked = session.exec(select(UserAccount.username).where(
                UserAccount.locked_until.is_not(None), UserAccount.locked_until > datetime.now(UTC))).all()
            if locked:
                attention.append(f"Tài khoản đang tạm khóa do nhập sai mật khẩu: {', '.join(locked)}.")
            check = audit.verify(session)
            facts.append(("Nhật ký thay đổi", f"{check.events} sự kiện, "
                          + ("nguyên vẹn" if check.ok else f"BỊ CAN THIỆP ({check.reason})")))
            if not check.ok:
                attention.append(check.summary())
        else:
            scope = "Cả nước"
        return Today(scope, facts, attention, work_items)



HOLD_WARNING_DAYS = 3  # a hold that lapses within this many days is shown on the office's home page
_SUGGESTION_SCAN = 5_000  # queue lines read for the pledges their codes may mean; a longer queue is only counted


@dataclass(frozen=True)
class Work:
    """One kind of work waiting for the officer: how many, what they are, and which page does it (by `key`)."""

    key: str  # review, payments, statement, holds, overdue, voids
    title: str
    count: int
    detail: str = ""


def office_work(actor: Actor, on: date, *, uow: UnitOfWork | None = None,
                now: datetime | None = None) -> list[Work]:
    """What waits for an officer (administrators: in every office and province): nominations to review, payments
    to confirm, statement lines to settle, holds about to lapse, instalments overdue, receipts to void."""
    require_role(actor, *OFFICE_STAFF)
    now = now or datetime.now(UTC)
    office = own_office(actor)  # None: every office
    with uow or UnitOfWork() as work:
        session = work.session
        items = []
        if actor.role in review.REVIEWERS:
            items.append(_reviews(session, actor, on, work.engine))
        items += [_payments(session, actor, office), _statement(session, office),
                  _holds(session, office, now)]
    late = overdue.overdue(actor, today=on, office=office, uow=UnitOfWork(work.engine))
    items.append(Work("overdue", "Đợt nộp quá hạn", len(late),
                      f"{format_number(len({r.pledge_code for r in late}))} cam kết, còn thiếu "
                      f"{format_vnd(sum(r.owed for r in late))}; quá hạn lâu nhất {max(r.days_late for r in late)} "
                      "ngày" if late else ""))
    with UnitOfWork(work.engine) as again:
        items.append(_voids(again.session, actor, office))
    return items


def _in_office(column, office: int | None):
    return true() if office is None else column == office


def _reviews(session: Session, actor: Actor, on: date, engine) -> Work:
    """Posted nominations in the reviewer's scope: how many this reviewer can approve now, and why the others cannot
    (the review queue's own rule and counts; a nomination may be held back for more than one reason)."""
    counts = review.queue_counts(actor, today=on, uow=UnitOfWork(engine))
    total, ready = counts[None], counts[review.APPROVABLE]
    if not total:
        return Work("review", "Đề cử chờ xét duyệt", 0)
    why = []
    if counts[review.WINDOW]:
        posted = select(func.min(Nomination.objection_until)).where(Nomination.status == "posted",
                                                                   Nomination.objection_until >= on)
        if actor.role == PROVINCE_OFFICER:
            posted = posted.where(Nomination.province_code == actor.province_code)
        first = session.exec(posted).one()
        why.append(f"{format_number(counts[review.WINDOW])} đang niêm yết (sớm nhất duyệt được từ "
                   f"{format_date(first + timedelta(days=1))})")
    if counts[review.OBJECTION]:
        why.append(f"{format_number(counts[review.OBJECTION])} còn ý kiến chưa xử lý")
    if counts[review.OWN]:
        why.append(f"{format_number(counts[review.OWN])} do bạn đề cử hoặc sửa (cán bộ khác duyệt)")
    detail = f"{format_number(ready)} duyệt được ngay"
    if why:
        detail += f"; {format_number(total - ready)} chưa duyệt được: " + ", ".join(why)
    return Work("review", "Đề cử chờ xét duyệt", total, detail)


def _payments(session: Session, actor: Actor, office: int | None) -> Work:
    total, others = session.exec(select(func.count(), func.count().filter(Payment.recorded_by != actor.user_id))
                                 .where(Payment.status == "awaiting_confirmation",
                                        _in_office(Payment.office_code, office))).one()
    return Work("payments", "Khoản nộp chờ xác nhận", total, _whose(others, total - others, "do bạn ghi"))


def _statement(session: Session, office: int | None) -> Work:
    where = (StatementLine.status == "unmatched", _in_office(StatementLine.office_code, office))
    total, oldest = session.exec(select(func.count(), func.min(StatementLine.line_date)).where(*where)).one()
    if not total:
        return Work("statement", "Dòng sao kê chưa khớp", 0)
    detail = f"cũ nhất ngày {format_date(oldest)}"
    if total <= _SUGGESTION_SCAN:
        by_office: dict[int, dict[int, str]] = {}
        for line_id, line_office, text in session.exec(select(StatementLine.id, StatementLine.office_code,
                                                              StatementLine.description).where(*where)):
            by_office.setdefault(line_office, {})[line_id] = text
        offered = sum(len(reconcile.suggestions(session, code, texts)) for code, texts in by_office.items())
        if offered:
            detail += f"; {format_number(offered)} dòng có mã gần đúng với một cam kết (chờ bạn xác nhận)"
    return Work("statement", "Dòng sao kê chưa khớp", total, detail)


def _holds(session: Session, office: int | None, now: datetime) -> Work:
    """Households held for pledges not paid in full whose hold lapses within HOLD_WARNING_DAYS days."""
    lapsing = session.exec(
        select(Pledge.code, Donor.name, func.count(Hold.id), func.min(Hold.expires_at), Pledge.amount - Pledge.paid)
        .join(Pledge, Pledge.id == Hold.pledge_id).join(Donor, Donor.id == Pledge.donor_id)
        .where(Hold.status == "active", Pledge.status.in_(HOLDING), Pledge.paid < Pledge.amount,
               Hold.expires_at <= now + timedelta(days=HOLD_WARNING_DAYS), _in_office(Pledge.office_code, office))
        .group_by(Pledge.code, Donor.name, Pledge.amount, Pledge.paid)
        .order_by(func.min(Hold.expires_at), Pledge.code)).all()
    households = sum(count for _, _, count, _, _ in lapsing)
    shown = [f"{code} ({name}, còn thiếu {format_vnd(owed)}, {count} hộ, đến {format_datetime_vn(until)})"
             for code, name, count, until, owed in lapsing[:3]]
    more = f" và {len(lapsing) - 3} cam kết khác" if len(lapsing) > 3 else ""
    detail = (f"{format_number(len(lapsing))} cam kết chưa nộp đủ, hết giữ chỗ trong {HOLD_WARNING_DAYS} ngày tới: "
              + "; ".join(shown) + more) if lapsing else ""
    return Work("holds", "Hộ được giữ chỗ sắp hết hạn", households, detail)


def _voids(session: Session, actor: Actor, office: int | None) -> Work:
    total, others = session.exec(select(func.count(), func.count().filter(Receipt.void_requested_by != actor.user_id))
                                 .where(Receipt.status == "void_requested",
                                        _in_office(Receipt.office_code, office))).one()
    return Work("voids", "Biên nhận được đề nghị hủy", total, _whose(others, total - others, "do bạn đề nghị"))


def _whose(others: int, own: int, own_words: str) -> str:
    """Maker-checker in a few words: how many the officer may decide, how many wait for a colleague."""
    parts = [f"{format_number(others)} bạn xác nhận được"] if others else []
    if own:
        parts.append(f"{format_number(own)} {own_words}" + (" (một cán bộ khác xác nhận)" if others
                                                             else ": một cán bộ khác xác nhận"))
    return "; ".join(parts)


def _my_pledges(actor: Actor, uow: UnitOfWork) -> list[tuple[str, str]]:
    rows, total = pledges.list_pledges(actor, limit=1000, uow=uow)
    live = [r for r in rows if r.status not in ("cancelled", "expired")]
    if not total:
        return [("Cam kết của bạn", "chưa có: ghi cam kết ở trang Cam kết tài trợ")]
    return [("Cam kết của bạn", f"{total} cam kết, {format_vnd(sum(r.amount for r in live))}"),
            ("Đã nộp", format_vnd(sum(r.paid for r in rows))),
            ("Còn phải nộp", format_vnd(sum(r.due for r in live)))]
