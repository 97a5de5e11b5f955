"""Overdue instalments: the list an office follows up, and reminders by e-mail when SMTP is configured.

An instalment is overdue once its due date has passed with money still owed on it (payments fill instalments in
order). A reminder goes at most once a week per instalment, to the donor's own address; it names the pledge code,
the amount and the account, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select

from db.models import Donor, Instalment, Pledge
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import OFFICE_STAFF, Actor, require_role
from donation.access.offices import office_of, own_office, require_office
from donation.common import mail
from donation.common.money import format_vnd
from donation.pledges.pledges import instalments_due

REMIND_EVERY = timedelta(days=7)


@dataclass(frozen=True)
class OverdueRow:
    instalment_id: int
    pledge_code: str
    office_code: int
    donor: str
    email: str
    phone: str
    number: int
    due_on: date
    owed: int
    days_late: int
    reminded_on: date | None


def overdue(actor: Actor, *, today: date, office: int | None = None,
            uow: UnitOfWork | None = None) -> list[OverdueRow]:
    """Overdue instalments of the officer's office (administrators and the scheduler: every office), oldest first."""
    require_role(actor, *OFFICE_STAFF)
    if office is None:
        office = own_office(actor)
    if office is not None:
        require_office(actor, office)
    with uow or UnitOfWork() as work:
        query = (select(Pledge, Donor).join(Donor, Donor.id == Pledge.donor_id)
                 .where(Pledge.status.in_(("pledged", "partly_paid")),
                        Pledge.id.in_(select(Instalment.pledge_id).where(Instalment.due_on < today))))
        if office is not None:
            query = query.where(Pledge.office_code == office)
        found = work.session.exec(query).all()
        plans: dict[int, list[Instalment]] = {}
        for part in work.session.exec(select(Instalment).where(Instalment.pledge_id.in_([p.id for p, _ in found]))
                                      .order_by(Instalment.number)):
            plans.setdefault(part.pledge_id, []).append(part)
        rows = []
        for pledge, donor in found:
            plan = plans.get(pledge.id, [])
            for part, owed in zip(plan, instalments_due([p.amount for p in plan], pledge.paid), strict=True):
                if owed and part.due_on < today:
                    rows.append(OverdueRow(part.id, pledge.code, pledge.office_code, donor.name, donor.email,
                                           donor.phone, part.number, part.due_on, owed, (today - part.due_on).days,
                                           part.reminded_on))
    return sorted(rows, key=lambda r: (r.due_on, r.pledge_code, r.number))


@dataclass(frozen=True)
class RemindResult:
    overdue: int
    emailed: int
    without_email: int
    recently_reminded: int
    dry_run: bool
    smtp: bool

    def as_dict(self) -> dict:
        return {"overdue": self.overdue, "emailed": self.emailed, "without_email": self.without_email,
                "recently_reminded": self.recently_reminded, "dry_run": self.dry_run, "smtp": self.smtp}


def _letter(row: OverdueRow, office_name: str, account: str) -> mail.Letter:
    return mail.Letter(row.email, f"Nhắc nộp đợt {row.number} cam kết {row.pledge_code}", (
        f"Kính gửi {row.donor},\n\n"
        f"Đợt {row.number} của cam kết tài trợ thẻ BHYT {row.pledge_code} đến hạn ngày {row.due_on:%d/%m/%Y}, "
        f"còn {format_vnd(row.owed)} chưa nộp.\n"
        f"Xin chuyển khoản vào {account}, nội dung: {row.pledge_code} DOT {row.number}.\n"
        "Nếu đã nộp, xin bỏ qua thư này: văn phòng sẽ đối chiếu sao kê.\n\n"
        f"Trân trọng,\n{office_name}\n"))


def remind(actor: Actor, *, today: date, dry_run: bool = False, mail_settings: mail.MailSettings | None = None,
           office: int | None = None, uow: UnitOfWork | None = None) -> RemindResult:
    """E-mail each overdue instalment's donor (once a week at most). Without SMTP nothing is sent: the list is
    the reminder. The days reminded are saved only for letters the server accepted."""
    rows = overdue(actor, today=today, office=office, uow=uow)
    due = [r for r in rows if r.email and (r.reminded_on is None or today - r.reminded_on >= REMIND_EVERY)]
    recent = sum(1 for r in rows if r.email and r not in due)
    without = sum(1 for r in rows if not r.email)
    if dry_run or mail_settings is None or not due:
        return RemindResult(len(rows), 0, without, recent, dry_run, mail_settings is not None)
    with uow or UnitOfWork() as work:
        letters = []
        for row in due:
            office_row = office_of(work.session, row.office_code)
            account = f"tài khoản {office_row.account_number} tại {office_row.bank_name} ({office_row.account_holder})"
            letters.append(_letter(row, office_row.name, account))
    accepted = mail.send(mail_settings, letters)
    sent = sum(accepted)
    with uow or UnitOfWork() as work:
        for row, ok in zip(due, accepted, strict=True):
            if ok:
                work.session.get(Instalment, row.instalment_id).reminded_on = today
        audit.record(work.session, actor, "remind_overdue", "instalment", None, after={"emailed": sent})
        work.commit()
    return RemindResult(len(rows), sent, without, recent, False, True)
