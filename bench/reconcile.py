"""Benchmark: a 100,000-line bank statement against 100,000 pledges, matched and saved on SQLite, each matched line
a confirmed payment with its numbered receipt (target: 5 s).

The floor is reading the same statement alone (python-calamine), measured in the same run.
Usage: python bench/reconcile.py [--quick]
With BHYT_BENCH_POSTGRES=postgresql+psycopg://… the same runs in a new schema of that database, dropped afterwards;
the floor then adds psycopg's COPY of as many rows as the run wrote (target there: at most 3 times the floor).
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import UTC, date, datetime, timedelta

import xlsxwriter
from _demo_database import (  # sets the path and the test-only settings first
    bench_postgres,
    copy_seconds,
    demo_database,
    read_seconds,
    table_rows,
)
from sqlmodel import func, select

from db.bulk import bulk_insert
from db.models import Pledge, Receipt
from donation.access import auth
from donation.payments import reconcile
from donation.pledges import codes as pledge_codes

TODAY = date(2026, 11, 25)


def codes(count: int, rng: random.Random) -> list[str]:
    made: set[str] = set()
    while len(made) < count:
        body = "".join(rng.choice(pledge_codes.ALPHABET) for _ in range(pledge_codes.BODY))
        made.add(pledge_codes.PREFIX + body + pledge_codes.check_character(body))
    return sorted(made)


def statement(pledge_codes_: list[str], rng: random.Random) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Ngày giao dịch", "Số tiền", "Nội dung", "Mã giao dịch"])
    for index, code in enumerate(pledge_codes_):
        day = TODAY - timedelta(days=rng.randint(0, 60))
        # one line in twenty has no code, as real statements do
        text = f"CT DEN:{index:07d} {code.lower() if index % 2 else code} ung ho the BHYT" if index % 20 else \
            f"CT DEN:{index:07d} chuyen tien"
        sheet.write_row(index + 1, 0, [day.strftime("%d/%m/%Y"), rng.choice([500_000, 683_100, 1_366_200]), text,
                                       f"FT{index:010d}"])
    book.close()
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of seconds")
    args = parser.parse_args()
    count = 5_000 if args.quick else 100_000
    rng = random.Random(5)
    all_codes = codes(count, rng)
    data = statement(all_codes, rng)
    floor = read_seconds(data, "bench.xlsx")
    with demo_database(bench_postgres()) as uow:
        officer = auth.find_actor("demo.tinh", uow=uow)
        now = datetime.now(UTC)
        with uow as work:
            bulk_insert(work.session.connection(), Pledge.__table__, [
                {"code": code, "donor_id": 1, "office_code": 66, "province_code": 66, "commune_code": None,
                 "groups": "", "months": 12, "cards": None, "amount": 1_366_200, "paid": 0, "quoted_on": TODAY,
                 "rule_version": "2026-07", "status": "pledged", "status_reason": "", "created_by": None,
                 "created_at": now, "updated_at": now} for code in all_codes])
            work.commit()
        before = table_rows(uow)
        began = time.perf_counter()
        report = reconcile.reconcile(officer, data, "bench.xlsx", today=TODAY, uow=uow)
        seconds = time.perf_counter() - began
        written = table_rows(uow) - before
        database = uow.engine.dialect.name
        if database == "postgresql":
            floor += copy_seconds(uow, written)
        with uow as work:
            receipted = work.session.exec(select(func.count()).select_from(Receipt)).one()
    print(f"lines={report.lines} matched={report.matched} unmatched={report.unmatched} "
          f"amount_matched={report.amount_matched} receipts={receipted}")
    print(f"RESULT database={database} lines={report.lines} matched={report.matched} receipts={receipted} "
          f"written={written} seconds={seconds:.3f} floor_seconds={floor:.3f} ratio={seconds / floor:.1f} "
          f"{'target_ratio=3' if database == 'postgresql' else 'target_seconds=5'}")


if __name__ == "__main__":
    main()
