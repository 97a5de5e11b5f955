"""Benchmark: every page's script run through Streamlit's AppTest, as each role allowed to open it, on a SQLite
database of 1,000,000 needs (and 100,000 paid pledges, allocated, one purchase batch paid). Target: at most 1.5 s
per page run. The floor is the cheapest page's run in the same process: what Streamlit itself costs.

Usage: python bench/pages.py [--quick | --needs N --pledges M]   (--quick: 20,000 needs, 2,000 pledges)
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is itself named `pages`, and a module beats a folder without __init__ wherever it sits on the path:
# the benchmarks' folder is left off it (the data generator is loaded by its file path).
sys.path[0] = str(ROOT)
FOLDER = tempfile.TemporaryDirectory()
# The app and the services read the database from the environment: set before anything imports the settings.
# BHYT_BENCH_DATABASE keeps the built database in that file, and reuses it when it exists (to work on one page).
KEPT = os.environ.get("BHYT_BENCH_DATABASE")
os.environ["DATABASE_URL"] = f"sqlite:///{KEPT or f'{FOLDER.name}/pages.db'}"
os.environ["BHYT_DEMO_NOMINATIONS"] = "0"
os.environ["BHYT_DEMO_PLEDGES"] = "0"

import streamlit as st  # noqa: E402
from sqlalchemy import text  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from db.engine import get_engine  # noqa: E402
from db.uow import UnitOfWork  # noqa: E402
from demo import seed  # noqa: E402
from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD  # noqa: E402
from donation.access import auth  # noqa: E402
from donation.access.actors import ADMIN, COMMUNE_OFFICIAL, DONOR, NATIONAL_OFFICER, PROVINCE_OFFICER  # noqa: E402
from donation.allocation import allocation  # noqa: E402
from donation.cards import cards  # noqa: E402
from donation.upkeep.setup import initialise  # noqa: E402
from pages._auth import TOKEN_KEY  # noqa: E402
from pages._nav import ANONYMOUS, ANYONE, PAGES  # noqa: E402

# Pages that cache with st.cache_data are imported here outside Streamlit's runtime: at each such import Streamlit
# warns that it caches in memory (which is what a benchmark wants), a hundred lines on standard error in CI's log.
logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(
    lambda record: not record.getMessage().startswith("No runtime found"))

TODAY = date(2026, 11, 25)
TARGET = 1.5
ACCOUNTS = {account.role: account.username for account in DEMO_ACCOUNTS}
ROLES = (PROVINCE_OFFICER, COMMUNE_OFFICIAL, NATIONAL_OFFICER, DONOR, ADMIN)


def generator():
    """bench/allocation.py, whose data generator this benchmark shares (it imports its neighbour _demo_database)."""
    sys.path.append(str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("allocation_bench", ROOT / "bench" / "allocation.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def build(data, needs: int, pledges: int) -> None:
    """The registry, the money, an allocation and one paid purchase batch; some needs still in review."""
    initialise(get_engine())
    uow = UnitOfWork()
    seed.seed_demo(uow=uow)
    data.populate(uow, needs, pledges)
    with uow as work:  # one need in ten posted and waiting for review, one in twenty just nominated
        work.session.execute(text("UPDATE nomination SET status = 'posted', posted_on = :posted, "
                                  "objection_until = :until WHERE id % 10 = 1"),
                             {"posted": TODAY - timedelta(days=10), "until": TODAY - timedelta(days=3)})
        work.session.execute(text("UPDATE nomination SET status = 'nominated' WHERE id % 20 = 2"))
        work.commit()
    allocation.allocate(auth.find_actor("demo.admin", uow=uow), on=TODAY, uow=uow)
    officer = auth.find_actor("demo.tinh", uow=uow)
    batch = cards.create_batch(officer, uow=uow, today=TODAY)
    cards.record_payment(officer, batch.id, paid_on=TODAY, reference="UNC BENCH", uow=uow, today=TODAY)


def signed_in(role: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.run()
    if role is not None:
        # What the browser does after the form: /session/open swaps the ticket for the session's token, which
        # AppTest holds in place of the cookie it cannot keep.
        ticket = auth.sign_in(ACCOUNTS[role], DEMO_PASSWORD).ticket
        at.session_state[TOKEN_KEY] = auth.open_session(ticket)
        at.run()  # the menu is built for the signed-in role: switch_page finds only pages it registered
    return at


def roles_of(spec) -> list[str | None]:
    if ANYONE in spec.roles or ANONYMOUS in spec.roles:
        return [None]
    return [role for role in ROLES if role in spec.roles]


def main() -> None:
    data = generator()
    needs, pledges = data.sizes(__doc__.splitlines()[0])
    began = time.perf_counter()
    if not (KEPT and Path(KEPT).exists()):
        build(data, needs, pledges)
    print(f"database of {needs:,} needs and {pledges:,} pledges built in {time.perf_counter() - began:.1f} s")
    timings: list[tuple[float, str, str]] = []
    not_shown: list[str] = []
    only = os.environ.get("BHYT_BENCH_PAGE", "")  # one page's path, to work on it
    for role in (None, *ROLES):
        at = signed_in(role)
        for spec in PAGES:
            if role not in roles_of(spec) or only not in spec.path:
                continue
            runs = []
            for _ in range(2):  # the first run also imports the page's modules: the better of two
                st.cache_data.clear()  # each run works its figures out (the public page keeps them five minutes)
                at.switch_page(spec.path)
                started = time.perf_counter()
                at.run()
                runs.append(time.perf_counter() - started)
            problem = f" EXCEPTION {at.exception[0].message[:80]}" if at.exception else ""
            if not spec.path.endswith("home.py") and not (at.title and at.title[0].value == spec.title):
                problem += " NOT SHOWN"  # refused or redirected: its time would say nothing
                not_shown.append(f"{spec.path} as {role or 'anonymous'}")
            timings.append((min(runs), spec.path, role or "anonymous"))
            print(f"{min(runs):6.2f} s  {spec.path:36} {role or 'anonymous'}{problem}")
    if not_shown:
        raise SystemExit(f"pages not shown (refused, redirected or failed): {not_shown}")
    timings.sort(reverse=True)
    slowest, page, role = timings[0]
    floor = timings[-1][0]
    over = sum(1 for seconds, _, _ in timings if seconds > TARGET)
    print(f"RESULT needs={needs} runs={len(timings)} slowest_seconds={slowest:.2f} slowest_page={page} "
          f"slowest_role={role} floor_seconds={floor:.2f} over_target={over} target_seconds={TARGET}")


if __name__ == "__main__":
    main()
