"""The fixed values of the tables' status and kind columns: one enumeration each, from which the models' CHECK
constraints are made. Their Vietnamese labels live in the domain, next to each state table, keyed by these members."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DONOR = "donor"
    COMMUNE_OFFICIAL = "commune_official"
    PROVINCE_OFFICER = "province_officer"
    NATIONAL_OFFICER = "national_officer"
    ADMIN = "admin"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class NominationStatus(StrEnum):
    NOMINATED = "nominated"
    POSTED = "posted"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class FloodDamage(StrEnum):
    DESTROYED = "destroyed"
    SEVERE = "severe"
    PARTIAL = "partial"
    LIVELIHOOD = "livelihood"


class DonorKind(StrEnum):
    BUDGET = "budget"
    ORGANISATION = "organisation"
    INDIVIDUAL = "individual"


class PledgeStatus(StrEnum):
    PLEDGED = "pledged"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    ALLOCATED = "allocated"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    TREASURY = "treasury"


class PaymentStatus(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class PaymentSource(StrEnum):
    MANUAL = "manual"
    STATEMENT = "statement"


class StatementLineStatus(StrEnum):
    UNMATCHED = "unmatched"
    LINKED = "linked"
    NOT_OURS = "not_ours"


class ReceiptStatus(StrEnum):
    VALID = "valid"
    VOID_REQUESTED = "void_requested"
    VOIDED = "voided"


class VoidReason(StrEnum):
    """Why a receipt is voided, as the public verify page says it (the column is empty until then)."""

    DONOR_DETAILS = "donor_details"
    OFFICIAL_NUMBER = "official_number"
    PURPOSE = "purpose"
    DAMAGED = "damaged"
    OTHER = "other"


class SponsorshipStatus(StrEnum):
    ALLOCATED = "allocated"
    PURCHASED = "purchased"
    CARDED = "carded"
    RELEASED = "released"


class SponsorshipRule(StrEnum):
    """Why allocation funded a person: a hold kept the household for the pledge, or the priority order."""

    HELD = "held"
    PRIORITY = "priority"


class BatchStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    CARDED = "carded"
    CANCELLED = "cancelled"


class HoldStatus(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    EXPIRED = "expired"
    FUNDED = "funded"


class TallySource(StrEnum):
    RUN = "run"
    BATCH = "batch"


class TallyKind(StrEnum):
    CARDS = "cards"
    MONEY = "money"
    REPEAT = "repeat"
    DONE = "done"


# A sponsorship's money is bound from allocation until release: allocated, then purchased (its batch paid to BHXH),
# then carded (the issued card imported). Only an allocated one can be released.
SPONSORSHIP_LIVE = (SponsorshipStatus.ALLOCATED, SponsorshipStatus.PURCHASED, SponsorshipStatus.CARDED)


def one_of(column: str, values: type[StrEnum] | tuple[StrEnum, ...], *, empty: str | None = None) -> str:
    """The SQL condition that `column` holds one of `values` (in their order, so that the text stays what the
    migrations wrote); `empty` ('NULL' or "''") also lets the column be unset."""
    listed = ", ".join(f"'{value}'" for value in values)
    condition = f"{column} IN ({listed})"
    if empty == "NULL":
        return f"{column} IS NULL OR {condition}"
    if empty is not None:
        return f"{column} = {empty} OR {condition}"
    return condition


def labelled(enum: type[StrEnum], names: dict[StrEnum, str]) -> dict[str, str]:
    """Each value of `enum` with its label, in the enumeration's order; refuses a value without a label or a label
    without a value, so that a value added here cannot reach a screen unnamed."""
    missing, extra = set(enum) - set(names), set(names) - set(enum)
    if missing or extra:
        raise ValueError(f"{enum.__name__}: no label for {sorted(map(str, missing))}, "
                         f"no value for {sorted(map(str, extra))}")
    return {member.value: names[member] for member in enum}
