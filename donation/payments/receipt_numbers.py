"""Receipt numbers: `PP-YYYY-NNNNNN`, a sequence without gaps per receiving office and year of the payment's date,
handed out in the transaction that confirms the payment. The caller holds the office's lock (`lock_office`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, func, select

from db.bulk import bulk_insert
from db.models import Receipt, receipt_number


@dataclass(frozen=True)
class Confirmed:
    """A payment just confirmed, as its receipt needs it."""

    payment_id: int
    office_code: int
    amount: int
    paid_on: date


def issue_receipts(session: Session, payments: Sequence[Confirmed], issued_by: int | None, now: datetime, *,
                   official_number: str = "", replaces_id: int | None = None) -> list[str]:
    """Number and store a receipt for each payment, in the order given; returns their numbers."""
    following: dict[tuple[int, int], int] = {}
    rows = []
    for payment in payments:
        key = (payment.office_code, payment.paid_on.year)
        if key not in following:
            following[key] = session.exec(select(func.coalesce(func.max(Receipt.sequence), 0)).where(
                Receipt.office_code == key[0], Receipt.year == key[1])).one()
        following[key] += 1
        # the other columns take their defaults (valid, never printed, no void)
        rows.append({"office_code": key[0], "year": key[1], "sequence": following[key],
                     "payment_id": payment.payment_id, "amount": payment.amount, "paid_on": payment.paid_on,
                     "official_number": official_number, "replaces_id": replaces_id, "issued_by": issued_by,
                     "issued_at": now})
    bulk_insert(session.connection(), Receipt.__table__, rows)
    return [receipt_number(row["office_code"], row["year"], row["sequence"]) for row in rows]
