"""Benchmark: print 10,000 receipts into one PDF (read, sign, draw with the QR), against the same pages drawn
without the QR (the floor), in the same run. Target: at least 50% of the floor's rate.

The receipts are made the real way: a statement of 10,000 lines reconciled against 10,000 pledges.
Usage: python bench/receipts.py [--quick]
With BHYT_BENCH_POSTGRES=postgresql+psycopg://… the same runs in a new schema of that database, dropped afterwards.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import time
from datetime import UTC, date, datetime, timedelta

from _demo_database import bench_postgres, demo_database  # sets the path and the test-only settings first
from sqlmodel import select

from db.bulk import bulk_insert
from db.models import Pledge, Receipt
from donation.access import auth
from donation.common.pdf import register_fonts
from donation.payments import receipts, reconcile
from donation.payments.receipt_pdf import receipts_pdf
from donation.pledges import codes as pledge_codes
from donation.pledges import donors

TODAY = date(2026, 11, 25)


def setup(uow, count: int) -> None:
    rng = random.Random(7)
    codes: set[str] = set()
    while len(codes) < count:
        body = "".join(rng.choice(pledge_codes.ALPHABET) for _ in range(pledge_codes.BODY))
        codes.add(pledge_codes.PREFIX + body + pledge_codes.check_character(body))
    now = datetime.now(UTC)
    with uow as work:
        bulk_insert(work.session.connection(), Pledge.__table__, [
            {"code": code, "donor_id": 1 + index % 3, "office_code": 66, "province_code": 66,
             "commune_code": 22276 if index % 5 == 0 else None, "groups": rng.choice(["", "near_poor", "pupil;student"]),
             "months": 12, "cards": None, "amount": 1_366_200, "paid": 0, "quoted_on": TODAY, "rule_version": "2026-07",
             "status": "pledged", "status_reason": "", "created_by": None, "created_at": now, "updated_at": now}
            for index, code in enumerate(sorted(codes))])
        work.commit()
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(["Ngày giao dịch", "Số tiền", "Nội dung", "Mã giao dịch"])
    for index, code in enumerate(sorted(codes)):
        writer.writerow([f"{TODAY - timedelta(days=rng.randint(0, 60)):%d/%m/%Y}",
                         rng.choice([500_000, 683_100, 1_366_200]), f"CT DEN {code} ung ho the BHYT", f"FT{index:010d}"])
    officer = auth.find_actor("demo.tinh", uow=uow)
    report = reconcile.reconcile(officer, lines.getvalue().encode(), "bench.csv", today=TODAY, uow=uow)
    assert report.matched == count, report.as_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of seconds")
    args = parser.parse_args()
    count = 500 if args.quick else 10_000
    with demo_database(bench_postgres()) as uow:
        officer = auth.find_actor("demo.tinh", uow=uow)
        # the demo donor exists; two walk-ins make three donors for the pledges
        donors.create_donor(officer, kind="organisation", public=True, today=TODAY, uow=uow, fields={
            "name": "Công ty TNHH Sông Ba", "tax_code": "5500123456", "representative": "Lê Văn An",
            "address": "Buôn Ma Thuột"})
        donors.create_donor(officer, kind="individual", public=False, today=TODAY, uow=uow,
                            fields={"name": "Nguyễn Thị Mai", "phone": "0912345678"})
        setup(uow, count)
        register_fonts()  # once per process, for both runs alike
        began = time.perf_counter()
        printed = receipts.print_receipts(officer, uow=uow)
        seconds = time.perf_counter() - began
        # the floor: the same receipts (read again, as copies now) drawn without their QR
        with uow as work:
            docs = receipts.documents(work.session, list(work.session.exec(
                select(Receipt).order_by(Receipt.year, Receipt.sequence))), copies={})
        began = time.perf_counter()
        receipts_pdf(docs, qr=False)
        floor = time.perf_counter() - began
        database = uow.engine.dialect.name
    rate, floor_rate = printed.count / seconds, count / floor
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{printed.count} receipts, {len(printed.data) / 1e6:.1f} MB PDF, peak memory {peak:.0f} MB")
    print(f"RESULT database={database} receipts={printed.count} seconds={seconds:.2f} per_second={rate:.0f} "
          f"floor_per_second={floor_rate:.0f} ratio={rate / floor_rate:.2f} target_ratio=0.5")


if __name__ == "__main__":
    main()
