"""The fixed-value columns on both databases: each refuses a value its enumeration (db/enums.py) does not have, and
the constraint the migrations made lists exactly the enumeration's values."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables)
from db import enums

# (table, column): its enumeration. Every `<column>_known` CHECK of the models is here (the last test sees to it).
FIXED = {
    ("user_account", "role"): enums.Role,
    ("person", "gender"): enums.Gender,
    ("nomination", "status"): enums.NominationStatus,
    ("nomination", "flood_damage"): enums.FloodDamage,
    ("donor", "kind"): enums.DonorKind,
    ("pledge", "status"): enums.PledgeStatus,
    ("payment", "method"): enums.PaymentMethod,
    ("payment", "status"): enums.PaymentStatus,
    ("payment", "source"): enums.PaymentSource,
    ("statement_line", "status"): enums.StatementLineStatus,
    ("receipt", "status"): enums.ReceiptStatus,
    ("receipt", "void_reason"): enums.VoidReason,
    ("sponsorship", "status"): enums.SponsorshipStatus,
    ("sponsorship", "rule"): enums.SponsorshipRule,
    ("purchase_batch", "status"): enums.BatchStatus,
    ("hold", "status"): enums.HoldStatus,
    ("report_tally", "source"): enums.TallySource,
    ("report_tally", "kind"): enums.TallyKind,
}
NOW = datetime(2026, 12, 9, 3, 0, tzinfo=UTC)


@pytest.fixture
def database_level() -> str:
    return "initialised"


def _row(table, column: str, value: str) -> dict:
    """A row of `table` that breaks none of its other CHECKs (its foreign keys are not checked here), with `value`
    in `column`."""
    row = {}
    for c in table.columns:
        if c.primary_key and isinstance(c.type, Integer) and c.autoincrement is not False:
            continue
        known = FIXED.get((table.name, c.name))
        if known is not None:
            row[c.name] = list(known)[-1].value  # for a sponsorship: released, which the live guard ignores
        else:
            kind = getattr(c.type, "impl", c.type)  # under a decorator, the type it stores as
            row[c.name] = (False if isinstance(kind, Boolean) else NOW if isinstance(kind, DateTime)
                           else date(2026, 12, 9) if isinstance(kind, Date)
                           else (12 if c.name == "months" else 1) if isinstance(kind, Integer) else "1")
    row[column] = value
    return row


def _insert(engine, table, row: dict) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # outside a transaction, or it is ignored
            connection.commit()
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SET LOCAL session_replication_role = replica")  # foreign keys off
            connection.execute(table.insert().values(row))
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()


@pytest.mark.parametrize(("table_name", "column"), list(FIXED))
def test_the_database_refuses_a_value_the_enumeration_lacks(engine, table_name, column):
    table = SQLModel.metadata.tables[table_name]
    known = FIXED[(table_name, column)]
    _insert(engine, table, _row(table, column, list(known)[-1].value))  # the row is otherwise acceptable
    with pytest.raises(IntegrityError, match=f"ck_{table_name}_{column}_known"):
        _insert(engine, table, _row(table, column, "unknown"))


@pytest.mark.parametrize(("table_name", "column"), list(FIXED))
def test_the_migrated_constraint_lists_the_enumeration(engine, table_name, column):
    checks = {c["name"]: c["sqltext"] for c in inspect(engine).get_check_constraints(table_name)}
    listed = re.findall(r"'(\w+)'", checks[f"ck_{table_name}_{column}_known"])
    assert set(listed) == {member.value for member in FIXED[(table_name, column)]}


def test_every_fixed_value_check_of_the_models_has_its_enumeration():
    known = {(t.name, c.name.removeprefix(f"ck_{t.name}_").removesuffix("_known"))
             for t in SQLModel.metadata.tables.values() for c in t.constraints
             if c.name and c.name.endswith("_known") and " IN (" in str(getattr(c, "sqltext", ""))}
    assert known == set(FIXED)
