"""Each role's home page: its scope, the figures it works with today, and what needs its attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlmodel import func, select

from db.models import Commune, UserAccount
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import (
    ADMIN,
    COMMUNE_OFFICIAL,
    DONOR,
    EVERY_ROLE,
    NATIONAL_OFFICER,
    PROVINCE_OFFICER,
    Actor,
    require_role,
)
from donation.access.units import get_commune, get_province
from donation.common.money import format_number, format_vnd
from donation.payments import payments, receipts, reconcile
from donation.pledges import overdue, pledges
from donation.premium.calculator import quote_premium
from donation.premium.rules import load_rule_book
from donation.registry import nominations


@dataclass(frozen=True)
class Today:
    scope: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)


def overview(actor: Actor, on: date, *, uow: UnitOfWork | None = None) -> Today:
    require_role(actor, *EVERY_ROLE)
    with uow or UnitOfWork() as work:
        session = work.session
        rules = load_rule_book(session)
        version = rules.version_on(on)
        province = get_province(session, actor.province_code) if actor.province_code else None
        commune = get_commune(session, actor.commune_code) if actor.commune_code else None

        def donor_share(group: str) -> str:
            quote = quote_premium(rules, group=group, members=1, months=12, on=on,
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
        if actor.role in (PROVINCE_OFFICER, NATIONAL_OFFICER):
            attention += _office_work(actor, UnitOfWork(work.engine), on)
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
        return Today(scope, facts, attention)



def _office_work(actor: Actor, uow: UnitOfWork, on: date) -> list[str]:
    """What the office's money needs today: records to confirm, statement lines to settle, instalments overdue,
    receipts another officer asked to void."""
    waiting = len(payments.awaiting_confirmation(actor, uow=uow))
    voids = len(receipts.void_requests(actor, uow=uow))
    lines = reconcile.unmatched_lines(actor, limit=1, uow=uow)[1]
    late = overdue.overdue(actor, today=on, uow=uow)
    notes = []
    if waiting:
        notes.append(f"{format_number(waiting)} khoản nộp ghi tay chờ một cán bộ khác xác nhận.")
    if lines:
        notes.append(f"{format_number(lines)} dòng sao kê chưa khớp cam kết nào: gắn vào cam kết hoặc đánh dấu.")
    if late:
        notes.append(f"{format_number(len(late))} đợt nộp quá hạn, còn thiếu "
                     f"{format_vnd(sum(r.owed for r in late))}.")
    if voids:
        notes.append(f"{format_number(voids)} biên nhận được đề nghị hủy, chờ một cán bộ khác xác nhận.")
    return notes


def _my_pledges(actor: Actor, uow: UnitOfWork) -> list[tuple[str, str]]:
    rows, total = pledges.list_pledges(actor, limit=1000, uow=uow)
    live = [r for r in rows if r.status not in ("cancelled", "expired")]
    if not total:
        return [("Cam kết của bạn", "chưa có: ghi cam kết ở trang Cam kết tài trợ")]
    return [("Cam kết của bạn", f"{total} cam kết, {format_vnd(sum(r.amount for r in live))}"),
            ("Đã nộp", format_vnd(sum(r.paid for r in rows))),
            ("Còn phải nộp", format_vnd(sum(r.due for r in live)))]
