"""Benchmark: sign-in latency and audit appends per second, each beside a floor measured in the same run.

Floors: for sign-in, one argon2id verification with the same parameters (the cost we choose to pay); for the audit
log, inserting the same rows without the hash chain. Usage: python bench/auth_and_audit.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BHYT_SECRET_KEY", "bench-secret-" + "x" * 40)

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import text  # noqa: E402

from db.engine import make_engine  # noqa: E402
from db.uow import UnitOfWork  # noqa: E402
from demo import seed
from donation.access import audit, auth
from donation.access.actors import SYSTEM_ACTOR  # noqa: E402
from donation.upkeep.setup import initialise  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of seconds")
    args = parser.parse_args()
    sign_ins, events = (3, 300) if args.quick else (20, 5000)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        initialise(engine)
        uow = UnitOfWork(engine)
        seed.seed_demo(uow=uow)

        took = []
        for _ in range(sign_ins):
            began = time.perf_counter()
            auth.sign_in("demo.tinh", seed.DEMO_PASSWORD, uow=uow)
            took.append(time.perf_counter() - began)
        hasher = PasswordHasher()
        stored = hasher.hash(seed.DEMO_PASSWORD)
        floor = []
        for _ in range(sign_ins):
            began = time.perf_counter()
            hasher.verify(stored, seed.DEMO_PASSWORD)
            floor.append(time.perf_counter() - began)

        began = time.perf_counter()
        with uow as work:
            for index in range(events):
                audit.record(work.session, SYSTEM_ACTOR, "bench", "bench", index, after={"n": index})
            work.commit()
        chained = events / (time.perf_counter() - began)
        began = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE plain (seq INTEGER, at TEXT, actor TEXT, action TEXT, after TEXT)"))
            for index in range(events):
                connection.execute(text("INSERT INTO plain VALUES (:s, '2026-11-25', 'system', 'bench', :a)"),
                                   {"s": index, "a": f'{{"n":{index}}}'})
        plain = events / (time.perf_counter() - began)
        began = time.perf_counter()
        with uow as work:
            check = audit.verify(work.session)
        verify_s = time.perf_counter() - began
        engine.dispose()
    sign_in_ms, floor_ms = statistics.median(took) * 1000, statistics.median(floor) * 1000
    print(f"sign-in: {sign_in_ms:.0f} ms median of {sign_ins} (floor, one argon2id verify: {floor_ms:.0f} ms)")
    print(f"audit appends: {chained:,.0f}/s (floor, same rows without the chain: {plain:,.0f}/s); "
          f"verifying {check.events:,} events: {verify_s:.2f} s, ok={check.ok}")
    print(f"RESULT sign_in_ms={sign_in_ms:.0f} sign_in_floor_ms={floor_ms:.0f} audit_appends_per_s={chained:.0f} "
          f"audit_floor_per_s={plain:.0f} audit_verify_s={verify_s:.3f} audit_events={check.events}")


if __name__ == "__main__":
    main()
