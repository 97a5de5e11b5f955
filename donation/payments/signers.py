"""Who signs each office's receipts: the administrator's settings with the usual header where none is set."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from db.models import ReceivingOffice
from db.uow import UnitOfWork
from donation.access.actors import ADMIN, Actor, require_role
from donation.access.app_settings import OFFICE_FIELDS
from donation.payments.receipts import office_header


@dataclass(frozen=True)
class OfficeSigner:
    key: str  # "national" or the province's code, as the setting keeps it
    office: str  # the office's name, e.g. "BHXH Tỉnh Đắk Lắk"
    header: dict[str, str]  # what receipts print: the administrator's values, the usual ones where none is set


def office_signers(actor: Actor, *, uow: UnitOfWork | None = None) -> list[OfficeSigner]:
    """Every receiving office with the header and signer its receipts print."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        rows = work.session.exec(select(ReceivingOffice.code, ReceivingOffice.name).order_by(ReceivingOffice.code))
        return [OfficeSigner("national" if code == 0 else str(code), name,
                             {key: getattr(office_header(work.session, code), key) for key in OFFICE_FIELDS})
                for code, name in rows.all()]
