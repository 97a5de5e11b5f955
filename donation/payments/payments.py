"""Payments for pledges: recorded by hand and confirmed by a second officer, or matched from a bank statement.

Every change of money takes its office's lock first (one row update), so that two officers, or two imports, never
count the same money twice or compute a pledge's status from a stale total, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from db.enums import PaymentMethod, PaymentStatus, labelled
from db.models import Donor, Payment, Pledge, Receipt, StatementLine, UserAccount
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import DONOR, OFFICE_STAFF, Actor, require_role
from donation.access.offices import lock_office, locked, own_office, require_office
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.common.wording import in_sentence
from donation.payments.receipt_numbers import Confirmed, issue_receipts
from donation.payments.statement_rows import normalise_reference
from donation.pledges.pledges import find_pledge, require_visible
from donation.pledges.states import STATUS_NAMES, check_transition, status_for_payment

METHODS = labelled(PaymentMethod, {PaymentMethod.BANK_TRANSFER: "Chuyển khoản",
                                    PaymentMethod.CASH: "Tiền mặt tại văn phòng",
                                    PaymentMethod.TREASURY: "Kho bạc Nhà nước (ngân sách)"})
PAYMENT_STATUSES = labelled(PaymentStatus, {PaymentStatus.AWAITING_CONFIRMATION: "Chờ xác nhận",
                                            PaymentStatus.CONFIRMED: "Đã xác nhận",
                                            PaymentStatus.REJECTED: "Bị từ chối"})
PAYABLE = ("pledged", "partly_paid", "paid", "allocated", "expired")  # money revives an expired pledge


@dataclass(frozen=True)
class PaymentRow:
    id: int
    pledge_code: str
    amount: int
    method: str
    paid_on: date
    bank_reference: str | None
    decision_number: str
    source: str
    status: str
    recorded_by: int
    note: str
    receipt: str = ""  # the number of its receipt in force, once confirmed
    donor: str = ""  # in the lists of payments to confirm: the pledge's donor and who recorded the payment
    recorder: str = ""
    receipt_mail: str = ""  # once confirmed: whether its receipt was e-mailed to the donor (receipts.mail_receipts)

    @property
    def method_name(self) -> str:
        return METHODS[self.method]

    @property
    def status_name(self) -> str:
        return PAYMENT_STATUSES[self.status]


def _row(payment: Payment, code: str) -> PaymentRow:
    return PaymentRow(payment.id, code, payment.amount, payment.method, payment.paid_on, payment.bank_reference,
                      payment.decision_number, payment.source, payment.status, payment.recorded_by, payment.note)


def apply_payment(pledge: Pledge, amount: int, now: datetime) -> None:
    """Add confirmed money to a pledge and move its status with the money (an over-payment stays visible)."""
    if pledge.status not in PAYABLE:
        raise InvalidInput(f"Cam kết {pledge.code} {in_sentence(STATUS_NAMES[pledge.status])}: không nhận thêm tiền")
    pledge.paid += amount
    # Extra money on an allocated pledge is money still to allocate: the allocation run sees it, the status stays.
    target = pledge.status if pledge.status == "allocated" else status_for_payment(pledge.amount, pledge.paid)
    if target != pledge.status:
        check_transition(pledge.status, target)
        pledge.status = target
    pledge.updated_at = now


def record_payment(actor: Actor, code: str, *, amount: int, method: str, paid_on: date, today: date,
                   bank_reference: str = "", decision_number: str = "", note: str = "",
                   uow: UnitOfWork | None = None) -> PaymentRow:
    """An officer records money that arrived; it counts once a second officer confirms it."""
    require_role(actor, *OFFICE_STAFF)
    if method not in METHODS:
        raise InvalidInput(f"Hình thức nộp '{method}' không có: chuyển khoản, tiền mặt hoặc kho bạc")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidInput("Số tiền phải là số nguyên đồng lớn hơn 0")
    if paid_on > today:
        raise InvalidInput(f"Ngày nộp {paid_on:%d/%m/%Y} ở tương lai: ghi ngày tiền đã đến")
    reference = normalise_reference(bank_reference)
    if method == "bank_transfer" and not reference:
        # Without it the same money would be counted again when the bank statement is imported.
        raise InvalidInput("Chuyển khoản cần mã giao dịch của ngân hàng (để không tính trùng khi nhập sao kê)")
    if reference and len(reference) > 64:
        raise InvalidInput("Mã giao dịch dài quá 64 ký tự: kiểm tra lại")
    if method == "treasury" and not decision_number.strip():
        raise InvalidInput("Tiền ngân sách qua Kho bạc cần số quyết định cấp kinh phí")
    if len(decision_number.strip()) > 64:
        raise InvalidInput("Số quyết định dài quá 64 ký tự: kiểm tra lại")
    with uow or UnitOfWork() as work:
        pledge = find_pledge(work.session, code)
        require_office(actor, pledge.office_code)
        lock_office(work.session, pledge.office_code)
        if pledge.status not in PAYABLE:
            raise InvalidInput(f"Cam kết {pledge.code} {in_sentence(STATUS_NAMES[pledge.status])}: không ghi tiền nộp")
        if reference and work.session.exec(select(Payment.id).where(
                Payment.office_code == pledge.office_code, Payment.bank_reference == reference)).first():
            raise InvalidInput(f"Mã giao dịch {reference} đã được ghi: khoản tiền này đã có")
        if reference and work.session.exec(select(StatementLine.id).where(
                StatementLine.office_code == pledge.office_code, StatementLine.bank_reference == reference)).first():
            raise InvalidInput(f"Mã giao dịch {reference} đã có trên sao kê: gắn dòng sao kê đó vào cam kết ở mục "
                               "«Dòng chưa khớp» thay vì ghi tay")
        payment = Payment(pledge_id=pledge.id, office_code=pledge.office_code, amount=amount, method=method,
                                paid_on=paid_on, bank_reference=reference, decision_number=decision_number.strip(),
                                note=note.strip(), recorded_by=actor.user_id)
        work.session.add(payment)
        work.session.flush()
        audit.record(work.session, actor, "record_payment", "payment", payment.id,
                     after={"pledge": pledge.code, "amount": amount, "method": method, "paid_on": paid_on})
        work.commit()
        return _row(payment, pledge.code)


def _waiting(session: Session, actor: Actor, payment_id: int) -> tuple[Payment, Pledge]:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"Không có khoản nộp mã {payment_id}")
    locked(session, actor, payment)
    if payment.status != "awaiting_confirmation":
        raise InvalidInput(f"Khoản nộp {payment_id} đã được xử lý: {PAYMENT_STATUSES[payment.status].lower()}")
    return payment, session.get(Pledge, payment.pledge_id)


def confirm_payment(actor: Actor, payment_id: int, *, uow: UnitOfWork | None = None) -> PaymentRow:
    """A second officer confirms a payment recorded by hand; the pledge's total and status follow."""
    require_role(actor, *OFFICE_STAFF)
    with uow or UnitOfWork() as work:
        payment, pledge = _waiting(work.session, actor, payment_id)
        if actor.user_id == payment.recorded_by:
            raise Forbidden(f"Khoản nộp {payment_id} do chính bạn ghi: một cán bộ khác phải xác nhận")
        work.session.refresh(pledge)
        before = {"paid": pledge.paid, "status": pledge.status}
        now = datetime.now(UTC)
        apply_payment(pledge, payment.amount, now)
        payment.status, payment.confirmed_by, payment.confirmed_at = "confirmed", actor.user_id, now
        (receipt,) = issue_receipts(work.session, [Confirmed(payment.id, payment.office_code, payment.amount,
                                                             payment.paid_on)], actor.user_id, now)
        if payment.bank_reference:  # the statement already showed this money: that line is now settled by it
            for line in work.session.exec(select(StatementLine).where(
                    StatementLine.office_code == payment.office_code, StatementLine.status == "unmatched",
                    StatementLine.bank_reference == payment.bank_reference)):
                line.status, line.pledge_id, line.payment_id = "linked", pledge.id, payment.id
                line.resolved_by, line.resolved_at = actor.user_id, now
        audit.record(work.session, actor, "confirm_payment", "payment", payment.id, before=before,
                     after={"paid": pledge.paid, "status": pledge.status, "receipt": receipt})
        work.commit()
        row = replace(_row(payment, pledge.code), receipt=receipt)
    from donation.payments.receipts import mail_receipts  # receipts imports this module: imported when first used

    return replace(row, receipt_mail=mail_receipts(actor, [receipt], uow=uow).sentence)


def reject_payment(actor: Actor, payment_id: int, reason: str, *, uow: UnitOfWork | None = None) -> PaymentRow:
    """A recorded payment that is wrong (no such money, wrong pledge) is rejected with a reason; it never counts."""
    require_role(actor, *OFFICE_STAFF)
    if not (reason or "").strip():
        raise InvalidInput("Ghi lý do từ chối khoản nộp")
    with uow or UnitOfWork() as work:
        payment, pledge = _waiting(work.session, actor, payment_id)
        payment.status, payment.rejection_reason = "rejected", reason.strip()
        if payment.bank_reference:  # free the reference: the real line may still come on a statement
            payment.note = f"{payment.note} (mã giao dịch đã ghi: {payment.bank_reference})".strip()
            payment.bank_reference = None
        payment.confirmed_by, payment.confirmed_at = actor.user_id, datetime.now(UTC)
        audit.record(work.session, actor, "reject_payment", "payment", payment.id,
                     after={"status": "rejected", "reason": reason.strip()})
        work.commit()
        return _row(payment, pledge.code)


def awaiting_confirmation(actor: Actor, *, office: int | None = None,
                          uow: UnitOfWork | None = None) -> list[PaymentRow]:
    """Payments recorded by hand in the officer's office that wait for a second officer, with their pledges' donors
    and who recorded them (`recorded_by` tells the officer's own, which another officer confirms)."""
    require_role(actor, *OFFICE_STAFF)
    if office is None:
        office = own_office(actor)
    with uow or UnitOfWork() as work:
        query = (select(Payment, Pledge.code, Donor.name, UserAccount.display_name)
                 .join(Pledge, Pledge.id == Payment.pledge_id).join(Donor, Donor.id == Pledge.donor_id)
                 .join(UserAccount, UserAccount.id == Payment.recorded_by)
                 .where(Payment.status == "awaiting_confirmation").order_by(Payment.recorded_at, Payment.id))
        if office is not None:
            require_office(actor, office)
            query = query.where(Payment.office_code == office)
        return [replace(_row(payment, code), donor=donor, recorder=recorder)
                for payment, code, donor, recorder in work.session.exec(query)]


def payments_of(actor: Actor, code: str, *, uow: UnitOfWork | None = None) -> list[PaymentRow]:
    """A pledge's payments, for its donor or its office."""
    require_role(actor, DONOR, *OFFICE_STAFF)
    with uow or UnitOfWork() as work:
        pledge = find_pledge(work.session, code)
        require_visible(actor, work.session, pledge)
        rows = list(work.session.exec(select(Payment).where(Payment.pledge_id == pledge.id)
                                      .order_by(Payment.paid_on, Payment.id)))
        numbers = {r.payment_id: r.number for r in work.session.exec(select(Receipt).where(
            Receipt.payment_id.in_([p.id for p in rows]), Receipt.status != "voided"))}
        return [replace(_row(payment, pledge.code), receipt=numbers.get(payment.id, "")) for payment in rows]
