"""Benchmark: N simulated users on the service layer at once for a bounded time, on PostgreSQL: donors registering,
pledging, browsing and holding households; commune officials nominating households and importing small lists;
officers recording, confirming and reconciling payments; an administrator running a province's allocation now and
then. Per operation: throughput and p50/p95 latency; at the end the invariants, checked in the database (nobody
funded twice, no pledge over-spent, receipts numbered without gaps per office and year, the audit chain intact, money
in = money recorded). Targets with 50 users: p95 at most 500 ms for pledge, confirm and hold; no invariant broken.

Usage: python bench/load.py [--quick | --users N --seconds S] [--processes P] [--think SECONDS] [--needs N]
   (--quick: 6 users for 8 s; default 50 users for 60 s)
The database: BHYT_BENCH_POSTGRES, else TEST_DATABASE_URL (as in CI), else a SQLite file (the same code path); a new
schema of that database, dropped afterwards. Users run as threads spread over P processes (default: one a core).
An action spends 5 to 25 ms in Python and the rest waiting for PostgreSQL, so the threads of one process overlap
well: on 2 cores shared with PostgreSQL, 50 users in 1 and in 2 processes gave the same figures and 5 processes worse
ones (bench/RESULTS.md). Each user waits a random time (mean --think, default 1 s; 0 for a
closed loop) between actions, as a person does. Passwords are hashed with the test-only fast hash
(BHYT_FAST_PASSWORD_HASH): a registration's argon2id (about 0.15 s of a core) is measured by bench/auth_and_audit.py.
Exits 1 when an invariant is broken or an operation failed with an unexpected error (a 500 in the app).
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import math
import multiprocessing
import os
import random
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import xlsxwriter
from _demo_database import demo_database  # sets the path and the test-only settings first
from sqlalchemy import create_engine, text
from sqlmodel import select

from db.config import normalise_database_url
from db.engine import make_engine
from db.models import Commune, Nomination
from db.uow import UnitOfWork
from demo import people as demo_people
from demo import seed
from donation.access import audit, auth
from donation.access.actors import COMMUNE_OFFICIAL, PROVINCE_OFFICER
from donation.allocation import allocation, holds
from donation.allocation import engine as allocation_engine
from donation.common.dates import today_vn
from donation.common.errors import DonationError
from donation.payments import payments, reconcile
from donation.pledges import donors, pledges
from donation.registry import nominations

TARGETED = ("pledge", "confirm", "hold")
TARGET_MS = 500
PASSWORD = "Mat-khau-tai-thu-2026"
LIVE = "('allocated', 'purchased', 'carded')"


@dataclass(frozen=True)
class Plan:
    """What the parent prepared and every process needs (picklable)."""

    url: str
    today: date
    deadline: float  # time.time() after which no user starts an action
    think: float
    allocate_every: float  # seconds between the administrator's allocation runs
    roles: list[tuple[int, str, str, int, int | None]]  # (user, role, username, province, commune)
    provinces: list[int]  # those with officers: pledges go there, so that someone confirms their money


@dataclass
class Tally:
    samples: list[tuple[str, float, str]] = field(default_factory=list)  # (operation, milliseconds, outcome)
    refusals: Counter = field(default_factory=Counter)  # (operation, message start) -> count
    errors: list[str] = field(default_factory=list)  # unexpected exceptions, with their traceback


class User:
    def __init__(self, plan: Plan, engine, spec: tuple, tally: Tally, lock: threading.Lock):
        self.plan, self.tally, self.lock = plan, tally, lock
        self.index, self.role, self.username, self.province, self.commune = spec
        self.rng = random.Random(self.index * 7919 + 1)
        self.uow = UnitOfWork(engine)
        self.actor = None
        self.pledges: list[str] = []
        self.serial = 0

    def timed(self, name: str, call, *args, **kwargs):
        began = time.perf_counter()
        outcome, result = "ok", None
        try:
            result = call(*args, **kwargs)
        except DonationError as error:
            outcome = "refused"
            with self.lock:
                self.tally.refusals[(name, str(error)[:70])] += 1
        except Exception:  # noqa: BLE001 - a defect under load is what this benchmark looks for
            outcome = "error"
            with self.lock:
                self.tally.errors.append(f"{name} by {self.username}:\n{traceback.format_exc()}")
        elapsed = (time.perf_counter() - began) * 1000
        with self.lock:
            self.tally.samples.append((name, elapsed, outcome))
        return result

    def run(self) -> None:
        # users arrive over the first moments; the allocation runs first a while after they start
        time.sleep(min(self.plan.allocate_every / 2, self.plan.deadline - time.time()) if self.role == "allocator"
                   else self.rng.uniform(0, max(self.plan.think, 0.2)))
        if self.role != "donor":
            self.actor = auth.find_actor(self.username, uow=self.uow)
        while time.time() < self.plan.deadline:
            getattr(self, self.role)()
            pause = self.rng.expovariate(1 / self.plan.think) if self.plan.think > 0 else 0
            if self.role == "allocator":
                pause = self.plan.allocate_every
            time.sleep(min(pause, max(0.0, self.plan.deadline - time.time())))

    # donors ----------------------------------------------------------------------------------------------------
    def donor(self) -> None:
        if self.actor is None:
            email = {"email": f"{self.username}@example.com"} if self.index % 2 else {}
            self.actor = self.timed("register", donors.register, kind="individual", username=self.username,
                                    password=PASSWORD, public=self.index % 3 == 0, today=self.plan.today,
                                    uow=self.uow, fields={"name": f"Nhà tài trợ {self.index}",
                                                          "phone": f"09{10_000_000 + self.index:08d}", **email})
            return
        choice = self.rng.random()
        if not self.pledges or choice < 0.35:
            province = self.plan.provinces[0] if self.rng.random() < 0.6 else self.rng.choice(self.plan.provinces)
            row = self.timed("pledge", pledges.create_pledge, self.actor, today=self.plan.today, uow=self.uow,
                             amount=self.rng.choice([1_366_200, 2_000_000, 5_000_000, 10_000_000]),
                             province_code=province, groups=self.rng.choice([[], [], ["near_poor"], ["household"]]))
            if row is not None:
                self.pledges.append(row.code)
        elif choice < 0.8:
            code = self.pledges[-1] if self.rng.random() < 0.7 else self.rng.choice(self.pledges)
            shown = self.timed("browse", holds.browse, self.actor, code, on=self.plan.today, uow=self.uow)
            if shown and shown.households:
                picked = self.rng.sample(shown.households, k=min(len(shown.households), self.rng.randint(1, 3)))
                self.timed("hold", holds.hold, self.actor, code, [h.household_id for h in picked], uow=self.uow)
        else:
            self.timed("my_pledges", pledges.list_pledges, self.actor, uow=self.uow)

    # officers --------------------------------------------------------------------------------------------------
    def officer(self) -> None:
        choice = self.rng.random()
        if choice < 0.4:
            found = self.timed("list_pledges", pledges.list_pledges, self.actor, status="pledged", uow=self.uow)
            if found and found[0]:
                row = self.rng.choice(found[0])
                self.serial += 1
                cash = self.rng.random() < 0.3
                self.timed("record_payment", payments.record_payment, self.actor, row.code,
                           amount=row.amount if self.rng.random() < 0.8 else row.amount // 2,
                           method="cash" if cash else "bank_transfer", paid_on=self.plan.today,
                           today=self.plan.today, bank_reference="" if cash else f"LD{self.index}M{self.serial}",
                           uow=self.uow)
        elif choice < 0.8:
            waiting = self.timed("awaiting", payments.awaiting_confirmation, self.actor, uow=self.uow)
            theirs = [p for p in waiting or [] if p.recorded_by != self.actor.user_id]
            if theirs:
                self.timed("confirm", payments.confirm_payment, self.actor, self.rng.choice(theirs[:20]).id,
                           uow=self.uow)
        else:
            found = self.timed("list_pledges", pledges.list_pledges, self.actor, status="pledged", uow=self.uow)
            rows = self.rng.sample(found[0], k=min(len(found[0]), 10)) if found else []
            buffer = io.StringIO()
            lines = [["Ngày giao dịch", "Số tiền", "Nội dung", "Mã giao dịch"]]
            for row in rows:
                self.serial += 1
                lines.append([f"{self.plan.today:%d/%m/%Y}", row.amount, f"CT DEN {row.code} ung ho the BHYT",
                              f"LD{self.index}S{self.serial}"])
            self.serial += 1
            lines.append([f"{self.plan.today:%d/%m/%Y}", 300_000, "CHUYEN TIEN UNG HO", f"LD{self.index}S{self.serial}"])
            csv.writer(buffer).writerows(lines)
            self.timed("reconcile", reconcile.reconcile, self.actor, buffer.getvalue().encode(), "sao-ke.csv",
                       today=self.plan.today, uow=self.uow)

    # commune officials -----------------------------------------------------------------------------------------
    def _people(self, count: int) -> list[dict]:
        made = demo_people.households(count, {self.province: [self.commune]}, seed=self.rng.randrange(10**9),
                                      today=self.plan.today)
        cells = []
        for person in made:
            self.serial += 1  # a national identifier nobody else has: 500,000 and up, 2,000 for each user
            number = 500_000 + self.index * 2_000 + self.serial % 2_000
            key = f"L{self.index}K{self.serial}{person.cells['household_key']}"
            cells.append({**person.cells, "national_id": person.cells["national_id"][:-6] + f"{number:06d}",
                          "household_key": key})
        return cells

    def commune_official(self) -> None:
        choice = self.rng.random()
        if choice < 0.6:
            members = self._people(self.rng.randint(1, 5))
            first_key = members[0]["household_key"]
            self.timed("nominate", nominations.nominate_household, self.actor, commune_code=self.commune,
                       members=[m for m in members if m["household_key"] == first_key], consent=True,
                       today=self.plan.today, uow=self.uow)
        elif choice < 0.9:
            rows = self._people(self.rng.randint(10, 30))
            buffer = io.BytesIO()
            book = xlsxwriter.Workbook(buffer, {"in_memory": True})
            sheet = book.add_worksheet()
            keys = list(rows[0])
            sheet.write_row(0, 0, keys)
            for number, row in enumerate(rows, start=1):
                sheet.write_row(number, 0, [row[key] for key in keys])
            book.close()
            self.timed("import", nominations.import_nominations, self.actor, buffer.getvalue(), "danh-sach.xlsx",
                       commune_code=self.commune, consent=True, confirm_similar=True, today=self.plan.today,
                       uow=self.uow)
        else:
            self.timed("list_nominations", nominations.list_nominations, self.actor, commune_code=self.commune,
                       uow=self.uow)

    # the allocation --------------------------------------------------------------------------------------------
    def allocator(self) -> None:
        province = self.plan.provinces[self.serial % len(self.plan.provinces)]
        self.serial += 1
        self.timed("allocate", allocation.allocate, self.actor, on=self.plan.today, province=province, uow=self.uow)


def worker_engine(url: str, threads: int):
    """This process's engine: the app's own (db.engine.make_engine) for SQLite; for PostgreSQL the same settings with
    a pool as large as the process's threads (the app's default pool of 5 and 10 more would make them queue)."""
    if url.startswith("sqlite"):
        return make_engine(url)
    return create_engine(normalise_database_url(url), pool_pre_ping=True, hide_parameters=True,
                         connect_args={"connect_timeout": 5}, pool_size=threads, max_overflow=5)


def run_process(plan: Plan, specs: list[tuple], results) -> None:
    engine = worker_engine(plan.url, len(specs))
    tally, lock = Tally(), threading.Lock()
    users = [User(plan, engine, spec, tally, lock) for spec in specs]
    threads = [threading.Thread(target=user.run, daemon=True) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    results.put((tally.samples, dict(tally.refusals), tally.errors))


def roles(users: int, provinces: list[int], communes: dict[int, list[int]]) -> tuple[list[tuple], list[int]]:
    """Who each simulated user is: one administrator allocating, then officers (at least two an office, so that
    one confirms what the other recorded), commune officials, and donors (half of everybody)."""
    officers = max(2, round(users * 0.25))
    officials = max(1, round(users * 0.2))
    donors_ = max(1, users - 1 - officers - officials)
    offices = provinces[:max(1, officers // 2)]
    specs: list[tuple] = [(0, "allocator", "demo.admin", offices[0], None)]
    for n in range(officers):
        specs.append((len(specs), "officer", f"load.canbo.{n}", offices[n % len(offices)], None))
    for n in range(officials):
        province = offices[n % len(offices)]
        specs.append((len(specs), "commune_official", f"load.xa.{n}", province,
                      communes[province][n // len(offices) % len(communes[province])]))
    for n in range(donors_):
        specs.append((len(specs), "donor", f"load.nhataitro.{n}", offices[0], None))
    return specs, offices


def prepare(uow: UnitOfWork, needs: int, users: int, today: date) -> tuple[list[tuple], list[int]]:
    """Approved people to hold and fund and pledges waiting for their money (the demo's, made through the real
    services), and the officials' accounts."""
    seed.seed_demo(seed=7, nominations=needs, pledges=max(20, needs // 20), uow=uow, today=today)
    with uow as work:
        places = work.session.exec(select(Nomination.province_code, Nomination.commune_code).distinct()).all()
        known = set(work.session.exec(select(Commune.code)))
    communes: dict[int, list[int]] = defaultdict(list)
    for province, commune in sorted(places):
        if commune in known:
            communes[province].append(commune)
    provinces = sorted(communes, key=lambda p: (-demo_people.PROVINCE_WEIGHTS.get(p, 0), p))
    specs, offices = roles(users, provinces, communes)
    admin = auth.find_actor("demo.admin", uow=uow)
    for _, role, username, province, commune in specs:
        if role in ("officer", "commune_official"):
            auth.create_user(admin, username=username, password=PASSWORD, display_name=username,
                             role=PROVINCE_OFFICER if role == "officer" else COMMUNE_OFFICIAL,
                             province_code=province, commune_code=commune, uow=uow)
    return specs, offices


CHECKS = {
    "nobody funded twice (pairs of live sponsorships of one person on the same days)":
        f"SELECT count(*) FROM sponsorship a JOIN sponsorship b ON a.person_id = b.person_id AND a.id < b.id "
        f"WHERE a.status IN {LIVE} AND b.status IN {LIVE} AND a.starts_on <= b.ends_on AND b.starts_on <= a.ends_on",
    "no pledge over-spent (pledges whose live funding lines exceed their money received)":
        f"SELECT count(*) FROM pledge p WHERE p.paid < (SELECT coalesce(sum(f.amount), 0) FROM funding_line f "
        f"JOIN sponsorship s ON s.id = f.sponsorship_id WHERE f.pledge_id = p.id AND s.status IN {LIVE})",
    "allocated = live funding lines (pledges where they differ)":
        f"SELECT count(*) FROM pledge p WHERE p.allocated != (SELECT coalesce(sum(f.amount), 0) FROM funding_line f "
        f"JOIN sponsorship s ON s.id = f.sponsorship_id WHERE f.pledge_id = p.id AND s.status IN {LIVE})",
    "receipts gapless (office-years whose numbers are not 1..n)":
        "SELECT count(*) FROM (SELECT office_code, year FROM receipt GROUP BY office_code, year "
        "HAVING min(sequence) != 1 OR max(sequence) != count(*) OR count(DISTINCT sequence) != count(*)) gaps",
    "money in = money recorded (pledges whose paid differs from their confirmed payments)":
        "SELECT count(*) FROM pledge p WHERE p.paid != (SELECT coalesce(sum(amount), 0) FROM payment "
        "WHERE pledge_id = p.id AND status = 'confirmed')",
    "every confirmed payment has one receipt in force of its amount (payments without)":
        "SELECT count(*) FROM payment pa WHERE pa.status = 'confirmed' AND 1 != (SELECT count(*) FROM receipt r "
        "WHERE r.payment_id = pa.id AND r.status != 'voided' AND r.amount = pa.amount)",
    "no payment unconfirmed yet receipted (receipts in force of payments not confirmed)":
        "SELECT count(*) FROM receipt r JOIN payment pa ON pa.id = r.payment_id "
        "WHERE r.status != 'voided' AND pa.status != 'confirmed'",
    "statement lines counted once (bank references used by two payments of one office)":
        "SELECT count(*) FROM (SELECT office_code, bank_reference FROM payment WHERE bank_reference != '' "
        "GROUP BY office_code, bank_reference HAVING count(*) > 1) twice",
    "one hold in force per household (households held twice)":
        "SELECT count(*) FROM (SELECT household_id FROM hold WHERE status = 'active' GROUP BY household_id "
        "HAVING count(*) > 1) twice",
    # (an over-paid pledge may spend more than its amount once it holds nothing: no active hold, no row here)
    "holds within the pledge (pledges holding more than their amount less what is allocated)":
        "SELECT count(*) FROM pledge p WHERE p.status IN ('pledged', 'partly_paid', 'paid') AND p.amount - p.allocated "
        "< (SELECT sum(amount) FROM hold h WHERE h.pledge_id = p.id AND h.status = 'active')",
}


# For a broken invariant, the rows behind it (a few), printed to find the cause.
DETAILS = {
    "holds within the pledge (pledges holding more than their amount less what is allocated)":
        "SELECT p.id, p.amount, p.paid, p.allocated, p.status, (SELECT sum(amount) FROM hold h WHERE h.pledge_id = p.id "
        "AND h.status = 'active') AS holding, (SELECT count(*) FROM hold h WHERE h.pledge_id = p.id "
        "AND h.status = 'funded') AS funded_holds, (SELECT sum(amount) FROM hold h WHERE h.pledge_id = p.id "
        "AND h.status = 'funded') AS funded_held FROM pledge p WHERE p.status IN ('pledged', 'partly_paid', 'paid') "
        "AND p.amount - p.allocated < (SELECT sum(amount) FROM hold h WHERE h.pledge_id = p.id "
        "AND h.status = 'active') LIMIT 5",
}


def invariants(uow: UnitOfWork) -> dict[str, int | str]:
    """Each invariant's count of offending rows (0: kept), and the audit chain's check."""
    found: dict[str, int | str] = {}
    with uow as work:
        connection = work.session.connection()
        for name, query in CHECKS.items():
            found[name] = connection.execute(text(query)).scalar()
            if found[name] and name in DETAILS:
                print(f"{name}:")
                for row in connection.execute(text(DETAILS[name])):
                    print(f"  {dict(row._mapping)}")
        chain = audit.verify(work.session, anchored=False)
        found["audit chain intact"] = 0 if chain.ok else f"broken at {chain.first_bad}: {chain.reason}"
        found["_events"] = chain.events
        counts = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                  for table in ("pledge", "payment", "receipt", "sponsorship", "hold", "nomination", "donor")}
    return {**found, **{f"_{table}": count for table, count in counts.items()}}


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 users for 8 s")
    parser.add_argument("--users", type=int, help="simulated users (default 50)")
    parser.add_argument("--seconds", type=float, help="how long they act (default 60)")
    parser.add_argument("--processes", type=int, help="processes the users' threads are spread over")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a user waits between actions")
    parser.add_argument("--allocate-every", type=float, help="seconds between allocation runs (default 20; quick 3)")
    parser.add_argument("--needs", type=int, help="approved demo people to hold and fund (default 3,000)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # receipts not e-mailed (no mail server here): a warning for each
    users = args.users or (6 if args.quick else 50)
    seconds = args.seconds or (8 if args.quick else 60)
    needs = args.needs or (300 if args.quick else 3_000)
    processes = max(1, min(users, args.processes or os.cpu_count() or 1))
    url = os.environ.get("BHYT_BENCH_POSTGRES") or os.environ.get("TEST_DATABASE_URL")
    allocation_engine.ready()  # loaded (or compiled) once, before the processes fork: they inherit it
    today = today_vn()
    with demo_database(url) as uow:
        began = time.perf_counter()
        specs, offices = prepare(uow, needs, users, today)
        database = uow.engine.dialect.name
        worker_url = uow.engine.url.render_as_string(hide_password=False)
        print(f"{database}: {needs:,} demo people, {len(specs)} users ({Counter(s[1] for s in specs)}) over "
              f"{processes} processes, offices {offices}; prepared in {time.perf_counter() - began:.1f} s")
        uow.engine.dispose()  # no connection crosses the fork
        plan = Plan(worker_url, today, time.time() + seconds, args.think,
                    args.allocate_every or (3 if args.quick else 20), specs, offices)
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        shares = [specs[n::processes] for n in range(processes)]
        workers = [context.Process(target=run_process, args=(plan, share, results)) for share in shares if share]
        started = time.time()
        for worker in workers:
            worker.start()
        gathered = [results.get() for _ in workers]
        for worker in workers:
            worker.join()
        elapsed = time.time() - started
        began = time.perf_counter()
        found = invariants(uow)
        print(f"users acted for {elapsed:.1f} s; invariants checked in {time.perf_counter() - began:.1f} s")
    samples = [s for part in gathered for s in part[0]]
    refusals: Counter = Counter()
    errors: list[str] = []
    for _, refused, failed in gathered:
        refusals.update(refused)
        errors += failed
    by_op: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for name, ms, outcome in samples:
        by_op[name].append((ms, outcome))
    print(f"{'operation':<17}{'count':>7}{'ok':>7}{'refused':>8}{'errors':>7}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'max ms':>9}")
    p95: dict[str, float] = {}
    for name in sorted(by_op):
        times = [ms for ms, outcome in by_op[name] if outcome != "error"]
        outcomes = Counter(outcome for _, outcome in by_op[name])
        p95[name] = percentile(times, 0.95)
        print(f"{name:<17}{len(by_op[name]):>7}{outcomes['ok']:>7}{outcomes['refused']:>8}{outcomes['error']:>7}"
              f"{len(by_op[name]) / elapsed:>8.1f}{percentile(times, 0.5):>9.0f}{p95[name]:>9.0f}"
              f"{max(times, default=float('nan')):>9.0f}")
    for (name, message), count in refusals.most_common(8):
        print(f"  refused {count}× {name}: {message}")
    for error in errors[:3]:
        print(error, file=sys.stderr)
    print("invariants:")
    broken = []
    for name, value in found.items():
        if name.startswith("_"):
            continue
        print(f"  {'ok    ' if value == 0 else 'BROKEN'} {name}: {value}")
        if value != 0:
            broken.append(name)
    print("rows at the end: " + ", ".join(f"{name[1:]} {value:,}" for name, value in found.items()
                                          if name.startswith("_")))
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} on "
          f"{os.cpu_count()} cores")
    met = all(p95.get(name, float("inf")) <= TARGET_MS for name in TARGETED)
    print(f"RESULT database={database} users={len(specs)} seconds={elapsed:.0f} processes={len(workers)} "
          f"think_s={args.think:g} load_1m={os.getloadavg()[0]:.1f} ops={len(samples)} ops_per_s={len(samples) / elapsed:.1f} "
          + " ".join(f"{name}_p95_ms={p95.get(name, float('nan')):.0f}" for name in TARGETED)
          + f" errors={len(errors)} invariants={'ok' if not broken else 'broken:' + str(len(broken))} "
          f"target_p95_ms={TARGET_MS} target_met={'yes' if met else 'no'}")
    if broken or errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
