"""Pledges: a donor's promise for a scope, groups and months, with its code, instalments and VietQR payment codes.

Who sees what: a donor their own pledges; office staff their office's (a province's BHXH, or BHXH Việt Nam for
pledges anywhere); administrators all. Status changes go through `pledge_states`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from db.models import Donor, Hold, Instalment, Payment, Pledge
from db.uow import UnitOfWork
from donation.access import app_settings, audit
from donation.access.actors import ADMIN, DONOR, OFFICE_STAFF, Actor, require_role
from donation.access.offices import NATIONAL, lock_office, lock_offices, office_of, own_office, require_office
from donation.access.units import resolve_place
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.common.money import format_vnd
from donation.common.wording import in_sentence
from donation.pledges import codes as pledge_codes
from donation.pledges import vietqr
from donation.pledges.donors import donor_of
from donation.pledges.states import STATUS_NAMES, check_transition
from donation.premium.pledge_quote import PledgeQuote, quote_pledge
from donation.premium.rules import load_rule_book

PLEDGERS = (DONOR, *OFFICE_STAFF)  # who may make and see pledges
MAX_INSTALMENTS = 12


@dataclass(frozen=True)
class Scope:
    province_code: int | None
    commune_code: int | None
    name: str
    poor_commune: bool

    @property
    def office_code(self) -> int:
        return self.province_code if self.province_code is not None else NATIONAL


@cache
def groups_helped(text: str) -> frozenset[str]:
    """A pledge's `groups` ("near_poor;pupil"; empty: every group) as a set, worked out once per distinct text (a
    hundred thousand pledges have a handful)."""
    return frozenset(g for g in text.split(";") if g)


def scope_of(session: Session, province_code: object = None, commune_code: object = None) -> Scope:
    province, commune = resolve_place(session, province_code, commune_code)
    if commune:
        return Scope(province.code, commune.code, f"{commune.name}, {province.name}", commune.is_poor)
    if province:
        return Scope(province.code, None, province.name, False)
    return Scope(None, None, "Cả nước", False)


def quote_for(*, amount: int | None, cards: int | None, groups: Sequence[str], months: int, on: date,
              province_code: object = None, commune_code: object = None,
              uow: UnitOfWork | None = None) -> PledgeQuote:
    """The live quote the pledge form shows (anyone may ask: it is the public calculator's arithmetic)."""
    with uow or UnitOfWork() as work:
        scope = scope_of(work.session, province_code, commune_code)
        return quote_pledge(load_rule_book(work.session), amount=amount, cards=cards, groups=list(groups),
                            months=months, on=on, province_code=scope.province_code, poor_commune=scope.poor_commune)


@dataclass(frozen=True)
class InstalmentRow:
    number: int
    amount: int
    due_on: date
    due: int  # still to pay of this instalment, after the payments so far (paid in order)


@dataclass(frozen=True)
class PledgeRow:
    id: int
    code: str
    donor_id: int
    donor: str  # the donor's name for the donor and office staff
    donor_kind: str
    office_code: int
    scope: str
    groups: tuple[str, ...]
    months: int
    cards: int | None
    amount: int
    paid: int
    status: str
    quoted_on: date
    rule_version: str
    created_at: datetime
    instalments: tuple[InstalmentRow, ...] = ()
    awaiting: int = 0  # recorded by hand, waiting for a second officer: not paid yet, but no longer asked for

    @property
    def due(self) -> int:
        return max(0, self.amount - self.paid)

    @property
    def due_now(self) -> int:
        """What the donor is still asked for: what is due less the payments that wait for their confirmation."""
        return max(0, self.amount - self.paid - self.awaiting)

    @property
    def over(self) -> int:
        """Money received beyond the pledge: kept and shown, to be used or returned as the office decides."""
        return max(0, self.paid - self.amount)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


def instalments_due(amounts: Sequence[int], paid: int) -> list[int]:
    """What is still due on each instalment when `paid` has come in: payments fill the instalments in order."""
    left, due = paid, []
    for amount in amounts:
        covered = min(amount, max(0, left))
        due.append(amount - covered)
        left -= covered
    return due


def even_plan(amount: int, count: int, first_due: date) -> list[tuple[int, date]]:
    """`count` instalments a month apart from `first_due`, equal but for the last, which takes the remainder."""
    share, rest = divmod(amount, count)
    return [(share + (rest if number == count - 1 else 0), first_due + timedelta(days=30 * number))
            for number in range(count)]


def check_instalments(amount: int, plan: Sequence[tuple[int, date]], today: date) -> None:
    """Instalments add up to the pledge's amount, fall due on or after today, in order, at most 12."""
    if not plan:
        return
    if len(plan) > MAX_INSTALMENTS:
        raise InvalidInput(f"Tối đa {MAX_INSTALMENTS} đợt nộp")
    for number, (part, due_on) in enumerate(plan, start=1):
        if not isinstance(part, int) or isinstance(part, bool) or part <= 0:
            raise InvalidInput(f"Đợt {number}: số tiền phải là số nguyên đồng lớn hơn 0")
        if due_on < today:
            raise InvalidInput(f"Đợt {number}: hạn nộp {due_on:%d/%m/%Y} đã qua: chọn ngày từ hôm nay")
        if number > 1 and due_on <= plan[number - 2][1]:
            raise InvalidInput(f"Đợt {number}: hạn nộp phải sau hạn của đợt {number - 1}")
    total = sum(part for part, _ in plan)
    if total != amount:
        raise InvalidInput(f"Các đợt cộng lại {format_vnd(total)}, khác số tiền cam kết {format_vnd(amount)}: "
                           "sửa số tiền các đợt")


def create_pledge(actor: Actor, *, amount: int | None = None, cards: int | None = None, groups: Sequence[str] = (),
                  months: int = 12, province_code: object = None, commune_code: object = None,
                  instalments: Sequence[tuple[int, date]] = (), donor_id: int | None = None, today: date,
                  uow: UnitOfWork | None = None) -> PledgeRow:
    """A donor pledges for themself; office staff enter a pledge for a donor of theirs (a walk-in)."""
    require_role(actor, *PLEDGERS)
    with uow or UnitOfWork() as work:
        session = work.session
        if actor.role == DONOR:
            donor = donor_of(session, actor)
        else:
            donor = session.get(Donor, donor_id) if donor_id is not None else None
            if donor is None:
                raise NotFound("Chọn nhà tài trợ (hoặc thêm mới) trước khi ghi cam kết")
            if donor.user_id is not None:
                raise Forbidden(f"{donor.name} có tài khoản riêng: nhà tài trợ tự ghi cam kết của mình")
        scope = scope_of(session, province_code, commune_code)
        if actor.role != DONOR:
            require_office(actor, scope.office_code)
        office = office_of(session, scope.office_code)
        if not office.has_account:
            raise InvalidInput(f"{office.name} chưa khai báo tài khoản nhận tiền: chọn phạm vi khác, hoặc báo quản "
                               "trị viên khai báo tài khoản")
        quote = quote_pledge(load_rule_book(session), amount=amount, cards=cards, groups=list(groups), months=months,
                             on=today, province_code=scope.province_code, poor_commune=scope.poor_commune)
        if not quote.prices:
            raise InvalidInput(quote.sentence())
        plan = list(instalments)
        check_instalments(quote.amount, plan, today)
        pledge = Pledge(code=_unused_code(session), donor_id=donor.id, office_code=scope.office_code,
                        province_code=scope.province_code, commune_code=scope.commune_code,
                        groups=";".join(dict.fromkeys(groups)), months=months, cards=cards, amount=quote.amount,
                        quoted_on=today, rule_version=quote.rule_version, created_by=actor.user_id)
        session.add(pledge)
        session.flush()
        session.add_all(Instalment(pledge_id=pledge.id, number=number, amount=part, due_on=due_on)
                        for number, (part, due_on) in enumerate(plan, start=1))
        audit.record(session, actor, "create_pledge", "pledge", pledge.id,
                     after={"code": pledge.code, "donor_id": donor.id, "amount": pledge.amount, "cards": cards,
                            "office": scope.office_code, "instalments": len(plan)})
        try:
            work.commit()
        except IntegrityError:  # two pledges drew the same code at the same moment: vanishingly rare; say so
            raise InvalidInput("Trùng mã cam kết do ghi cùng lúc: bấm ghi lại") from None
        return _rows(session, [pledge], actor)[0]


def _unused_code(session: Session) -> str:
    for _ in range(20):
        code = pledge_codes.new_code()
        if session.exec(select(Pledge.id).where(Pledge.code == code)).first() is None:
            return code
    raise AssertionError("no unused pledge code after 20 draws")


def _rows(session: Session, pledges: Sequence[Pledge], actor: Actor) -> list[PledgeRow]:
    donors = {d.id: d for d in session.exec(select(Donor).where(Donor.id.in_({p.donor_id for p in pledges})))}
    plans: dict[int, list[Instalment]] = {}
    for row in session.exec(select(Instalment).where(Instalment.pledge_id.in_([p.id for p in pledges]))
                            .order_by(Instalment.number)):
        plans.setdefault(row.pledge_id, []).append(row)
    awaiting = _awaiting_amounts(session, [p.id for p in pledges])
    rows = []
    for pledge in pledges:
        scope = scope_of(session, pledge.province_code, pledge.commune_code).name
        plan = plans.get(pledge.id, [])
        dues = instalments_due([i.amount for i in plan], pledge.paid)
        donor = donors[pledge.donor_id]
        rows.append(PledgeRow(
            pledge.id, pledge.code, donor.id, donor.name, donor.kind, pledge.office_code, scope,
            tuple(g for g in pledge.groups.split(";") if g), pledge.months, pledge.cards, pledge.amount,
            pledge.paid, pledge.status, pledge.quoted_on, pledge.rule_version, pledge.created_at,
            tuple(InstalmentRow(i.number, i.amount, i.due_on, due) for i, due in zip(plan, dues, strict=True)),
            awaiting.get(pledge.id, 0)))
    return rows


def _awaiting_amounts(session: Session, pledge_ids: Sequence[int]) -> dict[int, int]:
    """For each pledge, the money recorded by hand that waits for its confirmation."""
    if not pledge_ids:
        return {}
    return {pledge_id: int(total) for pledge_id, total in session.exec(  # PostgreSQL sums BIGINT as NUMERIC
        select(Payment.pledge_id, func.sum(Payment.amount)).where(
            Payment.pledge_id.in_(pledge_ids), Payment.status == "awaiting_confirmation").group_by(Payment.pledge_id))}


def cancel_refusal(actor: Actor, row: PledgeRow) -> str | None:
    """Why `actor` may not cancel this pledge now, or None when they may: the rule `cancel_pledge` applies, for the
    pages to offer the cancel form only where it would be accepted."""
    if row.status not in ("pledged", "partly_paid"):
        return f"Cam kết {row.code} {in_sentence(STATUS_NAMES[row.status])}: không hủy được"
    if row.awaiting:
        return f"Cam kết {row.code} còn khoản nộp chờ xác nhận: xác nhận hoặc từ chối trước khi hủy"
    if row.paid and actor.role == DONOR:
        return (f"Cam kết {row.code} đã nhận {format_vnd(row.paid)}: liên hệ văn phòng BHXH để hủy và dùng hoặc hoàn "
                "số tiền đã nộp")
    return None


def require_visible(actor: Actor, session: Session, pledge: Pledge) -> None:
    """A donor sees their own pledges; office staff their office's."""
    if actor.role == DONOR:
        if donor_of(session, actor).id != pledge.donor_id:
            raise Forbidden("Cam kết này không phải của bạn")
    else:
        require_office(actor, pledge.office_code)


def find_pledge(session: Session, code: str) -> Pledge:
    pledge = session.exec(select(Pledge).where(Pledge.code == pledge_codes.normalise(code))).first()
    if pledge is None:
        raise NotFound(f"Không có cam kết mã {pledge_codes.normalise(code)}")
    return pledge


def get_pledge(actor: Actor, code: str, *, uow: UnitOfWork | None = None) -> PledgeRow:
    require_role(actor, *PLEDGERS)
    with uow or UnitOfWork() as work:
        pledge = find_pledge(work.session, code)
        require_visible(actor, work.session, pledge)
        return _rows(work.session, [pledge], actor)[0]


def list_pledges(actor: Actor, *, office: int | None = None, status: str | None = None, limit: int = 50,
                 offset: int = 0, uow: UnitOfWork | None = None) -> tuple[list[PledgeRow], int]:
    """A page of pledges, newest first: a donor's own, or one office's (staff see only theirs)."""
    require_role(actor, *PLEDGERS)
    with uow or UnitOfWork() as work:
        query = select(Pledge)
        if actor.role == DONOR:
            query = query.where(Pledge.donor_id == donor_of(work.session, actor).id)
        else:
            if office is None:
                office = own_office(actor)
            if office is not None:
                require_office(actor, office)
                query = query.where(Pledge.office_code == office)
        if status:
            if status not in STATUS_NAMES:
                raise InvalidInput(f"Trạng thái '{status}' không có")
            query = query.where(Pledge.status == status)
        total = work.session.exec(select(func.count()).select_from(query.subquery())).one()
        pledges = work.session.exec(query.order_by(Pledge.created_at.desc(), Pledge.id.desc())
                                    .offset(offset).limit(limit)).all()
        return _rows(work.session, pledges, actor), total


def cancel_pledge(actor: Actor, code: str, reason: str, *, uow: UnitOfWork | None = None) -> PledgeRow:
    """Cancel a pledge not yet paid in full: the donor their own, or the office's staff."""
    require_role(actor, *PLEDGERS)
    if not (reason or "").strip():
        raise InvalidInput("Ghi lý do hủy cam kết")
    with uow or UnitOfWork() as work:
        pledge = find_pledge(work.session, code)
        require_visible(actor, work.session, pledge)
        lock_office(work.session, pledge.office_code)  # no payment is confirmed or matched while we decide
        work.session.refresh(pledge)
        check_transition(pledge.status, "cancelled")
        if refusal := cancel_refusal(actor, _rows(work.session, [pledge], actor)[0]):
            raise InvalidInput(refusal)
        before = pledge.status
        pledge.status, pledge.status_reason, pledge.updated_at = "cancelled", reason.strip(), datetime.now(UTC)
        _end_holds(work.session, [pledge.id], pledge.updated_at)
        audit.record(work.session, actor, "cancel_pledge", "pledge", pledge.id, before={"status": before},
                     after={"status": "cancelled", "reason": reason.strip()})
        work.commit()
        return _rows(work.session, [pledge], actor)[0]


@dataclass(frozen=True)
class PaymentCode:
    payload: str
    amount: int
    message: str
    bank: str
    account_number: str
    account_holder: str


def payment_code(code: str, *, instalment: int | None = None, uow: UnitOfWork | None = None) -> PaymentCode:
    """The VietQR for what is still due on a pledge (or one instalment): the office's account, the pledge code as
    the transfer message. It holds no personal data, so anyone holding the code may ask (the CLI, the donor)."""
    with uow or UnitOfWork() as work:
        pledge = find_pledge(work.session, code)
        if pledge.status in ("cancelled", "expired", "completed"):
            raise InvalidInput(f"Cam kết {pledge.code} {in_sentence(STATUS_NAMES[pledge.status])}: không cần nộp thêm")
        office = office_of(work.session, pledge.office_code)
        if not office.has_account:
            raise InvalidInput(f"{office.name} chưa khai báo tài khoản nhận tiền")
        # money recorded and waiting for its confirmation is not asked for twice
        counted = pledge.paid + _awaiting_amounts(work.session, [pledge.id]).get(pledge.id, 0)
        due = max(0, pledge.amount - counted)
        if instalment is not None:
            plan = work.session.exec(select(Instalment).where(Instalment.pledge_id == pledge.id)
                                     .order_by(Instalment.number)).all()
            dues = instalments_due([i.amount for i in plan], counted)
            numbers = [i.number for i in plan]
            if instalment not in numbers:
                raise NotFound(f"Cam kết {pledge.code} không có đợt {instalment}")
            due = dues[numbers.index(instalment)]
        if due == 0:
            what = f"Cam kết {pledge.code}" + (f" đợt {instalment}" if instalment else "")
            raise InvalidInput(f"{what} đã nộp đủ" if counted == pledge.paid
                               else f"{what} đã nộp đủ nếu khoản nộp đang chờ xác nhận được xác nhận")
        message = pledge.code if instalment is None else f"{pledge.code} DOT {instalment}"
        text = vietqr.payload(bank_bin=office.bank_bin, account_number=office.account_number, amount=due,
                              message=message)
        return PaymentCode(text, due, vietqr.transfer_message(message), office.bank_name, office.account_number,
                           office.account_holder)


@dataclass(frozen=True)
class Confirmation:
    """What the pledge page and its PDF show: the pledge, what it buys, and how to pay what is still due."""

    pledge: PledgeRow
    office: str
    buys: str
    whole: PaymentCode | None  # None when nothing is due (paid, or cancelled)
    instalments: tuple[tuple[InstalmentRow, PaymentCode | None], ...]


def confirmation(actor: Actor, code: str, *, uow: UnitOfWork | None = None) -> Confirmation:
    require_role(actor, *PLEDGERS)
    with uow or UnitOfWork() as work:
        pledge = find_pledge(work.session, code)
        require_visible(actor, work.session, pledge)
        row = _rows(work.session, [pledge], actor)[0]
        scope = scope_of(work.session, pledge.province_code, pledge.commune_code)
        buys = quote_pledge(load_rule_book(work.session), amount=pledge.amount, groups=list(row.groups),
                            months=pledge.months, on=pledge.quoted_on, province_code=scope.province_code,
                            poor_commune=scope.poor_commune).sentence()
        office = office_of(work.session, pledge.office_code).name
    payable = row.status in ("pledged", "partly_paid") and row.due_now > 0
    whole = payment_code(code, uow=uow) if payable else None
    waiting = instalments_due([part.amount for part in row.instalments], row.paid + row.awaiting)
    parts = tuple((part, payment_code(code, instalment=part.number, uow=uow) if payable and left else None)
                  for part, left in zip(row.instalments, waiting, strict=True))
    return Confirmation(row, office, buys, whole, parts)


def expire_unpaid(actor: Actor, *, today: date, dry_run: bool = False, uow: UnitOfWork | None = None) -> list[str]:
    """Pledges with nothing paid, past their last due date (or their date) by the `pledge_expiry_days` setting,
    expire: their codes no longer ask for money. For the scheduler and administrators. Returns the codes."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        days = app_settings.get(work.session, "pledge_expiry_days")
        last_due = (select(func.max(Instalment.due_on)).where(Instalment.pledge_id == Pledge.id)
                    .scalar_subquery())
        limit = today - timedelta(days=days)
        stale = work.session.exec(select(Pledge).where(
            Pledge.status == "pledged", Pledge.paid == 0,
            func.coalesce(last_due, Pledge.quoted_on) < limit).order_by(Pledge.id)).all()
        if not dry_run:
            lock_offices(work.session, {pledge.office_code for pledge in stale})
            for pledge in stale:
                work.session.refresh(pledge)  # as it is now that no money can move
        # money recorded by hand and waiting for its confirmation keeps the pledge alive
        stale = [p for p in stale if p.status == "pledged" and p.paid == 0 and not _awaiting(work.session, p.id)]
        codes = [pledge.code for pledge in stale]
        if dry_run or not stale:
            return codes
        now = datetime.now(UTC)
        for pledge in stale:
            check_transition(pledge.status, "expired")
            pledge.status, pledge.status_reason, pledge.updated_at = "expired", f"Quá {days} ngày chưa nộp", now
        _end_holds(work.session, [pledge.id for pledge in stale], now)
        audit.record(work.session, actor, "expire_pledges", "pledge", None, after={"count": len(codes)})
        work.commit()
        return codes


def _end_holds(session: Session, pledge_ids: list[int], now: datetime) -> None:
    """A pledge that ends gives the households it held back to the common pool, in the same transaction."""
    session.execute(update(Hold).where(Hold.status == "active", Hold.pledge_id.in_(pledge_ids))
                    .values(status="expired", ended_at=now))


def _awaiting(session: Session, pledge_id: int) -> bool:
    return session.exec(select(Payment.id).where(Payment.pledge_id == pledge_id,
                                                 Payment.status == "awaiting_confirmation")).first() is not None
