"""SQLModel tables. Money is integer đồng (BIGINT); shares are basis points (1% = 100), never floats."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, TextClause, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from db.enums import (
    SPONSORSHIP_LIVE,
    BatchStatus,
    DonorKind,
    FloodDamage,
    Gender,
    HoldStatus,
    NominationStatus,
    PaymentMethod,
    PaymentSource,
    PaymentStatus,
    PledgeStatus,
    ReceiptStatus,
    Role,
    SponsorshipRule,
    SponsorshipStatus,
    StatementLineStatus,
    TallyKind,
    TallySource,
    VoidReason,
    one_of,
)
from db.types import UTCDateTime

# Named constraints make migrations reproducible on SQLite (batch mode) and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Province(SQLModel, table=True):
    """A province or centrally-run city (34 since 1/7/2025), code as vietnam-provinces gives it."""

    code: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str
    division_type: str
    codename: str


class Commune(SQLModel, table=True):
    """A commune, ward or special zone (xã, phường, đặc khu); `is_poor` marks a poor commune (xã nghèo)."""

    code: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    province_code: int = Field(foreign_key="province.code", index=True)
    name: str
    division_type: str
    codename: str
    is_poor: bool = Field(default=False)


class PremiumGroup(SQLModel, table=True):
    """A premium group of domain-facts §3: its key, Vietnamese name and card object code ("" while not confirmed),
    how long the state's support lasts (months from the event `support_from` names; none: while in the group), what
    proves membership, and the law that sets it."""

    __tablename__ = "premium_group"
    key: str = Field(primary_key=True, max_length=32)
    name: str
    object_code: str = Field(max_length=2)
    ladder_applies: bool = Field(default=False)
    sort_order: int = Field(default=0)
    support_months: int | None = Field(default=None)
    support_from: str = Field(default="")
    proof: str = Field(default="")
    legal_basis: str = Field(default="")


class RuleVersion(SQLModel, table=True):
    """A complete set of premium rules in force from a date: base salary, rate, ladder and state shares."""

    __tablename__ = "rule_version"
    __table_args__ = (
        CheckConstraint("base_salary > 0", name="base_salary_positive"),
        CheckConstraint("rate_bp > 0 AND rate_bp <= 10000", name="rate_bp_range"),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    effective_from: date = Field(unique=True)
    base_salary: int = Field(sa_column=Column(BigInteger, nullable=False))
    rate_bp: int
    child_full_cover_age: int = Field(default=6)
    legal_basis: str
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    # A proposal (announced, no decree yet) until an administrator confirms it, with the source typed in.
    confirmed: bool = Field(default=True)
    confirmed_by: str = Field(default="", max_length=64)  # the administrator's user name
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmation_source: str = Field(default="")


class RuleLadderStep(SQLModel, table=True):
    """The household ladder: member at `position` pays `share_bp` of the first member; the last step repeats."""

    __tablename__ = "rule_ladder_step"
    __table_args__ = (CheckConstraint("share_bp > 0 AND share_bp <= 10000", name="share_bp_range"),)
    rule_version_id: int = Field(foreign_key="rule_version.id", primary_key=True)
    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    share_bp: int


class RuleGroupShare(SQLModel, table=True):
    """The state's share of a group's premium under a rule version; a poor commune may raise it."""

    __tablename__ = "rule_group_share"
    __table_args__ = (
        CheckConstraint("state_share_bp >= 0 AND state_share_bp <= 10000", name="state_share_bp_range"),
        CheckConstraint(
            "poor_commune_share_bp IS NULL OR (poor_commune_share_bp >= 0 AND poor_commune_share_bp <= 10000)",
            name="poor_commune_share_bp_range",
        ),
    )
    rule_version_id: int = Field(foreign_key="rule_version.id", primary_key=True)
    group_key: str = Field(foreign_key="premium_group.key", primary_key=True, max_length=32)
    state_share_bp: int
    poor_commune_share_bp: int | None = None


class ProvinceTopUp(SQLModel, table=True):
    """A province's own support for a group, as a share of the full premium, over a date range."""

    __tablename__ = "province_top_up"
    __table_args__ = (
        CheckConstraint("share_bp > 0 AND share_bp <= 10000", name="share_bp_range"),
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="dates_ordered"),
        UniqueConstraint("province_code", "group_key", "effective_from", name="uq_province_top_up_start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    province_code: int = Field(foreign_key="province.code", index=True)
    group_key: str = Field(foreign_key="premium_group.key", max_length=32)
    share_bp: int
    effective_from: date
    effective_to: date | None = None
    legal_basis: str


class UserAccount(SQLModel, table=True):
    """A person who signs in, with a role and, for officials, a province and commune scope."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(one_of("role", Role), name="role_known"),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts_non_negative"),
    )
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str
    role: str = Field(max_length=32)
    province_code: int | None = Field(default=None, foreign_key="province.code")
    commune_code: int | None = Field(default=None, foreign_key="commune.code")
    password_hash: str
    is_active: bool = Field(default=True)
    failed_attempts: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    password_changed_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class UserSession(SQLModel, table=True):
    """A signed-in browser: only the SHA-256 of its random token is stored, so a database leak opens no session."""

    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    last_seen_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    # the one-time sign-in ticket was exchanged for the cookie
    cookie_set_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: str | None = Field(default=None, max_length=32)


class PasswordReset(SQLModel, table=True):
    """A one-time link to set a new password, sent by e-mail: only the SHA-256 of its random token is stored; it
    expires, and it is used at most once (any use ends every other link of the user)."""

    __tablename__ = "password_reset"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """One change, chained by hash to the one before (seq - 1) so that edits, deletions and insertions show."""

    __tablename__ = "audit_event"
    # One object's events (a nomination's review history) without reading every event of its kind
    __table_args__ = (Index("ix_audit_event_entity_entity_id", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=64, index=True)
    entity: str = Field(max_length=64, index=True)
    entity_id: str | None = Field(default=None, max_length=64)
    before: str | None = None  # canonical JSON, personal identifiers masked
    after: str | None = None
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The newest event's number and hash; updating it first serialises appends and anchors the chain's end."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = Field(default=0)
    hash: str = Field(max_length=64)
    # Which secret key the chain is keyed with, so that another key is named as such, not as altered events.
    key_fingerprint: str | None = Field(default=None, max_length=16)
    # Events from this number on hash NULL and an empty text differently (digest v2); earlier ones keep v1.
    digest_v2_from: int = Field(default=1)


class AppSetting(SQLModel, table=True):
    """An administrator's setting (office names, weights, periods) as JSON under a key."""

    __tablename__ = "app_setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class Person(SQLModel, table=True):
    """A person, stored once in the country: found by CCCD or BHXH code (either is enough, both are checked)."""

    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("national_id IS NOT NULL OR social_insurance_code IS NOT NULL", name="has_identifier"),
        CheckConstraint(one_of("gender", Gender, empty="NULL"), name="gender_known"),
    )
    id: int | None = Field(default=None, primary_key=True)
    full_name: str
    name_key: str = Field(index=True)  # accent-free, lower-case: for search and duplicates
    birth_date: date
    birth_year_only: bool = Field(default=False)  # the elderly often know only their year of birth
    gender: str | None = Field(default=None, max_length=8)
    national_id: str | None = Field(default=None, max_length=12, unique=True)
    social_insurance_code: str | None = Field(default=None, max_length=10, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class Household(SQLModel, table=True):
    """People nominated together in one commune; the key is the nominator's own (Mã hộ), local to one file or form."""

    __tablename__ = "household"
    id: int | None = Field(default=None, primary_key=True)
    commune_code: int = Field(foreign_key="commune.code", index=True)
    key: str = Field(max_length=64)
    village: str = Field(default="")
    address: str = Field(default="")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class Nomination(SQLModel, table=True):
    """A commune's request that a person receive a donated card, with the facts that set price and priority."""

    __tablename__ = "nomination"
    __table_args__ = (
        CheckConstraint(one_of("status", NominationStatus), name="status_known"),
        CheckConstraint(one_of("flood_damage", FloodDamage, empty="NULL"), name="flood_damage_known"),
        # Lists are read by place and status together; two composite indexes instead of three single ones also keep
        # large imports cheaper (each index is written once per row). The province's carries the dates the daily
        # report counts by, so that the report reads the index alone, never the wide rows.
        Index("ix_nomination_commune_code_status", "commune_code", "status"),
        Index("ix_nomination_province_code_status_dates", "province_code", "status", "nominated_at", "reviewed_at",
              "approved_until"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    commune_code: int = Field(foreign_key="commune.code")
    province_code: int = Field(foreign_key="province.code")
    group_key: str = Field(foreign_key="premium_group.key", max_length=32)
    relation: str = Field(default="")
    need_flags: str = Field(default="")  # need-flag keys separated by ';'
    flood_damage: str | None = Field(default=None, max_length=16)
    village: str = Field(default="")
    school: str = Field(default="")
    health_facility: str = Field(default="")
    current_card_until: date | None = None
    reason: str = Field(default="")
    consent: bool = Field(default=False)
    status: str = Field(default="nominated", max_length=16)
    priority_score: int = Field(default=0)
    priority_explanation: str = Field(default="")
    nominated_by: int = Field(foreign_key="user_account.id")
    nominated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    posted_on: date | None = None  # the day the list went up at the commune (Vietnam's date)
    objection_until: date | None = None  # last day of the objection window
    reviewed_by: int | None = Field(default=None, foreign_key="user_account.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    review_note: str = Field(default="")
    approved_until: date | None = None  # approval lasts for the programme year, then needs renewing
    updated_by: int | None = Field(default=None, foreign_key="user_account.id")  # the last to change the facts


class Objection(SQLModel, table=True):
    """An objection to a posted nomination (who raised it, what, when) and how the commune resolved it."""

    __tablename__ = "objection"
    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    raised_by: str  # the resident or body who objected, as they gave it
    content: str
    raised_on: date
    recorded_by: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    resolution: str | None = None
    resolved_by: int | None = Field(default=None, foreign_key="user_account.id")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReceivingOffice(SQLModel, table=True):
    """An office that receives donors' money into its bank account: a province's BHXH (code = the province's code)
    or the national office, BHXH Việt Nam (code 0)."""

    __tablename__ = "receiving_office"
    code: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str
    bank_bin: str = Field(default="", max_length=6)  # NAPAS bank identification number
    account_number: str = Field(default="", max_length=19)
    account_holder: str = Field(default="", max_length=100)
    updated_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class Donor(SQLModel, table=True):
    """Who gives: a local budget, a company or organisation, or an individual, named publicly or anonymous."""

    __table_args__ = (CheckConstraint(one_of("kind", DonorKind), name="kind_known"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    name: str
    name_key: str = Field(default="")  # accent-free, lower-case: for search
    public: bool = Field(default=False)  # named on the transparency page and receipts' public view
    authority: str = Field(default="")  # budget: the issuing authority
    decision_number: str = Field(default="", max_length=64)
    decision_date: date | None = None
    tax_code: str = Field(default="", max_length=14)
    representative: str = Field(default="")
    address: str = Field(default="")
    phone: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=254)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", unique=True)  # the donor's own sign-in
    created_by: int | None = Field(default=None, foreign_key="user_account.id")  # an official, for a walk-in
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class Pledge(SQLModel, table=True):
    """A donor's promise of money (or of a number of cards, priced when made) for a scope, groups and months."""

    __table_args__ = (
        CheckConstraint(one_of("status", PledgeStatus), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("paid >= 0", name="paid_non_negative"),
        CheckConstraint("allocated >= 0 AND allocated <= paid", name="allocated_within_paid"),
        # With the columns the daily report sums, so that it reads the index alone, not the wide rows.
        Index("ix_pledge_office_code_status_report", "office_code", "status", "created_at", "donor_id", "amount"),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)  # upper case; matched ignoring case
    donor_id: int = Field(foreign_key="donor.id", index=True)
    office_code: int = Field(foreign_key="receiving_office.code")
    province_code: int | None = Field(default=None, foreign_key="province.code")  # scope; None = anywhere
    commune_code: int | None = Field(default=None, foreign_key="commune.code")
    groups: str = Field(default="")  # premium-group keys separated by ';', empty = any group that needs a donor
    months: int = Field(default=12)
    cards: int | None = None  # a pledge of a number of cards
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    paid: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    allocated: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0, server_default="0"))
    quoted_on: date  # the price basis: the day the quote was made
    rule_version: str = Field(max_length=16)
    status: str = Field(default="pledged", max_length=16)
    status_reason: str = Field(default="")
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class Instalment(SQLModel, table=True):
    """One part of a pledge paid by a due date; the parts add up to the pledge's amount."""

    __table_args__ = (UniqueConstraint("pledge_id", "number", name="uq_instalment_pledge_number"),
                      CheckConstraint("amount > 0", name="amount_positive"))
    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True)
    number: int
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    due_on: date
    reminded_on: date | None = None  # the last reminder sent for it (Vietnam's date)


class Payment(SQLModel, table=True):
    """Money received for a pledge: recorded by hand (waits for a second officer) or matched from a bank statement
    (confirmed at once: the statement is the evidence). Only confirmed payments count towards the pledge."""

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(one_of("method", PaymentMethod), name="method_known"),
        CheckConstraint(one_of("status", PaymentStatus), name="status_known"),
        CheckConstraint(one_of("source", PaymentSource), name="source_known"),
        UniqueConstraint("office_code", "bank_reference", name="uq_payment_office_code_bank_reference"),
        # Only hand-recorded payments wait, and few at a time: a partial index keeps statement imports cheap.
        Index("ix_payment_awaiting", "office_code", sqlite_where=text("status = 'awaiting_confirmation'"),
              postgresql_where=text("status = 'awaiting_confirmation'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True)
    office_code: int = Field(foreign_key="receiving_office.code")
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    method: str = Field(max_length=16)
    paid_on: date
    bank_reference: str | None = Field(default=None, max_length=64)
    decision_number: str = Field(default="", max_length=64)  # a State Treasury transfer of budget money
    note: str = Field(default="")
    source: str = Field(default="manual", max_length=16)
    status: str = Field(default="awaiting_confirmation", max_length=24)
    recorded_by: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    confirmed_by: int | None = Field(default=None, foreign_key="user_account.id")
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejection_reason: str = Field(default="")


class StatementLine(SQLModel, table=True):
    """A credit line of an office's bank statement that did not match a pledge by its code: it waits for a person
    to link it or mark it not ours. (A line that matched is stored as its payment, which keeps the reference.)"""

    __tablename__ = "statement_line"
    __table_args__ = (
        CheckConstraint(one_of("status", StatementLineStatus), name="status_known"),
        UniqueConstraint("office_code", "bank_reference", name="uq_statement_line_office_code_bank_reference"),
        Index("ix_statement_line_office_code_status", "office_code", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    office_code: int = Field(foreign_key="receiving_office.code")
    bank_reference: str = Field(max_length=64)
    line_date: date
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    description: str = Field(default="")
    status: str = Field(max_length=16)
    reason: str = Field(default="")  # why it did not match, or why it is not ours
    pledge_id: int | None = Field(default=None, foreign_key="pledge.id")
    payment_id: int | None = Field(default=None, foreign_key="payment.id")
    file_name: str = Field(default="")
    imported_by: int = Field(foreign_key="user_account.id")
    imported_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    resolved_by: int | None = Field(default=None, foreign_key="user_account.id")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Receipt(SQLModel, table=True):
    """The acknowledgement of a confirmed payment, numbered `PP-YYYY-NNNNNN` without gaps per office and year of the
    payment's date. Never deleted: a voided receipt keeps its number (never reused) and its payment gets a new one."""

    __table_args__ = (
        CheckConstraint(one_of("status", ReceiptStatus), name="status_known"),
        CheckConstraint(one_of("void_reason", VoidReason, empty="''"), name="void_reason_known"),
        CheckConstraint("sequence > 0", name="sequence_positive"),
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("office_code", "year", "sequence", name="uq_receipt_office_code_year_sequence"),
        # a payment has one receipt in force at a time; voided ones stay beside it
        Index("uq_receipt_payment_in_force", "payment_id", unique=True, sqlite_where=text("status != 'voided'"),
              postgresql_where=text("status != 'voided'")),
        Index("ix_receipt_replaces_id", "replaces_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    office_code: int = Field(foreign_key="receiving_office.code")
    year: int  # of the payment's date (Vietnam's)
    sequence: int
    payment_id: int = Field(foreign_key="payment.id")
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))  # as signed: the payment's amount
    paid_on: date  # as signed: the payment's date
    status: str = Field(default="valid", max_length=16)
    official_number: str = Field(default="", max_length=64)  # the office's own collection receipt (biên lai thu)
    replaces_id: int | None = Field(default=None, foreign_key="receipt.id")  # the voided receipt this reissues
    issued_by: int | None = Field(default=None, foreign_key="user_account.id")  # None: the system actor
    issued_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    void_reason: str = Field(default="")  # one of receipts.VOID_REASONS: shown on the public verify page
    void_note: str = Field(default="")  # the officers' own words: never shown publicly (it may name someone)
    void_requested_by: int | None = Field(default=None, foreign_key="user_account.id")
    void_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_by: int | None = Field(default=None, foreign_key="user_account.id")
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    print_count: int = Field(default=0)  # office prints so far: every one after the first says it is a copy
    # e-mailed to the donor when issued (receipts.mail_receipts): when the server took it, or why it did not go
    mailed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mail_error: str = Field(default="", max_length=200)

    @property
    def number(self) -> str:
        return receipt_number(self.office_code, self.year, self.sequence)


def receipt_number(office_code: int, year: int, sequence: int) -> str:
    """`PP-YYYY-NNNNNN`: the office's province code (00 for the national office), the year, the sequence. Not
    stored: the three columns are (and are unique together)."""
    return f"{office_code:02d}-{year}-{sequence:06d}"


class AllocationRun(SQLModel, table=True):
    """One saved allocation: its scope, date, who ran it, and what it did."""

    __tablename__ = "allocation_run"
    id: int | None = Field(default=None, primary_key=True)
    province_code: int | None = Field(default=None, foreign_key="province.code")  # None: every office
    run_on: date  # the allocation's date (Vietnam's): covers start from it
    run_by: int | None = Field(default=None, foreign_key="user_account.id")  # None: the system actor
    run_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    sponsorships: int = Field(default=0)
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    digest: str = Field(default="", max_length=64)


def overlapping_live(since_id: int) -> TextClause:
    """One live sponsorship from `since_id` on that shares a day with another live one of its person: what
    `ex_sponsorship_person_live` refuses (migration 0014). Written out so that SQLite reads the partial index
    `ix_sponsorship_person_live` (bound values would not prove its condition)."""
    live = one_of("status", SPONSORSHIP_LIVE)
    return text(f"SELECT a.id FROM sponsorship a WHERE a.id >= :since AND a.{live} AND EXISTS (SELECT 1 FROM "
                f"sponsorship b WHERE b.person_id = a.person_id AND b.id != a.id AND b.{live} "
                f"AND b.starts_on <= a.ends_on AND b.ends_on >= a.starts_on) LIMIT 1").bindparams(since=since_id)


class Sponsorship(SQLModel, table=True):
    """A person's card paid for by pledges over a period; its funding lines add up to its price. Released (with a
    reason) before purchase, its money returns to the pledges."""

    __table_args__ = (
        CheckConstraint(one_of("status", SponsorshipStatus), name="status_known"),
        CheckConstraint(one_of("rule", SponsorshipRule, empty="''"), name="rule_known"),
        CheckConstraint("months IN (3, 6, 12)", name="months_allowed"),
        CheckConstraint("price > 0", name="price_positive"),
        Index("ix_sponsorship_run_id", "run_id"),
        # Allocation writes a million sponsorships outside any batch: a partial index does not grow with them.
        Index("ix_sponsorship_batch_id", "batch_id", sqlite_where=text("batch_id IS NOT NULL"),
              postgresql_where=text("batch_id IS NOT NULL")),
        # Few are released: the report finds them without reading the rest (allocation writes none).
        Index("ix_sponsorship_released_at", "released_at", sqlite_where=text("released_at IS NOT NULL"),
              postgresql_where=text("released_at IS NOT NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="allocation_run.id")
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    # Copies of the nomination's facts at funding time, for reports by place and group without a join; not foreign
    # keys of their own (the nomination's are): a million rows are written in one run.
    person_id: int
    household_id: int
    commune_code: int
    province_code: int
    group_key: str = Field(max_length=32)
    months: int
    price: int = Field(sa_column=Column(BigInteger, nullable=False))
    starts_on: date
    ends_on: date
    score: int = Field(default=0)
    rule: str = Field(default="", max_length=16)  # why: held, or priority
    status: str = Field(default="allocated", max_length=16)
    batch_id: int | None = Field(default=None, foreign_key="purchase_batch.id")  # the purchase batch it is in
    release_reason: str = Field(default="")
    released_by: int | None = Field(default=None, foreign_key="user_account.id")
    released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PurchaseBatch(SQLModel, table=True):
    """Funded people of one province whose cards are bought together: exported as BHXH's list (form D03-TS), paid
    to BHXH in one transfer (the money is then spent), and closed when every card has been imported."""

    __tablename__ = "purchase_batch"
    __table_args__ = (
        CheckConstraint(one_of("status", BatchStatus), name="status_known"),
        CheckConstraint("sequence > 0", name="sequence_positive"),
        UniqueConstraint("province_code", "year", "sequence", name="uq_purchase_batch_province_code_year_sequence"),
        Index("ix_purchase_batch_province_code_status", "province_code", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    province_code: int = Field(foreign_key="province.code")
    year: int  # of the day it was made (Vietnam's)
    sequence: int  # per province and year, from 1
    created_on: date  # the day it was made (Vietnam's): its transfer to BHXH cannot be dated earlier
    status: str = Field(default="open", max_length=16)
    people: int = Field(default=0)
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))  # the cards' prices
    note: str = Field(default="")
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    paid_on: date | None = None  # the day the transfer to BHXH was made (Vietnam's): the money is spent from then
    payment_reference: str = Field(default="", max_length=64)  # the transfer order or BHXH's receipt number
    paid_by: int | None = Field(default=None, foreign_key="user_account.id")
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_by: int | None = Field(default=None, foreign_key="user_account.id")
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def label(self) -> str:
        return f"Đợt {self.sequence}/{self.year}"


class Card(SQLModel, table=True):
    """A BHYT card BHXH issued for a sponsorship, as imported back: the 10-digit BHXH code (the card number since
    2021), the object code and benefit level, and its validity."""

    __table_args__ = (
        CheckConstraint("benefit_level BETWEEN 1 AND 5", name="benefit_level_known"),
        CheckConstraint("valid_to >= valid_from", name="valid_period"),
        Index("ix_card_batch_id", "batch_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    sponsorship_id: int = Field(foreign_key="sponsorship.id", unique=True)
    batch_id: int = Field(foreign_key="purchase_batch.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    number: str = Field(max_length=10)  # the BHXH code printed on the card
    object_code: str = Field(max_length=2)
    benefit_level: int
    valid_from: date
    valid_to: date
    file_name: str = Field(default="")
    imported_by: int | None = Field(default=None, foreign_key="user_account.id")
    imported_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class FundingLine(SQLModel, table=True):
    """The part of a sponsorship's price one pledge pays."""

    __tablename__ = "funding_line"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)
    id: int | None = Field(default=None, primary_key=True)
    sponsorship_id: int = Field(foreign_key="sponsorship.id", index=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))


class Hold(SQLModel, table=True):
    """A pledge keeping an approved household's needs for its own money (a directed gift): at most one in force per
    household. It lapses at `expires_at` unless the pledge is paid in full; funded, it ends as `funded`."""

    __table_args__ = (
        CheckConstraint(one_of("status", HoldStatus), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("uq_hold_household_active", "household_id", unique=True, sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
        Index("ix_hold_pledge_id_status", "pledge_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id")
    pledge_id: int = Field(foreign_key="pledge.id")
    people: int  # the members the pledge's groups cover, when held
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))  # their price for the pledge's months, when held
    held_by: int | None = Field(default=None, foreign_key="user_account.id")
    held_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="active", max_length=16)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_by: int | None = Field(default=None, foreign_key="user_account.id")  # None: the system actor or a run


class ReportTally(SQLModel, table=True):
    """What the daily report needs of one allocation run or one paid purchase batch, counted once: their rows never
    change afterwards (a run's sponsorships keep their province and group, releases are read apart; a paid batch's
    sponsorships cannot be released). A run's funding lines change once, when their batch is paid after a rule
    change (`donation.cards.repricing`): the change is a `money` row of the run's own, key `batch N`. `kind`: `cards`
    (area: province, key: group), `money` (area: the pledge's office), `repeat` (area: province, value: a nomination
    with more than one sponsorship), `done`."""

    __tablename__ = "report_tally"
    __table_args__ = (
        CheckConstraint(one_of("source", TallySource), name="source_known"),
        CheckConstraint(one_of("kind", TallyKind), name="kind_known"),
        UniqueConstraint("source", "source_id", "kind", "area", "key", "value", name="uq_report_tally_row"),
    )
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=8)
    source_id: int
    kind: str = Field(max_length=8)
    area: int = Field(default=0)
    key: str = Field(default="", max_length=32)
    value: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
