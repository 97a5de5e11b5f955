"""Benchmark: import a 100,000-row nomination workbook into one commune on SQLite (target: at most 10 s).

The floor is reading the same workbook alone (python-calamine), measured in the same run.
Usage: python bench/import_nominations.py [--quick]
With BHYT_BENCH_POSTGRES=postgresql+psycopg://… the same runs in a new schema of that database, dropped afterwards;
the floor then adds psycopg's COPY of as many rows as the import wrote (target there: at most 3 times the floor).
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import date, timedelta

import xlsxwriter
from _demo_database import (  # sets the path and the test-only settings first
    bench_postgres,
    copy_seconds,
    demo_database,
    read_seconds,
    table_rows,
)

from demo import seed as demo
from donation.access import auth
from donation.registry import nominations
from donation.registry.nomination_rows import COLUMNS, template_header

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Sơn", "Tâm", "Yến"]
GROUPS = ["Hộ gia đình"] * 5 + ["Hộ cận nghèo"] * 3 + ["Học sinh", "Sinh viên"]


def workbook(rows: int, seed: int = 11) -> bytes:
    rng = random.Random(seed)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [template_header(key) for key, _, _ in COLUMNS])
    household = 0
    for index in range(rows):
        if index == 0 or rng.random() < 0.3:
            household += 1
        gender = rng.randint(0, 1)
        birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 75))
        century_digit = (birth.year // 100 - 19) * 2 + gender
        cccd = f"066{century_digit}{birth.year % 100:02d}{index:06d}"
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        group = rng.choice(GROUPS) if birth.year < 2004 else "Học sinh"
        sheet.write_row(index + 1, 0, [name, birth.strftime("%d/%m/%Y"), "Nữ" if gender else "Nam", cccd, "",
                                       f"H{household:05d}", "", group, "", "", f"Thôn {household % 12 + 1}",
                                       "", "", "", "Thiệt hại do lũ"])
    book.close()
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of seconds")
    args = parser.parse_args()
    rows = 5_000 if args.quick else 100_000
    data = workbook(rows)
    floor = read_seconds(data, "bench.xlsx")
    with demo_database(bench_postgres()) as uow:
        official = auth.find_actor("demo.xa", uow=uow)
        before = table_rows(uow)
        began = time.perf_counter()
        report = nominations.import_nominations(official, data, "bench.xlsx", commune_code=demo.DEMO_COMMUNE,
                                             consent=True, uow=uow)
        seconds = time.perf_counter() - began
        written = table_rows(uow) - before
        database = uow.engine.dialect.name
        if database == "postgresql":
            floor += copy_seconds(uow, written)
    print(f"imported {len(report.accepted):,} of {report.rows:,} rows ({report.rejected_rows} refused) in "
          f"{seconds:.2f} s, {written:,} rows written; the floor (reading the workbook"
          f"{', a COPY of as many rows' if database == 'postgresql' else ' alone'}): {floor:.2f} s")
    print(f"RESULT database={database} rows={report.rows} saved={len(report.accepted)} written={written} "
          f"seconds={seconds:.3f} floor_seconds={floor:.3f} ratio={seconds / floor:.1f} "
          f"{'target_ratio=3' if database == 'postgresql' else 'target_seconds=10'}")


if __name__ == "__main__":
    main()
