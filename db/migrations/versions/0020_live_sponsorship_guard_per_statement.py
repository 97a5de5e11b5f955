"""PostgreSQL: one live sponsorship per person and day checked once per statement, not once per row

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

Migration 0014 made PostgreSQL refuse two live sponsorships of one person on the same day with an exclusion
constraint over a GiST index (btree_gist). Every row written searched and grew that index: 194,067 sponsorships took
41 s to insert with it and 6 s without it, and building it alone took 27 s (issue 21, measured on this machine under
load; a GiST index over the person and a range packed into one number was as slow, SP-GiST far slower). A million
sponsorships, an allocation of a province's December campaign, spent most of its time there.

Now the same rule is checked once per statement: a trigger after each INSERT and UPDATE of `sponsorship` reads the
rows that statement wrote (its transition table) and looks for another live sponsorship of the same person sharing a
day, through a plain B-tree partial index on (person, start) of the live ones (the index SQLite's triggers read
too). A COPY of a million rows is one statement, so one join. The error is the constraint's: SQLSTATE 23P01
(exclusion_violation) naming `ex_sponsorship_person_live`, which the application turns into its Vietnamese message.

Two transactions at once: before it looks, the trigger takes one transaction-level advisory lock, so writers of live
sponsorships check one after the other, each seeing what the one before committed (READ COMMITTED, PostgreSQL's and
the application's isolation, gives every query of the trigger a new snapshot). Under REPEATABLE READ or SERIALIZABLE
a transaction's snapshot would not show a writer that committed while it waited, so the trigger refuses to write
live sponsorships there. The lock is held until the transaction ends; the writers of sponsorships (an allocation, a
release, a purchase batch, a card import) already lock their offices first, in one order, so it adds no new wait
cycle. A statement writing no live sponsorship (a release) takes no lock.
"""

from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

LIVE = "('allocated', 'purchased', 'carded')"
LOCK_KEY = 4_820_260_021  # any constant; the same in every process
MANY = 1_000
OVERLAP = (f"SELECT count(*) FROM sponsorship a JOIN sponsorship b ON a.person_id = b.person_id AND a.id < b.id "
           f"WHERE a.status IN {LIVE} AND b.status IN {LIVE} AND a.starts_on <= b.ends_on AND b.starts_on <= a.ends_on")
# Few rows (a release, a batch, a card import): each looked up through the index, whatever the planner thinks of the
# table's size. Many (an allocation): one hash join, nested loops off for it alone: in the middle of a bulk write the
# table's statistics still describe it as it was, and the planner took a nested loop over every pair of 18,896 rows
# for 4 minutes (measured here).
CHECK = f"""
DECLARE
    live_rows bigint;
    nestloop text;
    clash boolean;
BEGIN
    SELECT count(*) INTO live_rows FROM written WHERE status IN {LIVE};
    IF live_rows = 0 THEN
        RETURN NULL;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'ex_sponsorship_person_live: live sponsorships are written under READ COMMITTED only'
            USING ERRCODE = 'feature_not_supported';
    END IF;
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    IF live_rows < {MANY} THEN
        clash := EXISTS (SELECT 1 FROM written w, LATERAL (
            SELECT 1 FROM sponsorship s WHERE s.person_id = w.person_id AND s.id <> w.id AND s.status IN {LIVE}
                AND s.starts_on <= w.ends_on AND s.ends_on >= w.starts_on LIMIT 1) found
            WHERE w.status IN {LIVE});
    ELSE
        nestloop := current_setting('enable_nestloop');
        PERFORM set_config('enable_nestloop', 'off', true);
        clash := EXISTS (SELECT 1 FROM written w JOIN sponsorship s ON s.person_id = w.person_id AND s.id <> w.id
            WHERE w.status IN {LIVE} AND s.status IN {LIVE} AND s.starts_on <= w.ends_on AND s.ends_on >= w.starts_on);
        PERFORM set_config('enable_nestloop', nestloop, true);
    END IF;
    IF clash THEN
        RAISE EXCEPTION 'ex_sponsorship_person_live: a live sponsorship of this person covers these days'
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'ex_sponsorship_person_live', TABLE = 'sponsorship';
    END IF;
    RETURN NULL;
END
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps its triggers of 0014 (a bulk write drops and checks them once: db.bulk)
    op.execute("ALTER TABLE sponsorship DROP CONSTRAINT ex_sponsorship_person_live")
    op.execute(f"CREATE INDEX ix_sponsorship_person_live ON sponsorship (person_id, starts_on) WHERE status IN {LIVE}")
    op.execute(f"CREATE FUNCTION ex_sponsorship_person_live() RETURNS trigger LANGUAGE plpgsql AS $$ {CHECK} $$")
    for event in ("INSERT", "UPDATE"):
        op.execute(f"CREATE TRIGGER ex_sponsorship_person_live_{event.lower()} AFTER {event} ON sponsorship "
                   "REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION ex_sponsorship_person_live()")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if bind.exec_driver_sql(OVERLAP).scalar():
        raise RuntimeError("live sponsorships overlap: release the later of each pair before going back to 0019")
    op.execute("DROP TRIGGER ex_sponsorship_person_live_update ON sponsorship")
    op.execute("DROP TRIGGER ex_sponsorship_person_live_insert ON sponsorship")
    op.execute("DROP FUNCTION ex_sponsorship_person_live()")
    op.execute("DROP INDEX ix_sponsorship_person_live")
    op.execute(f"ALTER TABLE sponsorship ADD CONSTRAINT ex_sponsorship_person_live EXCLUDE USING gist "
               f"(person_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) WHERE (status IN {LIVE})")
