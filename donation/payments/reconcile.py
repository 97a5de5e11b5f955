"""Bank statements against pledges: each credit line is matched by the pledge code in its description and becomes a
confirmed payment (the statement is the evidence); the rest wait for a person. Importing a line again changes
nothing: its bank reference is already there. One transaction for the whole statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from db.bulk import bulk_insert, bulk_update, one_of
from db.models import Donor, Payment, Pledge, StatementLine
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import OFFICE_STAFF, Actor, require_role
from donation.access.offices import lock_office, locked, own_office, require_office
from donation.common.batches import chunks
from donation.common.errors import InvalidInput, NotFound
from donation.common.spreadsheets import read_rows
from donation.common.wording import in_sentence
from donation.payments.payments import PAYABLE, apply_payment
from donation.payments.receipt_numbers import Confirmed, issue_receipts
from donation.payments.receipts import mail_issued, mail_receipts
from donation.payments.statement_rows import Entry, find_columns, header_row, read_entries
from donation.pledges import codes as pledge_codes
from donation.pledges.states import STATUS_NAMES
from donation.registry.nomination_rows import Issue

_CHUNK = 20_000  # identifiers per lookup, sent as one array parameter


@dataclass(frozen=True)
class Suggestion:
    """A pledge of the office whose code is one slip away from a word of a line's description: offered, never
    matched without a person."""

    code: str
    typed: str  # the word of the description it may correct
    donor: str
    due: int  # what the pledge still owes


@dataclass(frozen=True)
class MatchedLine:
    entry: Entry
    pledge_code: str
    donor: str
    due: int  # what the pledge owed before this line


@dataclass(frozen=True)
class UnmatchedLine:
    entry: Entry
    reason: str
    suggestions: tuple[Suggestion, ...] = ()


@dataclass
class ReconcileReport:
    lines: int = 0  # credit lines read, duplicates included
    matched: int = 0
    unmatched: int = 0
    duplicates: int = 0  # lines imported before (matched or not), or twice in this file
    amount_matched: int = 0
    skipped: int = 0  # debit and zero lines
    committed: bool = False
    errors: list[Issue] = field(default_factory=list)
    # a preview's lines: each matched one with its pledge, each other one with why not and the pledges it may mean
    matched_lines: list[MatchedLine] = field(default_factory=list)
    unmatched_lines: list[UnmatchedLine] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"lines": self.lines, "matched": self.matched, "unmatched": self.unmatched,
                "duplicates": self.duplicates, "amount_matched": self.amount_matched, "skipped": self.skipped,
                "committed": self.committed, "errors": [e.as_dict() for e in self.errors]}


def statement_headers(data: bytes, filename: str) -> list[str]:
    """The texts of a statement's header row, for the officer to say which column is which."""
    return [text for text in header_row(read_rows(data, filename))[1] if text]


def office_for(actor: Actor, office: int | None) -> int:
    """The office whose statement this is: the officer's own, or (administrators) the one named."""
    office = own_office(actor) if office is None else office
    if office is None:
        raise InvalidInput("Chọn văn phòng có sao kê này")
    return office


class _Pledge:
    """The few facts of a pledge the matching needs, without an ORM object per row."""

    __slots__ = ("id", "code", "office_code", "status", "amount", "paid", "donor_id", "updated_at", "changed")

    def __init__(self, id, code, office_code, status, amount, paid, donor_id):  # noqa: A002
        self.id, self.code, self.office_code, self.status = id, code, office_code, status
        self.amount, self.paid, self.donor_id, self.updated_at, self.changed = amount, paid, donor_id, None, False


def _why_not(codes: list[str], found: dict[str, _Pledge], office: int,
             description: str) -> tuple[_Pledge | None, str]:
    known = [found[c] for c in dict.fromkeys(codes) if c in found]
    if not codes:
        if misses := pledge_codes.near_misses(description):
            return None, f"Mã {misses[0][0]} sai ký tự kiểm tra (gõ nhầm?)"
        return None, "Nội dung không có mã cam kết"
    if not known:
        return None, f"Mã {codes[0]} không có trong hệ thống"
    if len(known) > 1:
        return None, "Nội dung có nhiều mã cam kết: chọn cam kết cho dòng này"
    pledge = known[0]
    if pledge.office_code != office:
        return None, f"Cam kết {pledge.code} nộp cho văn phòng khác"
    if pledge.status not in PAYABLE:
        return None, f"Cam kết {pledge.code} {in_sentence(STATUS_NAMES[pledge.status])}"
    return pledge, ""


def reconcile(actor: Actor, data: bytes, filename: str, *, office: int | None = None,
              columns: dict[str, str] | None = None, dry_run: bool = False, today: date,
              uow: UnitOfWork | None = None) -> ReconcileReport:
    """Read a statement and match it; unless dry_run, save lines and payments in one transaction."""
    require_role(actor, *OFFICE_STAFF)
    office = office_for(actor, office)
    require_office(actor, office)
    return _reconcile(actor, data, filename, office, columns, dry_run, today, uow)


def _reconcile(actor: Actor, data: bytes, filename: str, office: int, columns: dict[str, str] | None,
               dry_run: bool, today: date, uow: UnitOfWork | None) -> ReconcileReport:
    rows = read_rows(data, filename)
    header, where = find_columns(rows, columns)
    entries, errors, skipped = read_entries(rows, header, where, today)
    report = ReconcileReport(lines=len(entries), skipped=skipped, errors=errors)
    with uow or UnitOfWork() as work:
        session = work.session
        if not dry_run:
            lock_office(session, office)
        entries = _one_line_per_reference(entries, report)
        known, waiting = _known_references(session, office, [e.reference for e in entries])
        codes_of = {e.reference: pledge_codes.find_codes(e.description) for e in entries}
        found = _pledges(session, office, {c for codes in codes_of.values() for c in codes})
        now = datetime.now(UTC)
        matched: list[tuple[Entry, _Pledge]] = []
        unmatched: list[tuple[Entry, str]] = []
        owed_before: list[int] = []  # for a preview: what each matched line's pledge owed before it
        for entry in sorted(entries, key=lambda e: (e.line_date, e.row)):
            if entry.reference in known:
                report.duplicates += 1
                continue
            if entry.reference in waiting:
                # A hand-recorded payment with this reference waits for confirmation: queue the line, so that
                # neither is lost whichever way that record is decided (confirming it settles the line).
                unmatched.append((entry, f"Trùng mã giao dịch với khoản nộp ghi tay mã {waiting[entry.reference]} "
                                         "đang chờ xác nhận"))
                continue
            pledge, reason = _why_not(codes_of[entry.reference], found, office, entry.description)
            if pledge is None:
                unmatched.append((entry, reason))
                continue
            owed_before.append(max(0, pledge.amount - pledge.paid))
            apply_payment(pledge, entry.amount, now)
            pledge.changed = True
            matched.append((entry, pledge))
        report.matched, report.unmatched = len(matched), len(unmatched)
        report.amount_matched = sum(entry.amount for entry, _ in matched)
        report.unmatched_lines = [UnmatchedLine(entry, reason) for entry, reason in unmatched]
        if dry_run:
            _describe(session, office, report, matched, owed_before, unmatched)
            return report
        if not (matched or unmatched):
            return report
        _save(session, actor, office, filename, matched, unmatched, found, now)
        audit.record(session, actor, "reconcile_statement", "receiving_office", office,
                     after={"file": filename, "lines": report.lines, "matched": report.matched,
                            "unmatched": report.unmatched, "duplicates": report.duplicates,
                            "amount_matched": report.amount_matched})
        work.commit()
        report.committed = True
    if matched:  # each receipt just issued goes to its donor's e-mail; one that does not is kept and shown
        mail_issued(actor, office=office, issued_at=now, uow=uow)
    return report


def _describe(session: Session, office: int, report: ReconcileReport, matched: list[tuple[Entry, _Pledge]],
              owed_before: list[int], unmatched: list[tuple[Entry, str]]) -> None:
    """A preview's lines: the matched ones with their pledges' donors, the others with the pledges they may mean
    (an import only lists the others, with their reasons: the queue offers the pledges)."""
    names = _donor_names(session, {pledge.donor_id for _, pledge in matched})
    report.matched_lines = [MatchedLine(entry, pledge.code, names.get(pledge.donor_id, ""), owed)
                            for (entry, pledge), owed in zip(matched, owed_before, strict=True)]
    offered = suggestions(session, office, {entry.reference: entry.description for entry, _ in unmatched})
    report.unmatched_lines = [UnmatchedLine(entry, reason, offered.get(entry.reference, ()))
                              for entry, reason in unmatched]


def _donor_names(session: Session, ids: set[int]) -> dict[int, str]:
    names = {}
    for chunk in chunks(sorted(ids), 5_000):
        names.update(session.exec(select(Donor.id, Donor.name).where(Donor.id.in_(chunk))).all())
    return names


def suggestions(session: Session, office: int, descriptions: dict[object, str]) -> dict[object, tuple[Suggestion, ...]]:
    """For each description (by its key) without a valid code, the office's pledges that may take money whose code is
    one slip away from a word of it. Another office's pledges, and closed ones, are never offered."""
    misses = {key: pledge_codes.near_misses(text) for key, text in descriptions.items()}
    wanted = {code for found in misses.values() for _, codes in found for code in codes}
    if not wanted:
        return {}
    pledges: dict[str, tuple[str, int]] = {}
    for chunk in chunks(sorted(wanted), _CHUNK):
        for code, name, amount, paid in session.exec(
                select(Pledge.code, Donor.name, Pledge.amount, Pledge.paid).join(Donor, Donor.id == Pledge.donor_id)
                .where(one_of(Pledge.code, chunk, session.get_bind().dialect.name), Pledge.office_code == office,
                       Pledge.status.in_(PAYABLE))):
            pledges[code] = (name, max(0, amount - paid))
    offered = {}
    for key, found in misses.items():
        if chosen := tuple(Suggestion(code, typed, *pledges[code]) for typed, codes in found for code in codes
                           if code in pledges):
            offered[key] = chosen
    return offered


def _one_line_per_reference(entries: list[Entry], report: ReconcileReport) -> list[Entry]:
    """A line repeated in the file is counted once; two different lines under one reference are refused, so that a
    wrongly mapped column cannot make money disappear as 'duplicates'."""
    first: dict[str, Entry] = {}
    kept = []
    for entry in entries:
        earlier = first.get(entry.reference)
        if earlier is None:
            first[entry.reference] = entry
            kept.append(entry)
        elif (earlier.line_date, earlier.amount, earlier.description) == (entry.line_date, entry.amount,
                                                                         entry.description):
            report.duplicates += 1
        else:
            report.errors.append(Issue(entry.row, "Mã giao dịch", "reference_reused",
                                       f"Mã giao dịch {entry.reference} đã dùng cho dòng {earlier.row} với số tiền "
                                       "hoặc nội dung khác: kiểm tra cột «Mã giao dịch» đã chọn đúng chưa"))
    report.lines -= len(entries) - len(kept) - report.duplicates
    return kept


def _known_references(session: Session, office: int, references: list[str]) -> tuple[set[str], dict[str, int]]:
    """References already counted (queued lines, confirmed payments), and those of payments awaiting confirmation."""
    known: set[str] = set()
    waiting: dict[str, int] = {}
    dialect = session.get_bind().dialect.name
    for chunk in chunks(sorted(set(references)), _CHUNK):
        known.update(session.exec(select(StatementLine.bank_reference).where(
            StatementLine.office_code == office, one_of(StatementLine.bank_reference, chunk, dialect))))
        for reference, payment_id, status in session.exec(select(
                Payment.bank_reference, Payment.id, Payment.status).where(
                Payment.office_code == office, one_of(Payment.bank_reference, chunk, dialect))):
            if status == "awaiting_confirmation":
                waiting[reference] = payment_id
            else:
                known.add(reference)
    return known, waiting


def _pledges(session: Session, office: int, codes: set[str]) -> dict[str, _Pledge]:
    """The pledges the codes name. For a large statement, first the office's open ones in one read (nearly every
    code is one of them); then any other by code (another office's, or a closed one), so that the reason is given."""
    columns = (Pledge.id, Pledge.code, Pledge.office_code, Pledge.status, Pledge.amount, Pledge.paid, Pledge.donor_id)
    found = {}
    if len(codes) > _CHUNK:
        for row in session.exec(select(*columns).where(Pledge.office_code == office,
                                                       Pledge.status.in_(("pledged", "partly_paid")))):
            if row[1] in codes:
                found[row[1]] = _Pledge(*row)
    for chunk in chunks(sorted(codes - found.keys()), _CHUNK):
        for row in session.exec(select(*columns).where(one_of(Pledge.code, chunk, session.get_bind().dialect.name))):
            found[row[1]] = _Pledge(*row)
    return found


def _save(session: Session, actor: Actor, office: int, filename: str, matched: list[tuple[Entry, _Pledge]],
          unmatched: list[tuple[Entry, str]], found: dict[str, _Pledge], now: datetime) -> None:
    """A matched line is stored as its payment (reference, date, amount, description); the rest as queue lines."""
    connection = session.connection()
    if matched:
        before = session.exec(select(func.coalesce(func.max(Payment.id), 0))).one()
        bulk_insert(connection, Payment.__table__, [
            {"pledge_id": pledge.id, "office_code": office, "amount": entry.amount, "method": "bank_transfer",
             "paid_on": entry.line_date, "bank_reference": entry.reference, "decision_number": "",
             "note": entry.description, "source": "statement", "status": "confirmed", "recorded_by": actor.user_id,
             "recorded_at": now, "confirmed_by": actor.user_id, "confirmed_at": now, "rejection_reason": ""}
            # in the pledges' order: the indexes and foreign-key lookups then walk their pages in order
            for entry, pledge in sorted(matched, key=lambda pair: pair[1].id)])
        bulk_update(connection, Pledge.__table__, ["paid", "status", "updated_at"],
                    [{"id": p.id, "paid": p.paid, "status": p.status, "updated_at": now}
                     for p in sorted(found.values(), key=lambda p: p.id) if p.changed])
        # The payments just written (the office's lock keeps other writers of this office out), receipted in
        # the order of their dates.
        issue_receipts(session, [Confirmed(*row) for row in session.exec(
            select(Payment.id, Payment.office_code, Payment.amount, Payment.paid_on)
            .where(Payment.office_code == office, Payment.id > before, Payment.source == "statement")
            .order_by(Payment.paid_on, Payment.id))],
            actor.user_id, now)
    bulk_insert(connection, StatementLine.__table__, [
        {"office_code": office, "bank_reference": entry.reference, "line_date": entry.line_date,
         "amount": entry.amount, "description": entry.description, "status": "unmatched", "reason": reason,
         "pledge_id": None, "payment_id": None, "file_name": filename[:200], "imported_by": actor.user_id,
         "imported_at": now, "resolved_by": None, "resolved_at": None} for entry, reason in unmatched])


# The queue of lines that did not match ------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueLine:
    id: int
    line_date: date
    amount: int
    description: str
    bank_reference: str
    reason: str
    suggestions: tuple[Suggestion, ...] = ()  # the office's pledges its code may have meant (one slip away)


def unmatched_lines(actor: Actor, *, office: int | None = None, limit: int = 50, offset: int = 0,
                    uow: UnitOfWork | None = None) -> tuple[list[QueueLine], int]:
    require_role(actor, *OFFICE_STAFF)
    office = office_for(actor, office)
    require_office(actor, office)
    with uow or UnitOfWork() as work:
        query = select(StatementLine).where(StatementLine.office_code == office, StatementLine.status == "unmatched")
        total = work.session.exec(select(func.count()).select_from(query.subquery())).one()
        rows = work.session.exec(query.order_by(StatementLine.line_date, StatementLine.id).offset(offset)
                                 .limit(limit)).all()
        offered = suggestions(work.session, office, {r.id: r.description for r in rows})
        return [QueueLine(r.id, r.line_date, r.amount, r.description, r.bank_reference, r.reason,
                          offered.get(r.id, ())) for r in rows], total


def _queued(session: Session, actor: Actor, line_id: int) -> StatementLine:
    line = session.get(StatementLine, line_id)
    if line is None:
        raise NotFound(f"Không có dòng sao kê mã {line_id}")
    locked(session, actor, line)
    if line.status != "unmatched":
        raise InvalidInput(f"Dòng sao kê {line_id} đã được xử lý")
    return line


def link_line(actor: Actor, line_id: int, pledge_code: str, *, uow: UnitOfWork | None = None) -> str:
    """A person links a waiting line to the pledge it pays: it becomes a confirmed payment (the statement is the
    evidence); returns its receipt's number."""
    require_role(actor, *OFFICE_STAFF)
    with uow or UnitOfWork() as work:
        session = work.session
        line = _queued(session, actor, line_id)
        pledge = session.exec(select(Pledge).where(Pledge.code == pledge_codes.normalise(pledge_code))).first()
        if pledge is None:
            raise NotFound(f"Không có cam kết mã {pledge_codes.normalise(pledge_code)}")
        if pledge.office_code != line.office_code:
            raise InvalidInput(f"Cam kết {pledge.code} nộp cho văn phòng khác: không gắn được với sao kê này")
        recorded = session.exec(select(Payment.id).where(Payment.office_code == line.office_code,
                                                         Payment.bank_reference == line.bank_reference)).first()
        if recorded is not None:
            raise InvalidInput(f"Mã giao dịch {line.bank_reference} đã có khoản nộp ghi tay mã {recorded}: xác nhận "
                               "khoản đó (dòng này tự được gắn) hoặc từ chối nó rồi gắn dòng này")
        now = datetime.now(UTC)
        apply_payment(pledge, line.amount, now)
        payment = Payment(pledge_id=pledge.id, office_code=line.office_code, amount=line.amount,
                          method="bank_transfer", paid_on=line.line_date, bank_reference=line.bank_reference,
                          note=line.description, source="statement", status="confirmed", recorded_by=actor.user_id,
                          recorded_at=now, confirmed_by=actor.user_id, confirmed_at=now)
        session.add(payment)
        session.flush()
        (receipt,) = issue_receipts(session, [Confirmed(payment.id, payment.office_code, payment.amount,
                                                        payment.paid_on)], actor.user_id, now)
        line.status, line.pledge_id, line.payment_id = "linked", pledge.id, payment.id
        line.resolved_by, line.resolved_at = actor.user_id, now
        audit.record(session, actor, "link_statement_line", "statement_line", line.id,
                     after={"pledge": pledge.code, "amount": line.amount, "payment_id": payment.id,
                            "receipt": receipt})
        work.commit()
    mail_receipts(actor, [receipt], uow=uow)
    return receipt


def mark_not_ours(actor: Actor, line_id: int, reason: str, *, uow: UnitOfWork | None = None) -> None:
    """A line that is not a donation (a refund, another programme's money) leaves the queue with a reason."""
    require_role(actor, *OFFICE_STAFF)
    if not (reason or "").strip():
        raise InvalidInput("Ghi lý do (ví dụ: tiền của chương trình khác)")
    with uow or UnitOfWork() as work:
        line = _queued(work.session, actor, line_id)
        line.status, line.reason = "not_ours", reason.strip()
        line.resolved_by, line.resolved_at = actor.user_id, datetime.now(UTC)
        audit.record(work.session, actor, "mark_statement_line", "statement_line", line.id,
                     after={"status": "not_ours", "reason": reason.strip()})
        work.commit()
