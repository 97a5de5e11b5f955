"""one live sponsorship per person and day, refused by the database itself

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

PostgreSQL: an exclusion constraint (btree_gist) over the person and the covered days of live sponsorships.
SQLite: triggers before an insert or an update that would make two live sponsorships of one person overlap, with a
partial index that lets them look the person up. Both name `ex_sponsorship_person_live`, which the application turns
into a Vietnamese message (donation/errors.py).
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

LIVE = "('allocated', 'purchased', 'carded')"
OVERLAP = (f"SELECT count(*) FROM sponsorship a JOIN sponsorship b ON a.person_id = b.person_id AND a.id < b.id "
           f"WHERE a.status IN {LIVE} AND b.status IN {LIVE} AND a.starts_on <= b.ends_on AND b.starts_on <= a.ends_on")
CLASH = (f"SELECT RAISE(ABORT, 'ex_sponsorship_person_live: a live sponsorship of this person covers these days') "
         f"WHERE EXISTS (SELECT 1 FROM sponsorship s WHERE s.person_id = NEW.person_id AND s.status IN {LIVE} "
         f"AND s.starts_on <= NEW.ends_on AND s.ends_on >= NEW.starts_on")


def upgrade() -> None:
    bind = op.get_bind()
    clashes = bind.exec_driver_sql(OVERLAP).scalar()
    if clashes:
        raise RuntimeError(f"{clashes} pairs of live sponsorships cover one person on the same days: release the later "
                           "of each pair (python -m cli release) before this migration can protect the rule")
    if bind.dialect.name == "postgresql":
        # a trusted extension (PostgreSQL 13+): the database's owner may create it; once per database
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")
        op.execute(f"ALTER TABLE sponsorship ADD CONSTRAINT ex_sponsorship_person_live EXCLUDE USING gist "
                   f"(person_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) WHERE (status IN {LIVE})")
        return
    op.create_index("ix_sponsorship_person_live", "sponsorship", ["person_id", "starts_on"],
                    sqlite_where=sa.text(f"status IN {LIVE}"))
    op.execute(f"CREATE TRIGGER ex_sponsorship_person_live_insert BEFORE INSERT ON sponsorship "
               f"WHEN NEW.status IN {LIVE} BEGIN {CLASH}); END")
    op.execute(f"CREATE TRIGGER ex_sponsorship_person_live_update BEFORE UPDATE OF person_id, starts_on, ends_on, "
               f"status ON sponsorship WHEN NEW.status IN {LIVE} BEGIN {CLASH} AND s.id != NEW.id); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE sponsorship DROP CONSTRAINT ex_sponsorship_person_live")
        return
    op.execute("DROP TRIGGER ex_sponsorship_person_live_update")
    op.execute("DROP TRIGGER ex_sponsorship_person_live_insert")
    op.drop_index("ix_sponsorship_person_live", "sponsorship")
