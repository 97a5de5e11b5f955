"""Benchmark: premium quotes per second and `init` time, each beside a floor measured in the same run.

Floors: for quotes, the bare integer arithmetic of the same premiums (no rule lookup, no notes); for init, inserting
the same provinces and communes with sqlite3's executemany into an empty file (no ORM, no migrations).
Usage: python bench/premium_and_init.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vietnam_provinces import Province as VnProvince  # noqa: E402
from vietnam_provinces import Ward as VnWard  # noqa: E402

from db.engine import make_engine  # noqa: E402
from donation.premium import rule_data
from donation.premium.calculator import ALLOWED_MONTHS, RuleBook, quote_premium  # noqa: E402
from donation.upkeep.setup import initialise  # noqa: E402


def requests(count: int, seed: int = 7):
    rng = random.Random(seed)
    rules = RuleBook(rule_data.RULE_VERSIONS, {g.key: g for g in rule_data.GROUPS}, rule_data.TOP_UPS)
    start = date(2019, 7, 1)
    work = []
    for _ in range(count):
        on = start + timedelta(days=rng.randint(0, 2700))
        groups = list(rules.version_on(on).shares)  # a group the 2025 law added is quoted from 1/7/2025 on
        work.append((rng.choice(groups), rng.randint(1, 6), rng.choice(ALLOWED_MONTHS), on,
                     rng.choice([None, 15, 66, 79, 96])))
    return work


def bench_quotes(count: int) -> tuple[float, float]:
    rules = RuleBook(rule_data.RULE_VERSIONS, {g.key: g for g in rule_data.GROUPS}, rule_data.TOP_UPS)
    work = requests(count)
    began = time.perf_counter()
    for group, members, months, on, province in work:
        quote_premium(rules, group=group, members=members, months=months, on=on, cover_from=on,
                      province_code=province)
    ours = count / (time.perf_counter() - began)

    base, rate, ladder = 2_340_000, 450, rule_data.LADDER_BP
    began = time.perf_counter()
    for _group, members, months, _on, _province in work:
        sum((base * rate * months * ladder[min(m, 5) - 1] * 2 + 10**8) // (2 * 10**8) for m in range(1, members + 1))
    floor = count / (time.perf_counter() - began)
    return ours, floor


def bench_init(folder: Path) -> tuple[float, float, float]:
    engine = make_engine(f"sqlite:///{folder / 'init.db'}")
    began = time.perf_counter()
    initialise(engine)
    first = time.perf_counter() - began
    began = time.perf_counter()
    initialise(engine)
    again = time.perf_counter() - began
    engine.dispose()

    began = time.perf_counter()
    connection = sqlite3.connect(folder / "floor.db")
    connection.execute("CREATE TABLE province (code INTEGER PRIMARY KEY, name TEXT, division_type TEXT, codename TEXT)")
    connection.execute("CREATE TABLE commune (code INTEGER PRIMARY KEY, province_code INTEGER, name TEXT, "
                       "division_type TEXT, codename TEXT, is_poor INTEGER)")
    connection.executemany("INSERT INTO province VALUES (?, ?, ?, ?)",
                           [(p.code.value, p.name, p.division_type.value, p.codename) for p in VnProvince.iter_all()])
    connection.executemany("INSERT INTO commune VALUES (?, ?, ?, ?, ?, 0)",
                           [(w.code.value, w.province_code.value, w.name, w.division_type.value, w.codename)
                            for w in VnWard.iter_all()])
    connection.commit()
    connection.close()
    floor = time.perf_counter() - began
    return first, again, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of seconds")
    args = parser.parse_args()
    count = 5_000 if args.quick else 100_000
    ours, floor = bench_quotes(count)
    with tempfile.TemporaryDirectory() as folder:
        first, again, init_floor = bench_init(Path(folder))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"quotes: {ours:,.0f}/s (floor, bare arithmetic: {floor:,.0f}/s) over {count:,} random requests")
    print(f"init on an empty SQLite file: {first:.2f} s, again: {again:.2f} s "
          f"(floor, raw executemany of the same units: {init_floor:.3f} s)")
    print(f"RESULT quotes_per_s={ours:.0f} quotes_floor_per_s={floor:.0f} init_s={first:.3f} "
          f"init_again_s={again:.3f} init_floor_s={init_floor:.3f} peak_rss_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
