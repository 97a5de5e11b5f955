"""Benchmark: the explanations after an allocation of 200,000 approved needs over all 3,321 communes with 5,000 paid
pledges (the allocation benchmark's data, with less money: most people wait), on SQLite: why everyone in the country waits, one province's waiting list
as Excel, a page of who is funded there, and the statement of the pledge that bought most; against a floor measured
in the same run: a raw sqlite3 read of the rows the waiting list reads.

Usage: python bench/explain.py [--quick]   (--quick: 20,000 needs, 500 pledges)
"""

from __future__ import annotations

import argparse
import resource
import time

from _demo_database import demo_database, raw_read_seconds  # sets the path and the test-only settings first
from allocation import TODAY, populate
from sqlmodel import select

from db.models import Pledge
from donation.access import auth
from donation.allocation import allocation, explain

PROVINCE = 66


def floor_seconds(path: str) -> float:
    return raw_read_seconds(path, (
        "SELECT n.id, n.person_id, n.household_id, n.commune_code, n.province_code, n.group_key, n.priority_score, "
        "n.priority_explanation, n.nominated_at, n.current_card_until, n.approved_until, p.full_name, p.national_id, "
        "p.social_insurance_code, p.birth_date, c.name, c.is_poor, v.name FROM nomination n "
        "JOIN person p ON p.id = n.person_id JOIN commune c ON c.code = n.commune_code "
        "JOIN province v ON v.code = n.province_code WHERE n.status = 'approved' AND n.person_id NOT IN "
        "(SELECT person_id FROM sponsorship WHERE status = 'allocated' AND ends_on >= ?)", (TODAY.isoformat(),)))


def timed(call):
    began = time.perf_counter()
    result = call()
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of seconds")
    args = parser.parse_args()
    needs, pledges = (20_000, 500) if args.quick else (200_000, 5_000)
    with demo_database() as uow:
        populate(uow, needs, pledges)
        admin = auth.find_actor("demo.admin", uow=uow)
        allocation.allocate(admin, on=TODAY, uow=uow)
        country, country_s = timed(lambda: explain.waiting(admin, on=TODAY, limit=50, uow=uow))
        floor = floor_seconds(str(uow.engine.url.database))
        sheet, sheet_s = timed(lambda: explain.export(admin, "waiting", "xlsx", on=TODAY,
                                                                 province=PROVINCE, uow=uow))
        funded, funded_s = timed(lambda: explain.funded(admin, on=TODAY, province=PROVINCE, uow=uow))
        with uow as work:
            code = work.session.exec(select(Pledge.code).order_by(Pledge.allocated.desc())).first()
        statement, statement_s = timed(lambda: explain.statement(admin, code, today=TODAY, uow=uow))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{country.total} waiting in the country {country.counts}; {funded.total} funded in province {PROVINCE}; "
          f"waiting sheet {len(sheet):,} bytes; statement {len(statement):,} bytes")
    print(f"RESULT needs={needs} pledges={pledges} waiting_country_seconds={country_s:.2f} floor_seconds={floor:.2f} "
          f"ratio={country_s / floor:.1f} province_xlsx_seconds={sheet_s:.2f} funded_page_seconds={funded_s:.3f} "
          f"statement_seconds={statement_s:.3f} peak_mb={peak:.0f}")


if __name__ == "__main__":
    main()
