"""Not a benchmark of its own (`.ci/run` skips files that start with `_`): what the one-live-sponsorship guard
costs an allocation run on SQLite, measured on copies of one database in one process, in turns: with the guard
checked once after the run's rows (as the run does), row by row (the trigger), and without any guard (as before
migration 0014). Usage: python bench/_guard_cost.py [NEEDS] [PLEDGES]."""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time

from _demo_database import demo_database
from allocation import TODAY, populate  # bench/allocation.py

from db.engine import make_engine
from db.uow import UnitOfWork
from donation import allocation, allocation_engine, auth


def run(path: str, mode: str) -> float:
    copy = f"{path}.{mode}"
    shutil.copyfile(path, copy)
    if mode == "none":
        with sqlite3.connect(copy) as connection:
            for name in allocation.LIVE_GUARDS:
                kind = "INDEX" if name.startswith("ix_") else "TRIGGER"
                connection.execute(f"DROP {kind} {name}")
    guards = allocation.LIVE_GUARDS
    if mode == "per-row":
        allocation.LIVE_GUARDS = ()  # nothing to take away: the trigger runs for each row
    engine = make_engine(f"sqlite:///{copy}")
    uow = UnitOfWork(engine)
    try:
        began = time.perf_counter()
        allocation.allocate(auth.find_actor("demo.admin", uow=uow), on=TODAY, uow=uow)
        return time.perf_counter() - began
    finally:
        allocation.LIVE_GUARDS = guards
        engine.dispose()


def main() -> None:
    needs = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    pledges = int(sys.argv[2]) if len(sys.argv) > 2 else needs // 10
    allocation_engine.ready()
    with demo_database() as uow:
        populate(uow, needs, pledges)
        path = str(uow.engine.url.database)
        uow.engine.dispose()
        times: dict[str, list[float]] = {"after": [], "per-row": [], "none": []}
        for mode in ["after", "per-row", "none", "none", "per-row", "after"]:
            times[mode].append(run(path, mode))
    best = {mode: min(seconds) for mode, seconds in times.items()}
    print(f"RESULT needs={needs} checked_after={best['after']:.2f} per_row={best['per-row']:.2f} "
          f"no_guard={best['none']:.2f}")


if __name__ == "__main__":
    main()
