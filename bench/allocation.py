"""Benchmark: allocate 100,000 paid pledges to 1,000,000 approved needs over all 3,321 communes on SQLite, end to end
(read, price, decide, write), against a floor measured in the same run: a raw sqlite3 read of the same rows and a
write of the same number of result rows. Targets: at most 10 s and 1.5 GB peak memory.

Usage: python bench/allocation.py [--quick | --needs N --pledges M]   (--quick: 20,000 needs, 2,000 pledges)
With BHYT_BENCH_POSTGRES=postgresql+psycopg://… the same runs in a new schema of that database, dropped afterwards
(the floor is psycopg's raw read and a COPY of as many rows; target there: at most 2.5 times the floor).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta

from _demo_database import demo_database, raw_read_seconds  # sets the path and the test-only settings first
from sqlmodel import func, select

from db.bulk import bulk_insert
from db.models import Commune, Household, Nomination, Payment, Person, Pledge, Sponsorship
from donation.access import auth
from donation.allocation import allocation
from donation.allocation import engine as allocation_engine

TODAY = date(2026, 11, 25)
GROUPS = ["household"] * 4 + ["near_poor"] * 3 + ["pupil", "student", "farm_household"]


def populate(uow, needs: int, pledges: int) -> None:
    rng = random.Random(11)
    now = datetime.now(UTC)
    with uow as work:
        connection = work.session.connection()
        communes = list(work.session.exec(select(Commune.code, Commune.province_code).order_by(Commune.code)))
        assert work.session.exec(select(func.min(Person.id))).one() is None  # an empty registry: ids from 1
        people, households, nominations = [], [], []
        household = 0
        row = 0
        while row < needs:
            household += 1
            commune, province = communes[household % len(communes)]
            size = min(needs - row, rng.choice([1, 1, 2, 3, 4]))
            households.append({"id": household, "commune_code": commune, "key": f"H{household}", "village": "",
                               "address": "", "created_at": now})
            for _ in range(size):
                row += 1
                birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 20_000))
                people.append({"id": row, "full_name": f"Người {row}", "name_key": f"nguoi {row}",
                               "birth_date": birth, "birth_year_only": False, "gender": None,
                               "national_id": f"{row:012d}", "social_insurance_code": None, "created_at": now})
                nominations.append({
                    "id": row, "person_id": row, "household_id": household, "commune_code": commune,
                    "province_code": province, "group_key": rng.choice(GROUPS), "relation": "", "need_flags": "",
                    "flood_damage": None, "village": "", "school": "", "health_facility": "",
                    "current_card_until": TODAY + timedelta(days=rng.randint(1, 200)) if row % 3 == 0 else None,
                    "reason": "", "consent": True, "status": "approved", "priority_score": rng.randint(0, 20) * 5,
                    "priority_explanation": "", "nominated_by": 1, "nominated_at": now - timedelta(minutes=row),
                    "updated_at": now, "posted_on": None, "objection_until": None, "reviewed_by": 2,
                    "reviewed_at": now, "review_note": "", "approved_until": TODAY + timedelta(days=300),
                    "updated_by": None})
            if len(nominations) >= 100_000 or row == needs:  # in slices: the run's peak memory, not this one's
                bulk_insert(connection, Household.__table__, households)
                bulk_insert(connection, Person.__table__, people)
                bulk_insert(connection, Nomination.__table__, nominations)
                people, households, nominations = [], [], []
        made, paid = [], []
        for index in range(pledges):
            scope = rng.random()
            commune, province = communes[rng.randrange(len(communes))]
            amount = rng.choice([1_366_200, 2_000_000, 5_000_000, 10_000_000, 50_000_000])
            made.append({"id": index + 1, "code": f"BHBENCH{index:07d}", "donor_id": 1,
                         "office_code": 0 if scope < 0.1 else province,
                         "province_code": None if scope < 0.1 else province,
                         "commune_code": commune if scope >= 0.8 else None,
                         "groups": rng.choice(["", "", "near_poor", "pupil;student", "household"]), "months": 12,
                         "cards": None, "amount": amount, "paid": amount, "allocated": 0, "quoted_on": TODAY,
                         "rule_version": "2026-07", "status": "paid", "status_reason": "", "created_by": None,
                         "created_at": now, "updated_at": now})
            paid.append({"pledge_id": index + 1, "office_code": made[-1]["office_code"], "amount": amount,
                         "method": "bank_transfer", "paid_on": TODAY - timedelta(days=rng.randint(0, 90)),
                         "bank_reference": f"FTB{index:09d}", "decision_number": "", "note": "", "source": "statement",
                         "status": "confirmed", "recorded_by": 2, "recorded_at": now, "confirmed_by": 2,
                         "confirmed_at": now, "rejection_reason": ""})
        bulk_insert(connection, Pledge.__table__, made)
        bulk_insert(connection, Payment.__table__, paid)
        work.commit()


GROUP_PLACE = ("CASE n.group_key WHEN 'farm_household' THEN 0 WHEN 'household' THEN 1 WHEN 'near_poor' THEN 2 "
               "WHEN 'poor' THEN 3 WHEN 'pupil' THEN 4 WHEN 'student' THEN 5 END")
NEEDS_READ = ("SELECT n.id, n.person_id, n.household_id, n.commune_code, n.province_code, n.priority_score, "
              "unixepoch(n.nominated_at), coalesce(CAST(replace(n.current_card_until, '-', '') AS INTEGER), 0), "
              f"coalesce(CAST(replace(p.birth_date, '-', '') AS INTEGER), 0), {GROUP_PLACE} FROM nomination n "
              "JOIN person p ON p.id = n.person_id WHERE n.status = 'approved'",  # what an allocation reads, raw
              "SELECT code FROM commune WHERE is_poor")


NEEDS_READ_POSTGRES = (
    "SELECT n.id, n.person_id, n.household_id, n.commune_code, n.province_code, n.priority_score, "
    "CAST(floor(extract(epoch FROM n.nominated_at)) AS BIGINT), "
    "coalesce(CAST(to_char(n.current_card_until, 'YYYYMMDD') AS INTEGER), 0), "
    f"coalesce(CAST(to_char(p.birth_date, 'YYYYMMDD') AS INTEGER), 0), {GROUP_PLACE} FROM nomination n "
    "JOIN person p ON p.id = n.person_id WHERE n.status = 'approved'", NEEDS_READ[1])
PLEDGES_READ = ("SELECT id, paid, allocated, months, province_code, commune_code, groups FROM pledge "
                "WHERE status IN ('partly_paid', 'paid', 'allocated') AND paid > allocated")


def floor_seconds(uow, written: int) -> float:
    """A raw read of the rows the run reads, then a write of as many result rows as it wrote: sqlite3's executemany,
    or psycopg's COPY."""
    if uow.engine.dialect.name == "postgresql":
        return _postgres_floor_seconds(uow, written)
    path = str(uow.engine.url.database)
    read = raw_read_seconds(path, *NEEDS_READ, PLEDGES_READ)
    began = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("CREATE TEMP TABLE floor_result (a INTEGER, b INTEGER, c INTEGER, d TEXT, e INTEGER)")
    connection.executemany("INSERT INTO floor_result VALUES (?, ?, ?, ?, ?)",
                           ((i, i, i * 7, "2026-12-25", 12) for i in range(written)))
    connection.commit()
    connection.close()
    return read + time.perf_counter() - began


def _postgres_floor_seconds(uow, written: int) -> float:
    began = time.perf_counter()
    with uow.engine.connect() as connection:
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:
            for query in (*NEEDS_READ_POSTGRES, PLEDGES_READ):
                cursor.execute(query).fetchall()
            cursor.execute("CREATE TEMP TABLE floor_result (a BIGINT, b BIGINT, c BIGINT, d DATE, e INTEGER)")
            with cursor.copy("COPY floor_result FROM STDIN") as copy:
                for i in range(written):
                    copy.write_row((i, i, i * 7, TODAY, 12))
        driver.commit()
    return time.perf_counter() - began


def sizes(description: str) -> tuple[int, int]:
    """The command line's numbers of needs and pledges (shared with bench/pages.py, which uses this data)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a run of seconds")
    parser.add_argument("--needs", type=int, help="approved needs (default 1,000,000)")
    parser.add_argument("--pledges", type=int, help="paid pledges (default 100,000)")
    args = parser.parse_args()
    needs, pledges = (20_000, 2_000) if args.quick else (1_000_000, 100_000)
    return args.needs or needs, args.pledges or pledges


def main() -> None:
    needs, pledges = sizes(__doc__.splitlines()[0])
    compile_seconds = allocation_engine.ready()  # once per process, before any allocation: not timed here
    engine_seconds: list[float] = []
    engine = allocation.run_engine

    def timed_engine(*args, **kwargs):  # the engine alone, inside the real run
        started = time.perf_counter()
        try:
            return engine(*args, **kwargs)
        finally:
            engine_seconds.append(time.perf_counter() - started)

    allocation.run_engine = timed_engine
    with demo_database(os.environ.get("BHYT_BENCH_POSTGRES")) as uow:
        populate(uow, needs, pledges)
        steps: list[tuple[float, str]] = []
        began = time.perf_counter()
        report = allocation.allocate(auth.find_actor("demo.admin", uow=uow), on=TODAY, uow=uow,
                                     progress=lambda share, step: steps.append((time.perf_counter(), step)))
        seconds = time.perf_counter() - began
        with uow as work:
            written = work.session.exec(select(func.count()).select_from(Sponsorship)).one()
        database = uow.engine.dialect.name
        floor = floor_seconds(uow, written * 2)  # a sponsorship and (at least) one funding line each
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{report.sponsorships} people funded in {report.households_funded} households, "
          f"{report.amount_allocated:,} đồng from {report.pledges_used} pledges; {report.people_waiting} people waiting; digest {report.result_digest[:16]}")
    ends = [at for at, _ in steps[1:]] + [began + seconds]
    print("; ".join(f"{step} {end - at:.2f} s" for (at, step), end in zip(steps, ends, strict=True)))
    print(f"RESULT database={database} needs={needs} pledges={pledges} seconds={seconds:.2f} engine_seconds={sum(engine_seconds):.2f} "
          f"floor_seconds={floor:.2f} ratio={seconds / floor:.1f} peak_mb={peak:.0f} "
          f"engine_load_seconds={compile_seconds:.2f} target_seconds=10 target_peak_mb=1500")


if __name__ == "__main__":
    main()
