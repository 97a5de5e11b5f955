"""Receipts: issued with every confirmed payment in its transaction, numbered without gaps per office and year;
voided by two officers and reissued; printed one by one or in batches; checked by anyone on the verify page.

Numbers are handed out under the office's lock (`offices.lock_office`, which every confirmation takes), so two
officers confirming at once never share or skip one; a unique index backs that up.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import and_, false, tuple_, update
from sqlmodel import Session, func, or_, select

from db.bulk import one_of
from db.enums import ReceiptStatus, VoidReason, labelled
from db.models import Commune, Donor, Payment, Pledge, Province, Receipt, ReceivingOffice, receipt_number
from db.uow import UnitOfWork
from donation.access import app_settings, audit, signing_keys
from donation.access.actors import DONOR, OFFICE_STAFF, Actor, require_role
from donation.access.offices import NATIONAL, locked, office_of, own_office, require_office
from donation.common import mail
from donation.common.batches import chunks
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.common.files import staged
from donation.common.money import format_vnd
from donation.common.pdf import PAPERS, OfficeHeader
from donation.payments import receipt_signing as signing
from donation.payments.payments import METHODS
from donation.payments.receipt_numbers import Confirmed, issue_receipts
from donation.payments.receipt_pdf import (
    CertificateDoc,
    ReceiptDoc,
    certificate_pdf,
    receipts_pdf,
)
from donation.pledges.donors import KINDS
from donation.pledges.pledges import find_pledge, require_visible
from donation.premium.pledge_quote import CARD_NAMES

STATUSES = labelled(ReceiptStatus, {ReceiptStatus.VALID: "Còn hiệu lực",
                                    ReceiptStatus.VOID_REQUESTED: "Chờ xác nhận hủy", ReceiptStatus.VOIDED: "Đã hủy"})
# Why a receipt is voided, as the public verify page says it; the officers' own words stay in `void_note`.
VOID_REASONS = labelled(VoidReason, {
    VoidReason.DONOR_DETAILS: "Sai thông tin nhà tài trợ", VoidReason.OFFICIAL_NUMBER: "Sai số biên lai thu",
    VoidReason.PURPOSE: "Sai nội dung, mục đích tài trợ", VoidReason.DAMAGED: "Bản in hỏng hoặc thất lạc",
    VoidReason.OTHER: "Lý do khác"})
MAX_BATCH = 20_000  # receipts in one print run


@dataclass(frozen=True)
class ReceiptRow:
    id: int
    number: str
    office_code: int
    paid_on: date
    amount: int
    status: str
    donor: str  # the donor's name (office staff and the donor see it)
    pledge_code: str
    method: str
    bank_reference: str
    official_number: str
    void_reason: str  # a key of VOID_REASONS, "" when none
    void_note: str
    void_requested_by: int | None
    print_count: int
    mailed: bool = False  # e-mailed to the donor when issued
    mail_error: str = ""  # why it was not, when the donor gave an address

    @property
    def mail_state(self) -> str:
        """For the office and the donor: whether the receipt went by e-mail."""
        return "Đã gửi" if self.mailed else f"Chưa gửi: {self.mail_error.lower()}" if self.mail_error else ""

    @property
    def status_name(self) -> str:
        return STATUSES[self.status]

    @property
    def void_reason_name(self) -> str:
        return VOID_REASONS.get(self.void_reason, "")


def by_number(number: str):
    """The condition that finds a receipt by its number (stored as office, year and sequence)."""
    parts = signing.number_parts(number)
    if parts is None:
        return false()
    return and_(Receipt.office_code == parts[0], Receipt.year == parts[1], Receipt.sequence == parts[2])


def _query():
    return (select(Receipt, Payment.method, Payment.bank_reference, Pledge.code, Donor.name)
            .join(Payment, Payment.id == Receipt.payment_id).join(Pledge, Pledge.id == Payment.pledge_id)
            .join(Donor, Donor.id == Pledge.donor_id))


def _row(receipt: Receipt, method: str, reference: str | None, pledge_code: str, donor: str) -> ReceiptRow:
    return ReceiptRow(receipt.id, receipt.number, receipt.office_code, receipt.paid_on, receipt.amount,
                      receipt.status, donor, pledge_code, method, reference or "", receipt.official_number,
                      receipt.void_reason, receipt.void_note, receipt.void_requested_by, receipt.print_count,
                      receipt.mailed_at is not None, receipt.mail_error)


def _office(actor: Actor, office: int | None) -> int:
    office = own_office(actor) if office is None else office
    if office is None:
        raise InvalidInput("Chọn văn phòng cấp biên nhận")
    require_office(actor, office)
    return office


def list_receipts(actor: Actor, *, office: int | None = None, since: date | None = None, until: date | None = None,
                  status: str | None = None, text: str = "", limit: int = 50, offset: int = 0,
                  uow: UnitOfWork | None = None) -> tuple[list[ReceiptRow], int]:
    """An office's receipts, newest number first; `text` finds a receipt number, pledge code or bank reference."""
    require_role(actor, *OFFICE_STAFF)
    office = _office(actor, office)
    query = _query().where(Receipt.office_code == office)
    if since:
        query = query.where(Receipt.paid_on >= since)
    if until:
        query = query.where(Receipt.paid_on <= until)
    if status:
        query = query.where(Receipt.status == status)
    if text.strip():
        wanted = text.strip().upper()
        query = query.where(or_(by_number(wanted), Pledge.code == wanted, Payment.bank_reference == wanted))
    with uow or UnitOfWork() as work:
        total = work.session.exec(select(func.count()).select_from(query.subquery())).one()
        rows = work.session.exec(query.order_by(Receipt.year.desc(), Receipt.sequence.desc())
                                 .offset(offset).limit(limit))
        return [_row(*row) for row in rows], total


def receipts_of_pledge(actor: Actor, code: str, *, uow: UnitOfWork | None = None) -> list[ReceiptRow]:
    """A pledge's receipts, for its donor or its office."""
    require_role(actor, DONOR, *OFFICE_STAFF)
    with uow or UnitOfWork() as work:
        pledge = find_pledge(work.session, code)
        require_visible(actor, work.session, pledge)
        rows = work.session.exec(_query().where(Pledge.id == pledge.id).order_by(Receipt.year, Receipt.sequence))
        return [_row(*row) for row in rows]


def _receipt(session: Session, actor: Actor, number: str) -> Receipt:
    """The receipt under its office's lock, read again after taking it."""
    receipt = session.exec(select(Receipt).where(by_number(number))).first()
    if receipt is None:
        raise NotFound(f"Không có biên nhận số {(number or '').strip()}")
    return locked(session, actor, receipt)


def _official(text: str) -> str:
    official = " ".join((text or "").split())
    if not official or len(official) > 64:
        raise InvalidInput("Ghi số biên lai thu (tối đa 64 ký tự), ví dụ 0001234 hoặc BL/2026/0001234")
    return official


def set_official_number(actor: Actor, number: str, official_number: str, *, uow: UnitOfWork | None = None) -> None:
    """Record the number of the office's own collection receipt (biên lai thu); a wrong one is corrected by voiding
    and reissuing, like any printed fact."""
    require_role(actor, *OFFICE_STAFF)
    official = _official(official_number)
    with uow or UnitOfWork() as work:
        receipt = _receipt(work.session, actor, number)
        if receipt.status == "voided":
            raise InvalidInput(f"Biên nhận {receipt.number} đã hủy")
        if receipt.official_number:
            raise InvalidInput(f"Biên nhận {receipt.number} đã ghi biên lai thu số {receipt.official_number}: muốn "
                               "sửa thì đề nghị hủy biên nhận và cấp lại với số đúng")
        receipt.official_number = official
        audit.record(work.session, actor, "set_official_receipt_number", "receipt", receipt.number,
                     after={"official_number": official})
        work.commit()


def request_void(actor: Actor, number: str, reason: str, note: str = "", *, uow: UnitOfWork | None = None) -> None:
    """The first of two officers asks for a receipt to be voided: the reason (a key of VOID_REASONS, said publicly)
    and, for the office, what exactly is wrong; a second officer decides."""
    require_role(actor, *OFFICE_STAFF)
    if reason not in VOID_REASONS:
        raise InvalidInput("Chọn lý do hủy: " + "; ".join(VOID_REASONS.values()))
    note = " ".join((note or "").split())
    if len(note) < 5 or len(note) > 500:
        raise InvalidInput("Ghi rõ điều cần sửa (5 đến 500 ký tự), ví dụ: tên đúng của nhà tài trợ; chỉ văn phòng "
                           "xem được ghi chú này")
    with uow or UnitOfWork() as work:
        receipt = _receipt(work.session, actor, number)
        if receipt.status != "valid":
            raise InvalidInput(f"Biên nhận {receipt.number} {STATUSES[receipt.status].lower()}")
        receipt.status, receipt.void_reason, receipt.void_note = "void_requested", reason, note
        receipt.void_requested_by, receipt.void_requested_at = actor.user_id, datetime.now(UTC)
        # the note stays out of the audit log: it may name a person
        audit.record(work.session, actor, "request_receipt_void", "receipt", receipt.number, after={"reason": reason})
        work.commit()


def decide_void(actor: Actor, number: str, *, confirm: bool, official_number: str | None = None,
                uow: UnitOfWork | None = None) -> str | None:
    """A second officer confirms the voiding (the payment gets a new receipt, whose number is returned) or turns it
    down (the receipt stays valid). Whoever asked cannot confirm, but may withdraw the request."""
    require_role(actor, *OFFICE_STAFF)
    official = None if official_number is None or not official_number.strip() else _official(official_number)
    with uow or UnitOfWork() as work:
        session = work.session
        receipt = _receipt(session, actor, number)
        if receipt.status != "void_requested":
            raise InvalidInput(f"Biên nhận {receipt.number} không chờ hủy ({STATUSES[receipt.status].lower()})")
        if confirm and receipt.void_requested_by == actor.user_id:
            raise Forbidden(f"Bạn đề nghị hủy biên nhận {receipt.number}: một cán bộ khác phải xác nhận")
        now = datetime.now(UTC)
        if not confirm:
            audit.record(session, actor, "reject_receipt_void", "receipt", receipt.number,
                         before={"reason": receipt.void_reason})
            receipt.status, receipt.void_reason, receipt.void_note = "valid", "", ""
            receipt.void_requested_by, receipt.void_requested_at = None, None
            work.commit()
            return None
        receipt.status, receipt.voided_by, receipt.voided_at = "voided", actor.user_id, now
        session.flush()  # the voided one leaves the "one receipt in force per payment" index before the new one
        official = receipt.official_number if official is None else official
        (reissued,) = issue_receipts(session, [Confirmed(receipt.payment_id, receipt.office_code, receipt.amount,
                                                         receipt.paid_on)], actor.user_id, now,
                                     official_number=official, replaces_id=receipt.id)
        audit.record(session, actor, "void_receipt", "receipt", receipt.number,
                     after={"reason": receipt.void_reason, "reissued": reissued})
        work.commit()
    mail_receipts(actor, [reissued], uow=uow)  # the corrected receipt goes to the donor as the first one did
    return reissued


def void_requests(actor: Actor, *, office: int | None = None, uow: UnitOfWork | None = None) -> list[ReceiptRow]:
    """Receipts an officer asked to void, waiting for a second officer."""
    require_role(actor, *OFFICE_STAFF)
    office = _office(actor, office)
    with uow or UnitOfWork() as work:
        rows = work.session.exec(_query().where(Receipt.office_code == office, Receipt.status == "void_requested")
                                 .order_by(Receipt.void_requested_at))
        return [_row(*row) for row in rows]


# Documents ----------------------------------------------------------------------------------------------------------

def office_header(session: Session, office_code: int) -> OfficeHeader:
    """The office's name, place and signer from the administrator's settings, or the usual ones."""
    configured = app_settings.get(session, "offices")
    own = configured.get("national" if office_code == NATIONAL else str(office_code), {})
    if office_code == NATIONAL:
        name, parent, place, title = "BẢO HIỂM XÃ HỘI VIỆT NAM", "", "Hà Nội", "TỔNG GIÁM ĐỐC"
    else:
        province = session.get(Province, office_code)
        if province is None:
            raise NotFound(f"Không có tỉnh mã {office_code}")
        place = province.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        kind = "THÀNH PHỐ" if province.name.startswith("Thành phố") else "TỈNH"
        name, parent, title = f"BẢO HIỂM XÃ HỘI {kind} {place.upper()}", "BẢO HIỂM XÃ HỘI VIỆT NAM", "GIÁM ĐỐC"
    return OfficeHeader(parent=own.get("parent") or parent, name=own.get("name") or name,
                        place=own.get("place") or place, signer_title=own.get("signer_title") or title,
                        signer_name=own.get("signer_name", ""))


def _donor_reference(donor: Donor) -> str:
    if donor.kind == "organisation" and donor.tax_code:
        return f"Mã số thuế {donor.tax_code}"
    if donor.kind == "budget" and donor.decision_number:
        when = f" ngày {donor.decision_date:%d/%m/%Y}" if donor.decision_date else ""
        return f"Quyết định số {donor.decision_number}{when} của {donor.authority or donor.name}"
    return ""


class _Places:
    """Province and commune names, read once per run."""

    def __init__(self, session: Session):
        self.session = session
        self.provinces = dict(session.exec(select(Province.code, Province.name)).all())
        self.communes: dict[int, str] = {}

    def scope(self, province: int | None, commune: int | None) -> str:
        if province is None:
            return "trên cả nước"
        if commune is not None and commune not in self.communes:
            self.communes[commune] = self.session.exec(select(Commune.name).where(Commune.code == commune)).one()
        place = self.provinces[province]
        return f"tại {self.communes[commune]}, {place}" if commune is not None else f"tại {place}"


def purpose(pledge, places: _Places) -> str:
    """What a pledge's money funds, in a sentence: cards, months, groups and place (names never appear)."""
    groups = [CARD_NAMES[g] for g in pledge.groups.split(";") if g in CARD_NAMES]
    place = places.scope(pledge.province_code, pledge.commune_code)
    if groups:
        return f"Mua {', '.join(groups)} {pledge.months} tháng {place}"
    return f"Mua thẻ BHYT {pledge.months} tháng cho người cần nhà tài trợ {place}"


def documents(session: Session, receipts: Sequence[Receipt], *, copies: dict[int, bool]) -> list[ReceiptDoc]:
    """The receipts as the PDF draws them, each with its signed verify link."""
    key, base = signing_keys.signing_key(), signing.public_url()
    payments = {row.id: row for chunk in chunks(sorted({r.payment_id for r in receipts}), 5_000)
                for row in session.exec(select(Payment.id, Payment.pledge_id, Payment.method, Payment.bank_reference)
                                        .where(Payment.id.in_(chunk)))}
    pledges = {row.id: row for chunk in chunks(sorted({p.pledge_id for p in payments.values()}), 5_000)
               for row in session.exec(select(Pledge.id, Pledge.code, Pledge.donor_id, Pledge.groups, Pledge.months,
                                              Pledge.province_code, Pledge.commune_code).where(Pledge.id.in_(chunk)))}
    donors = {d.id: d for d in session.exec(select(Donor).where(Donor.id.in_({p.donor_id for p in pledges.values()})))}
    places, headers, purposes = _Places(session), {}, {}
    docs = []
    for receipt in receipts:
        payment = payments[receipt.payment_id]
        pledge = pledges[payment.pledge_id]
        donor = donors[pledge.donor_id]
        if receipt.office_code not in headers:
            headers[receipt.office_code] = office_header(session, receipt.office_code)
        if pledge.id not in purposes:
            purposes[pledge.id] = purpose(pledge, places)
        docs.append(ReceiptDoc(
            number=receipt.number, office=headers[receipt.office_code], paid_on=receipt.paid_on,
            amount=receipt.amount, donor=donor.name, donor_kind=KINDS[donor.kind],
            donor_reference=_donor_reference(donor), pledge_code=pledge.code, method=METHODS[payment.method],
            bank_reference=payment.bank_reference or "", official_number=receipt.official_number,
            purpose=purposes[pledge.id],
            link=signing.verify_link(base, key, receipt.number, receipt.amount, receipt.paid_on),
            copy=copies.get(receipt.id, False),
            voided_reason=VOID_REASONS.get(receipt.void_reason, "") if receipt.status == "voided" else None))
    return docs


def _paper(session: Session, paper: str | None) -> str:
    return paper or str(app_settings.get(session, "receipt_paper"))


PRINT_ATTEMPTS = 5  # rounds lost to other printers before giving up; each lost round turns originals into copies


def _count_prints(session: Session, seen: dict[int, int], *, include_voided: bool) -> bool:
    """Count one more print of each receipt (`seen`: id → its print count when it was drawn), all or none: True when
    every one was counted. A receipt drawn as an original counts only if nobody printed it since (a compare-and-set
    on its count), and unless voided ones were asked for, a receipt voided since is not counted either."""
    table = Receipt.__table__
    counted = 0
    for chunk in chunks(sorted(seen), 5_000):  # in id order: two overlapping runs take their row locks alike
        statement = update(table).where(table.c.id.in_(chunk)).values(print_count=table.c.print_count + 1)
        if originals := [id_ for id_ in chunk if seen[id_] == 0]:
            statement = statement.where(or_(table.c.print_count == 0, table.c.id.not_in(originals)))
        if not include_voided:
            statement = statement.where(table.c.status != "voided")
        counted += session.execute(statement).rowcount
    return counted == len(seen)


def _print_counted(work: UnitOfWork, actor: Actor, office: int, read: Callable[[Session], list[Receipt]],
                   draw: Callable[[list[ReceiptDoc]], Printed], *, include_voided: bool, what: dict,
                   out: Path | None = None) -> Printed:
    """Read the receipts and their print counts, draw them (a count above 0 draws a copy), then count the prints: a
    print counts only once its bytes are complete (and, with `out`, written to that file), so a run that dies while
    drawing leaves every count as it was and the next print is still the original.

    Nothing is held while drawing (thousands of pages must not hold the office's rows or SQLite's write lock).
    Instead, the count is a compare-and-set: if another officer printed one of the originals meanwhile, nothing is
    counted and the run starts again, reading those as copies now. On PostgreSQL the second of two printers waits
    on the first one's row locks at the count and then sees its count; on SQLite the counts are written one run at
    a time. So two officers printing at once never both get an original. The file is put in place after the count
    and before the commit: a crash between those two leaves a complete file that was not counted (the next print
    is an original again), never a counted print without its file.
    """
    for _ in range(PRINT_ATTEMPTS):
        with work:
            receipts = read(work.session)
            seen = {r.id: r.print_count for r in receipts}
            docs = documents(work.session, receipts, copies={r.id: r.print_count > 0 for r in receipts})
        printed = draw(docs)
        with staged(out, printed.data) if out else nullcontext(None) as place, work:
            if _count_prints(work.session, seen, include_voided=include_voided):
                audit.record(work.session, actor, "print_receipts", "receiving_office", office,
                             after={"first": docs[0].number, "last": docs[-1].number, **what, "count": len(docs)})
                if place:
                    place()
                work.commit()
                return printed
    raise InvalidInput("Cán bộ khác đang in cùng những biên nhận này: đợi họ in xong rồi thử lại")


def receipt_pdf(actor: Actor, number: str, *, uow: UnitOfWork | None = None) -> bytes:
    """One receipt as a PDF: office staff print it (from the second print on it says it is a copy); its donor
    downloads a copy (the original is the office's signed and stamped paper)."""
    require_role(actor, DONOR, *OFFICE_STAFF)
    work = uow or UnitOfWork()
    with work:
        session = work.session
        receipt = session.exec(select(Receipt).where(by_number(number))).first()
        if receipt is None:
            raise NotFound(f"Không có biên nhận số {(number or '').strip()}")
        if actor.role == DONOR:
            pledge = session.get(Pledge, session.get(Payment, receipt.payment_id).pledge_id)
            require_visible(actor, session, pledge)
            return receipts_pdf(documents(session, [receipt], copies={receipt.id: True}),
                                title=f"Biên nhận {receipt.number}")
        require_office(actor, receipt.office_code)
        # plain values: the unit of work ends here
        receipt_id, office, title = receipt.id, receipt.office_code, f"Biên nhận {receipt.number}"
    printed = _print_counted(
        work, actor, office, lambda session: [session.get(Receipt, receipt_id)],
        lambda docs: Printed(receipts_pdf(docs, title=title), 1, f"{title}.pdf", "application/pdf"),
        include_voided=True, what={})
    return printed.data


@dataclass(frozen=True)
class Printed:
    data: bytes
    count: int
    filename: str
    mime: str


def print_receipts(actor: Actor, *, office: int | None = None, since: date | None = None, until: date | None = None,
                   numbers: Sequence[str] = (), include_voided: bool = False, as_zip: bool = False,
                   paper: str | None = None, progress: Callable[[int, int], None] | None = None,
                   out: Path | None = None, uow: UnitOfWork | None = None) -> Printed:
    """A batch of an office's receipts (a date range of payments, or a list of numbers) in number order: one PDF
    whose first page is the first receipt, or a ZIP of one PDF each. Voided receipts only on request, marked.
    With `out`, the file is written there, whole, before the prints count."""
    require_role(actor, *OFFICE_STAFF)
    office = _office(actor, office)
    if paper is not None and paper not in PAPERS:
        raise InvalidInput("Khổ giấy là " + " hoặc ".join(PAPERS))
    wanted = [n.strip() for n in numbers if n and n.strip()]
    if since and until and since > until:
        raise InvalidInput(f"Từ ngày {since:%d/%m/%Y} sau đến ngày {until:%d/%m/%Y}: đổi lại")
    query = select(Receipt).where(Receipt.office_code == office)
    if not include_voided:
        query = query.where(Receipt.status != "voided")
    if since:
        query = query.where(Receipt.paid_on >= since)
    if until:
        query = query.where(Receipt.paid_on <= until)

    def read(session: Session) -> list[Receipt]:
        if wanted:
            keys = {number: signing.number_parts(number) for number in wanted}
            found = {(r.office_code, r.year, r.sequence): r
                     for chunk in chunks([k for k in keys.values() if k], 5_000)
                     for r in session.exec(query.where(tuple_(Receipt.office_code, Receipt.year,
                                                              Receipt.sequence).in_(chunk)))}
            missing = [number for number, parts in keys.items() if parts not in found]
            if missing:
                raise NotFound(f"Không có biên nhận số {', '.join(missing[:5])} của văn phòng này"
                               + ("" if since is None and until is None else " trong khoảng ngày đã chọn")
                               + ("" if include_voided else " (hoặc đã hủy: chọn in cả biên nhận đã hủy)"))
            receipts = sorted(found.values(), key=lambda r: (r.year, r.sequence))
        else:
            receipts = list(session.exec(query.order_by(Receipt.year, Receipt.sequence).limit(MAX_BATCH + 1)))
        if not receipts:
            raise NotFound("Không có biên nhận nào trong khoảng đã chọn")
        if len(receipts) > MAX_BATCH:
            raise InvalidInput(f"Hơn {MAX_BATCH:,} biên nhận: chọn khoảng ngày ngắn hơn".replace(",", "."))
        return receipts

    work = uow or UnitOfWork()
    with work:
        paper = _paper(work.session, paper)
    return _print_counted(work, actor, office, read,
                          lambda docs: _drawn(docs, paper=paper, as_zip=as_zip, progress=progress),
                          include_voided=include_voided, what={"zip": as_zip, "voided": include_voided}, out=out)


def _drawn(docs: list[ReceiptDoc], *, paper: str, as_zip: bool,
           progress: Callable[[int, int], None] | None) -> Printed:
    total = len(docs)
    tell = (lambda done: progress(done, total)) if progress else None
    stem = f"bien-nhan-{docs[0].number}" + (f"-den-{docs[-1].number}" if total > 1 else "")
    if not as_zip:
        return Printed(receipts_pdf(docs, paper=paper, progress=tell, title=stem), total, f"{stem}.pdf",
                       "application/pdf")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, doc in enumerate(docs, start=1):
            archive.writestr(f"bien-nhan-{doc.number}.pdf", receipts_pdf([doc], paper="a5", title=doc.number))
            if tell:
                tell(done)
    return Printed(buffer.getvalue(), total, f"{stem}.zip", "application/zip")


def certificate(actor: Actor, pledge_code: str, *, today: date, uow: UnitOfWork | None = None) -> bytes:
    """The thank-you certificate for a pledge's money received so far (its valid receipts)."""
    require_role(actor, DONOR, *OFFICE_STAFF)
    with uow or UnitOfWork() as work:
        session = work.session
        pledge = find_pledge(session, pledge_code)
        require_visible(actor, session, pledge)
        numbers_amounts = [(r.number, r.amount) for r in session.exec(
            select(Receipt).join(Payment, Payment.id == Receipt.payment_id)
            .where(Payment.pledge_id == pledge.id, Receipt.status != "voided")
            .order_by(Receipt.year, Receipt.sequence))]
        if not numbers_amounts:
            raise InvalidInput(f"Cam kết {pledge.code} chưa có khoản nộp nào được xác nhận: chưa cấp giấy chứng nhận")
        donor = session.get(Donor, pledge.donor_id)
        doc = CertificateDoc(office=office_header(session, pledge.office_code), donor=donor.name,
                             amount=sum(a for _, a in numbers_amounts), pledge_code=pledge.code,
                             receipts=tuple(n for n, _ in numbers_amounts), purpose=purpose(pledge, _Places(session)),
                             on=today)
    return certificate_pdf(doc)


# Verification (public) ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    valid: bool
    status: str  # valid, voided or not_genuine
    number: str
    amount: int | None
    paid_on: date | None
    reason: str
    donor: str = ""  # the donor's public name, or "Nhà tài trợ ẩn danh"
    office: str = ""

    def as_dict(self) -> dict:
        return {"valid": self.valid, "status": self.status, "number": self.number, "amount": self.amount,
                "date": self.paid_on.isoformat() if self.paid_on else None, "reason": self.reason}


def _not_genuine(link: signing.Link | None, reason: str) -> Verification:
    return Verification(False, "not_genuine", link.number if link else "", link.amount if link else None,
                        link.paid_on if link else None, reason)


def verify(text: str, *, public_key=None, uow: UnitOfWork | None = None) -> Verification:
    """Check a scanned link or a typed number. With `public_key`, the signature alone (offline, no database)."""
    try:
        link = signing.read_link(text)
    except InvalidInput as exc:
        return _not_genuine(None, str(exc))
    if public_key is not None:
        if not link.signed:
            return _not_genuine(link, "Kiểm tra không cần mạng cần cả đường link trên mã QR (có chữ ký), không chỉ "
                                      "số biên nhận")
        if not signing.signature_holds(public_key, link):
            return _not_genuine(link, "Chữ ký không khớp: số biên nhận, số tiền hoặc ngày đã bị sửa, hoặc biên nhận "
                                      "không do hệ thống cấp")
        return Verification(True, "valid", link.number, link.amount, link.paid_on,
                            "Chữ ký đúng. Kiểm tra không cần mạng không biết biên nhận có bị hủy sau đó hay không: "
                            "mở trang kiểm tra để biết")
    if link.signed and not signing.signature_holds(signing_keys.public_key(), link):
        return _not_genuine(link, "Chữ ký không khớp: số biên nhận, số tiền hoặc ngày đã bị sửa, hoặc biên nhận không "
                                  "do hệ thống cấp")
    with uow or UnitOfWork() as work:
        session = work.session
        found = session.exec(
            select(Receipt, Donor.name, Donor.public, ReceivingOffice.name)
            .join(Payment, Payment.id == Receipt.payment_id).join(Pledge, Pledge.id == Payment.pledge_id)
            .join(Donor, Donor.id == Pledge.donor_id).join(ReceivingOffice, ReceivingOffice.code == Receipt.office_code)
            .where(by_number(link.number))).first()
        if found is None:
            return _not_genuine(link, f"Không có biên nhận số {link.number} trong hệ thống")
        receipt, donor, public, office = found
        if link.signed and (receipt.amount, receipt.paid_on) != (link.amount, link.paid_on):
            return _not_genuine(link, "Số tiền hoặc ngày trên mã QR khác với biên nhận đã cấp")
        shown = donor if public else "Nhà tài trợ ẩn danh"
        if receipt.status == "voided":
            reissued = session.exec(select(Receipt).where(Receipt.replaces_id == receipt.id)).first()
            why = VOID_REASONS.get(receipt.void_reason, VOID_REASONS["other"]).lower()
            reason = f"Biên nhận đã bị hủy ({why})" + (f"; thay bằng biên nhận số {reissued.number}" if reissued
                                                        else "")
            return Verification(False, "voided", receipt.number, receipt.amount, receipt.paid_on, reason, shown,
                                office)
        return Verification(True, "valid", receipt.number, receipt.amount, receipt.paid_on,
                            "Biên nhận do hệ thống cấp, còn hiệu lực", shown, office)


def public_key_pem() -> str:
    """The key anyone may use to check receipts' signatures offline."""
    return signing_keys.public_pem(signing_keys.public_key())


# Receipts by e-mail ----------------------------------------------------------------------------------------------

log = logging.getLogger("bhyt.receipts")


@dataclass(frozen=True)
class ReceiptMailing:
    """What became of e-mailing some receipts: sent, not sent (the server did not take them), no address given."""

    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    without_email: int = 0
    smtp: bool = True

    @property
    def sentence(self) -> str:
        """For the office, after the receipts' own message; empty when no donor gave an address."""
        parts = []
        if self.sent:
            parts.append(f"Đã gửi {len(self.sent)} biên nhận (PDF) tới thư điện tử của nhà tài trợ." if len(self.sent) > 1
                         else f"Đã gửi biên nhận {self.sent[0]} (PDF) tới thư điện tử của nhà tài trợ.")
        if self.failed:
            why = "chưa cấu hình máy chủ thư" if not self.smtp else "máy chủ thư không nhận"
            shown = ", ".join(self.failed[:5]) + (" …" if len(self.failed) > 5 else "")
            parts.append(f"Chưa gửi được thư biên nhận {shown} ({why}): biên nhận vẫn có hiệu lực; nhà tài trợ tải "
                         "ở trang cam kết, hoặc văn phòng gửi lại.")
        return " ".join(parts)


def _mail_letter(doc: ReceiptDoc, office: str, to: str, data: bytes) -> mail.Letter:
    return mail.Letter(to, f"Biên nhận {doc.number} tài trợ thẻ BHYT: {format_vnd(doc.amount)}", (
        f"Kính gửi {doc.donor},\n\n"
        f"{office} đã nhận {format_vnd(doc.amount)} ngày {doc.paid_on:%d/%m/%Y} cho cam kết "
        f"{doc.pledge_code}. Biên nhận số {doc.number} đính kèm thư này (PDF); mã QR trên biên nhận mở trang kiểm "
        f"tra của hệ thống: {doc.link}\n\n"
        "Cảm ơn bạn đã giúp người có hoàn cảnh khó khăn có thẻ bảo hiểm y tế.\n\n"
        f"Trân trọng,\n{office}\n"), (mail.Attachment(f"bien-nhan-{doc.number}.pdf", data),))


def mail_receipts(actor: Actor, numbers: Sequence[str], *, mail_settings: mail.MailSettings | None = None,
                  uow: UnitOfWork | None = None) -> ReceiptMailing:
    """E-mail each receipt (its PDF, as the donor downloads it) to its donor's address, if they gave one. Called once
    the receipts are committed: a letter that does not go never undoes a receipt; it is logged (by number), kept on
    the receipt (`mail_error`) for the office to see, and told in the returned `sentence`."""
    wanted = [n for n in dict.fromkeys(numbers) if n]
    if not wanted:
        return ReceiptMailing()
    return _mail(actor, or_(*(by_number(n) for n in wanted)), mail_settings, uow)


def mail_issued(actor: Actor, *, office: int, issued_at: datetime, mail_settings: mail.MailSettings | None = None,
                uow: UnitOfWork | None = None) -> ReceiptMailing:
    """`mail_receipts` for the receipts an office issued at one moment (a bank statement's, saved together)."""
    return _mail(actor, and_(Receipt.office_code == office, Receipt.issued_at == issued_at), mail_settings, uow)


def _mail(actor: Actor, which, mail_settings: mail.MailSettings | None, uow: UnitOfWork | None) -> ReceiptMailing:
    require_role(actor, *OFFICE_STAFF)
    settings = mail_settings if mail_settings is not None else mail.MailSettings.from_settings()
    work = uow or UnitOfWork()
    with work:
        session = work.session
        # columns, not receipts: a statement's 95,000 receipts as objects took a third of its reconciliation
        found = session.exec(select(Receipt.id, Receipt.office_code, Receipt.year, Receipt.sequence, Donor.email)
                             .join(Payment, Payment.id == Receipt.payment_id)
                             .join(Pledge, Pledge.id == Payment.pledge_id).join(Donor, Donor.id == Pledge.donor_id)
                             .where(which, Receipt.status != "voided").order_by(Receipt.year, Receipt.sequence)).all()
        if not found:
            return ReceiptMailing()
        for office in {row.office_code for row in found}:
            require_office(actor, office)
        addressed = [row for row in found if row.email]
        numbers = [receipt_number(row.office_code, row.year, row.sequence) for row in addressed]
        ids = [row.id for row in addressed]
        dialect = session.get_bind().dialect.name
        letters = []
        if settings is not None:  # without a server, no document is drawn for nothing
            by_id = {receipt.id: receipt for chunk in chunks(ids, 5_000)
                     for receipt in session.exec(select(Receipt).where(one_of(Receipt.id, chunk, dialect)))}
            receipts = [by_id[row.id] for row in addressed]
            docs = documents(session, receipts, copies={r.id: True for r in receipts})
            names = {code: office_of(session, code).name for code in {r.office_code for r in receipts}}
            letters = [_mail_letter(doc, names[row.office_code], row.email,
                                    receipts_pdf([doc], title=f"Biên nhận {doc.number}"))
                       for doc, row in zip(docs, addressed, strict=True)]
        office_code = found[0].office_code
    accepted = mail.deliver(settings, letters) if settings is not None else [False] * len(numbers)
    sent = tuple(n for n, ok in zip(numbers, accepted, strict=True) if ok)
    failed = tuple(n for n, ok in zip(numbers, accepted, strict=True) if not ok)
    if failed:
        shown = ", ".join(failed[:10]) + (f" and {len(failed) - 10} more" if len(failed) > 10 else "")
        log.warning("%d receipt(s) not e-mailed (%s): %s", len(failed),
                    "no SMTP settings" if settings is None else "server refused", shown)
    if numbers:
        now, reason = datetime.now(UTC), "Chưa cấu hình máy chủ thư" if settings is None else "Máy chủ thư không nhận"
        table = Receipt.__table__
        with work:
            for chunk in chunks([i for i, ok in zip(ids, accepted, strict=True) if ok], 5_000):
                work.session.execute(update(table).where(one_of(table.c.id, chunk, dialect))
                                     .values(mailed_at=now, mail_error=""))
            for chunk in chunks([i for i, ok in zip(ids, accepted, strict=True) if not ok], 5_000):
                work.session.execute(update(table).where(one_of(table.c.id, chunk, dialect)).values(mail_error=reason))
            audit.record(work.session, actor, "mail_receipts", "receiving_office", office_code,
                         after={"sent": len(sent), "failed": len(failed), "first": numbers[0]})
            work.commit()
    return ReceiptMailing(sent, failed, len(found) - len(addressed), settings is not None)
