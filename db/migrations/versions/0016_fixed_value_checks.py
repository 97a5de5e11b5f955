"""CHECK constraints for the fixed-value columns that had none: a nomination's flood damage, a receipt's void reason,
a sponsorship's rule

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-09

The values are written out (not read from db/enums.py) so that this revision means the same whatever the enumerations
become later. On SQLite a CHECK needs the table rebuilt, which drops the table's indexes and triggers that the rebuild
does not know of (the sponsorship's hand-written guard of 0014: its two triggers and the partial index they read):
every index and trigger of the table is read from sqlite_master before and made again after, as it was.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

CHECKS = (
    ("nomination", "ck_nomination_flood_damage_known",
     "flood_damage IS NULL OR flood_damage IN ('destroyed', 'severe', 'partial', 'livelihood')"),
    ("receipt", "ck_receipt_void_reason_known",
     "void_reason = '' OR void_reason IN ('donor_details', 'official_number', 'purpose', 'damaged', 'other')"),
    ("sponsorship", "ck_sponsorship_rule_known", "rule = '' OR rule IN ('held', 'priority')"),
)


@contextmanager
def _kept(table: str) -> Iterator[None]:
    """On SQLite, the table's indexes and triggers as they were before the block, made again after it where the
    rebuild dropped or changed them."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    query = ("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
             "AND sql IS NOT NULL ORDER BY type = 'trigger'")  # indexes first: the triggers read them
    before = bind.exec_driver_sql(query, (table,)).all()
    yield
    after = {name: sql for _, name, sql in bind.exec_driver_sql(query, (table,)).all()}
    for kind, name, sql in before:
        if after.get(name) == sql:
            continue
        if name in after:
            bind.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
        bind.exec_driver_sql(sql)


def _recreate() -> str:
    # SQLite can add or drop a CHECK only by rebuilding the table; PostgreSQL alters it in place.
    return "always" if op.get_bind().dialect.name == "sqlite" else "never"


def upgrade() -> None:
    for table, name, condition in CHECKS:
        with _kept(table), op.batch_alter_table(table, recreate=_recreate()) as batch_op:
            batch_op.create_check_constraint(op.f(name), condition)


def downgrade() -> None:
    for table, name, _ in reversed(CHECKS):
        with _kept(table), op.batch_alter_table(table, recreate=_recreate()) as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
