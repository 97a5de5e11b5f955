"""SQLModel tables. Money is integer đồng (BIGINT); shares are basis points (1% = 100), never floats."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

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
    """A premium group of domain-facts §3: its key, Vietnamese name and card object code."""

    __tablename__ = "premium_group"
    key: str = Field(primary_key=True, max_length=32)
    name: str
    object_code: str = Field(max_length=2)
    ladder_applies: bool = Field(default=False)
    sort_order: int = Field(default=0)


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
    created_at: datetime = Field(default_factory=utcnow)


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
