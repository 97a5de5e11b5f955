"""Receiving offices and their bank accounts: each province's BHXH, and BHXH Việt Nam (code 0) for pledges anywhere.

An office's account is where its pledges' VietQR codes send money; only an administrator sets it, and it is audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from db.models import Province, ReceivingOffice
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import ADMIN, NATIONAL_OFFICER, OFFICE_STAFF, PROVINCE_OFFICER, SYSTEM, Actor, require_role
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.common.identity import has_hidden_characters, hidden_characters_message

NATIONAL = 0
NATIONAL_NAME = "BHXH Việt Nam"
# The banks' NAPAS identification numbers most offices use (the account page accepts any 6-digit BIN).
BANKS = {"970436": "Vietcombank", "970415": "VietinBank", "970418": "BIDV", "970405": "Agribank",
         "970422": "MB", "970407": "Techcombank", "970416": "ACB", "970432": "VPBank", "970423": "TPBank",
         "970403": "Sacombank"}


@dataclass(frozen=True)
class Office:
    code: int
    name: str
    bank_bin: str
    account_number: str
    account_holder: str

    @property
    def has_account(self) -> bool:
        return bool(self.bank_bin and self.account_number and self.account_holder)

    @property
    def bank_name(self) -> str:
        return BANKS.get(self.bank_bin, f"Ngân hàng BIN {self.bank_bin}")


def _office(row: ReceivingOffice) -> Office:
    return Office(row.code, row.name, row.bank_bin, row.account_number, row.account_holder)


def seed_offices(session: Session) -> int:
    """One office per province and the national office; existing rows (and their accounts) are kept."""
    have = set(session.exec(select(ReceivingOffice.code)))
    added = [ReceivingOffice(code=NATIONAL, name=NATIONAL_NAME)] if NATIONAL not in have else []
    for code, name in session.exec(select(Province.code, Province.name)):
        if code not in have:
            added.append(ReceivingOffice(code=code, name=f"BHXH {name}"))
    session.add_all(added)
    return len(added)


def parse_office(value: object) -> int:
    """'national' (or 0) for BHXH Việt Nam, otherwise a province code with or without leading zeros."""
    text = str(value if value is not None else "").strip().lower()
    if text in ("national", "quocgia", "quoc-gia", "0", "00"):
        return NATIONAL
    if not text.isdigit():
        raise InvalidInput(f"Văn phòng '{value}' không có: ghi mã tỉnh (ví dụ 66) hoặc national")
    return int(text)


def office_of(session: Session, code: int) -> Office:
    row = session.get(ReceivingOffice, code)
    if row is None:
        raise NotFound(f"Không có văn phòng nhận tiền mã {code}")
    return _office(row)


def lock_office(session: Session, office_code: int) -> None:
    """Serialise changes of an office's money and pledges: a no-op update takes the office row's lock (SQLite: the
    write lock), so what is read next cannot change under the caller until it commits."""
    table = ReceivingOffice.__table__
    session.execute(update(table).where(table.c.code == office_code).values(code=table.c.code))


def lock_offices(session: Session, codes: Iterable[int] | None) -> list[int]:
    """Take several offices' locks, always in ascending code order (so that two writers never wait on each other in
    a circle); None takes every office's. Returns the codes locked."""
    chosen = sorted(set(codes)) if codes is not None else list(
        session.exec(select(ReceivingOffice.code).order_by(ReceivingOffice.code)))
    for code in chosen:
        lock_office(session, code)
    return chosen


def share_offices(session: Session, codes: Iterable[int]) -> list[int]:
    """Take several offices' locks in shared mode, in ascending code order: writers that only add to what one pledge
    keeps (holds, each under its pledge's row lock) then run beside each other, while every writer that takes the
    locks through `lock_offices` (a run, a payment, a release) waits for them, and they for it. SQLite has one write
    lock for everything: there this is `lock_offices`. Returns the codes locked."""
    chosen = sorted(set(codes))
    if session.get_bind().dialect.name != "postgresql":
        return lock_offices(session, chosen)
    table = ReceivingOffice.__table__
    for code in chosen:
        session.execute(select(table.c.code).where(table.c.code == code).with_for_update(read=True))
    return chosen


def locked(session: Session, actor: Actor, row):
    """A row that belongs to an office (its `office_code`), for a change by the actor: their office's, under the
    office's lock, read again after taking it (so what the caller checks next is current)."""
    require_office(actor, row.office_code)
    lock_office(session, row.office_code)
    session.refresh(row)
    return row


def own_office(actor: Actor) -> int | None:
    """The office an officer works for: their province's, or BHXH Việt Nam's; None for administrators (every one)."""
    if actor.role == PROVINCE_OFFICER:
        return actor.province_code
    return NATIONAL if actor.role == NATIONAL_OFFICER else None


def require_office(actor: Actor, office_code: int) -> None:
    """Office staff: a provincial officer for their province's office, a national officer for BHXH Việt Nam."""
    require_role(actor, *OFFICE_STAFF)
    if actor.role in (ADMIN, SYSTEM):
        return
    if own_office(actor) != office_code:
        raise Forbidden(f"Tài khoản {actor.username} không thuộc văn phòng nhận tiền mã {office_code}")


def list_offices(actor: Actor, *, uow: UnitOfWork | None = None) -> list[Office]:
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        return [_office(row) for row in work.session.exec(select(ReceivingOffice).order_by(ReceivingOffice.code))]


def set_account(actor: Actor, office: object, *, bank_bin: str, account_number: str, account_holder: str,
                uow: UnitOfWork | None = None) -> Office:
    """Set the bank account an office receives donations into (administrators only, audited)."""
    require_role(actor, ADMIN)
    bank_bin = re.sub(r"\s", "", bank_bin or "")
    account_number = re.sub(r"[\s.\-]", "", account_number or "")
    holder = " ".join((account_holder or "").split()).upper()
    if not re.fullmatch(r"97[0-9]{4}", bank_bin):
        raise InvalidInput("Mã ngân hàng (BIN) gồm 6 chữ số bắt đầu bằng 97, ví dụ 970436 (Vietcombank)")
    if not re.fullmatch(r"[0-9A-Za-z]{6,19}", account_number):
        raise InvalidInput("Số tài khoản gồm 6 đến 19 chữ số hoặc chữ cái, không dấu cách")
    if not holder or len(holder) > 100:
        raise InvalidInput("Ghi tên chủ tài khoản như trên sổ ngân hàng (tối đa 100 ký tự)")
    if has_hidden_characters(holder):
        raise InvalidInput(hidden_characters_message("Tên chủ tài khoản"))
    code = parse_office(office)
    with uow or UnitOfWork() as work:
        row = work.session.get(ReceivingOffice, code)
        if row is None:
            raise NotFound(f"Không có văn phòng nhận tiền mã {code}")
        before = {"bank_bin": row.bank_bin, "account_number": row.account_number, "holder": row.account_holder}
        row.bank_bin, row.account_number, row.account_holder = bank_bin, account_number, holder
        row.updated_by, row.updated_at = actor.user_id, datetime.now(UTC)
        audit.record(work.session, actor, "set_office_account", "receiving_office", code, before=before,
                     after={"bank_bin": bank_bin, "account_number": account_number, "holder": row.account_holder})
        work.commit()
        return _office(row)
