"""Benchmark: a donor's list of households to hold at a campaign's start, when nobody is funded yet: the allocation
benchmark's 1,000,000 approved needs over all 3,321 communes, for a pledge for anywhere and every group (every
household in the country is listed), one for anywhere and near-poor people, and one for a province; each the better
of two runs of the real `holds.browse` (read, price, count by commune, rank, one page), against a floor measured in
the same run: a raw sqlite3 read of the rows the national list reads.

Usage: python bench/holds.py [--quick | --needs N --pledges M]   (--quick: 20,000 needs, 2,000 pledges)
"""

from __future__ import annotations

import resource
import time

from _demo_database import demo_database, raw_read_seconds  # sets the path and the test-only settings first
from allocation import NEEDS_READ, TODAY, populate, sizes
from sqlmodel import select

from db.models import Pledge
from donation.access import auth
from donation.allocation import holds

PROVINCE = 66


def best_of_two(actor, code: str, uow) -> tuple[float, holds.Browse]:
    times = []
    for _ in range(2):
        began = time.perf_counter()
        shown = holds.browse(actor, code, on=TODAY, uow=uow)
        times.append(time.perf_counter() - began)
    return min(times), shown


def main() -> None:
    needs, pledges = sizes(__doc__.splitlines()[0])
    with demo_database() as uow:
        populate(uow, needs, pledges)
        actor = auth.find_actor("demo.admin", uow=uow)
        with uow as work:
            def first(*where) -> str:
                return work.session.exec(select(Pledge.code).where(*where).order_by(Pledge.id)).first()

            codes = {"national": first(Pledge.province_code.is_(None), Pledge.groups == ""),
                     "national_near_poor": first(Pledge.province_code.is_(None), Pledge.groups == "near_poor"),
                     "province": first(Pledge.province_code == PROVINCE, Pledge.commune_code.is_(None),
                                       Pledge.groups == "")}
        figures = {}
        for name, code in codes.items():
            seconds, shown = best_of_two(actor, code, uow)
            figures[name] = seconds
            print(f"{name} ({code}): {shown.total:,} households in {len(shown.communes):,} communes, {seconds:.2f} s")
            assert shown.total and len(shown.households) == min(20, shown.total)
        floor = raw_read_seconds(str(uow.engine.url.database), *NEEDS_READ)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RESULT needs={needs} national_seconds={figures['national']:.2f} "
          f"national_near_poor_seconds={figures['national_near_poor']:.2f} province_seconds={figures['province']:.2f} "
          f"floor_seconds={floor:.2f} ratio={figures['national'] / floor:.1f} peak_mb={peak:.0f}")


if __name__ == "__main__":
    main()
