"""Benchmark: the national daily report (with the previous day's, for the change) over 1,000,000 approved needs in
all 3,321 communes, after a real allocation of 100,000 paid pledges, purchase batches paid in five provinces and the
cards of one imported, on SQLite; against a floor measured in the same run: a plain GROUP BY of the same rows
(nominations, sponsorships, funding lines, pledges, payments, cards) with raw sqlite3. Target: at most 1 s.

Usage: python bench/report.py [--quick | --needs N --pledges M]   (--quick: 20,000 needs, 2,000 pledges)
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from _demo_database import demo_database  # sets the path and the test-only settings first
from allocation import TODAY, populate
from sqlmodel import select

from db.bulk import bulk_insert
from db.models import Card, Sponsorship
from donation.access import auth
from donation.allocation import allocation
from donation.cards import cards
from donation.reporting import reports

PROVINCES = (66, 46, 48, 51, 52)


def floor_seconds(path: str) -> float:
    """The same rows grouped the plainest way: no dates, no joins."""
    began = time.perf_counter()
    connection = sqlite3.connect(path)
    for sql in ("SELECT province_code, status, COUNT(*) FROM nomination GROUP BY province_code, status",
                "SELECT province_code, group_key, COUNT(*) FROM sponsorship GROUP BY province_code, group_key",
                "SELECT pledge_id, SUM(amount) FROM funding_line GROUP BY pledge_id",
                "SELECT office_code, SUM(amount), SUM(paid) FROM pledge GROUP BY office_code",
                "SELECT office_code, SUM(amount) FROM payment GROUP BY office_code",
                "SELECT batch_id, COUNT(*) FROM card GROUP BY batch_id"):
        connection.execute(sql).fetchall()
    connection.close()
    return time.perf_counter() - began


def buy_cards(uow, admin) -> None:
    """A batch per province in PROVINCES, paid the day after allocation; the first one's cards imported."""
    first = None
    for province in PROVINCES:
        batch = cards.create_batch(admin, province=province, uow=uow, today=TODAY)
        cards.record_payment(admin, batch.id, paid_on=TODAY, reference=f"UNC {province}", uow=uow, today=TODAY)
        first = first or batch.id
    now = datetime.now(UTC)
    with uow as work:
        rows = work.session.exec(select(Sponsorship.id, Sponsorship.person_id, Sponsorship.starts_on,
                                        Sponsorship.ends_on).where(Sponsorship.batch_id == first)).all()
        bulk_insert(work.session.connection(), Card.__table__, [
            {"sponsorship_id": s, "batch_id": first, "person_id": p, "number": f"79{p:08d}", "object_code": "GD",
             "benefit_level": 4, "valid_from": start, "valid_to": end, "file_name": "bench.xlsx", "imported_by": None,
             "imported_at": now} for s, p, start, end in rows])
        work.session.connection().exec_driver_sql(
            f"UPDATE sponsorship SET status = 'carded' WHERE batch_id = {int(first)}")
        work.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of seconds")
    parser.add_argument("--needs", type=int, help="approved needs (default 1,000,000)")
    parser.add_argument("--pledges", type=int, help="paid pledges (default 100,000)")
    args = parser.parse_args()
    needs, pledges = (20_000, 2_000) if args.quick else (1_000_000, 100_000)
    needs, pledges = args.needs or needs, args.pledges or pledges
    with demo_database() as uow:
        populate(uow, needs, pledges)
        admin = auth.find_actor("demo.admin", uow=uow)
        allocation.allocate(admin, on=TODAY, uow=uow)
        buy_cards(uow, admin)
        national = auth.find_actor("demo.quocgia", uow=uow)
        day = TODAY + timedelta(days=7)
        began = time.perf_counter()
        reports.daily(national, on=day, uow=uow)  # the first report after a run counts the run once (ReportTally)
        first_s = time.perf_counter() - began
        times = []
        for _ in range(3):
            began = time.perf_counter()
            report = reports.daily(national, on=day, uow=uow)
            times.append(time.perf_counter() - began)
        floors = [floor_seconds(str(uow.engine.url.database)) for _ in range(3)]
        began = time.perf_counter()
        reports.daily(auth.find_actor("demo.tinh", uow=uow), on=day, province=66, uow=uow)
        province_s = time.perf_counter() - began
    seconds, floor = min(times), min(floors)
    f = report.figures
    print(f"{f.people_approved:,} approved, {f.people_funded:,} funded, {f.people_carded:,} carded; "
          f"{f.received:,} đồng received, {f.allocated:,} allocated, {f.spent:,} spent; "
          f"runs {', '.join(f'{t:.2f}' for t in times)} s; the first, counting the run and batches once, "
          f"{first_s:.2f} s; a province's report {province_s:.2f} s")
    print(f"RESULT needs={needs} seconds={seconds:.2f} floor_seconds={floor:.2f} ratio={seconds / floor:.2f} "
          f"first_report_seconds={first_s:.2f} target_seconds=1")


if __name__ == "__main__":
    main()
