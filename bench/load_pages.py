"""Benchmark: the app as people meet it, through nginx in front of two replicas on PostgreSQL, with N browser sessions
at once (Chromium driven by Playwright: one browser, a context per session). Each session signs in on /sign_in as a
demo account of a role (province officers, the commune official, the donor) and opens that role's pages from the
menu in turn, waiting a random time between them (mean --think, 1 s by default; 0 for a closed loop), until the time
is up. A visit is a full page load (`page.goto`: the HTML, a new websocket, a new Streamlit session, the page's script)
timed from the navigation until Streamlit marks its script finished
(`[data-testid='stApp'][data-test-script-state='notRunning']`). An error: a visit that does not finish in 30 s,
a page that shows an exception, a session no longer signed in, a failed sign-in, a traceback in a replica's log.

Per page p50/p95, overall p50/p95, visits, errors, and how the visits split across the replicas (nginx's access log
names the replica that answered each request: deploy/nginx/bhyt-maps.conf). Exits 1 on any error.

Usage: python bench/load_pages.py [--quick | --sessions N --seconds S] [--replicas R] [--think SECONDS]
   (--quick: 2 replicas, 3 sessions, 10 s; default 2 replicas, 20 sessions, 60 s)
The database: BHYT_BENCH_POSTGRES, else TEST_DATABASE_URL (as in CI); a new schema of it with the demo office
(demo.seed: 150 people, 8 pledges, an allocation, the demo commune's cards), dropped afterwards. Needs nginx
(/usr/sbin/nginx) and Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import _demo_database  # noqa: F401, I001  (sets the path and the test-only settings first)

# The benchmarks' folder holds pages.py, and a module beats the app's pages/ folder (no __init__) wherever it sits
# on the path: the folder is left off it from here on.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]

from playwright.async_api import async_playwright  # noqa: E402

from db.engine import make_engine  # noqa: E402
from db.uow import UnitOfWork  # noqa: E402
from demo import seed  # noqa: E402
from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD  # noqa: E402
from deploy.run import DeployError, deployment, free_ports  # noqa: E402
from donation.access.actors import COMMUNE_OFFICIAL, DONOR, PROVINCE_OFFICER  # noqa: E402
from donation.upkeep.setup import initialise  # noqa: E402
from pages._nav import ANONYMOUS, PAGES, visible_to  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FINISHED = "[data-testid='stApp'][data-test-script-state='notRunning']"
VISIT_TIMEOUT_MS = 30_000
SIGN_IN_TIMEOUT_MS = 60_000  # not measured: the sessions arrive one after another before the timed part
ARRIVAL_GAP = 0.5  # seconds between two sessions' arrivals
# As the browser tests' demo office (tests/browser/conftest.py); smaller for --quick, whose seeding must stay short.
DEMO_OFFICE = {"nominations": 150, "pledges": 8}
QUICK_OFFICE = {"nominations": 30, "pledges": 4}
# The roles the sessions take in turn, and their demo accounts (officers alternate between the province's two).
ROLES = (PROVINCE_OFFICER, COMMUNE_OFFICIAL, DONOR)
ACCOUNTS = {role: [account.username for account in DEMO_ACCOUNTS if account.role == role] for role in ROLES}
# nginx's log line (deploy/nginx/bhyt-maps.conf): the request and the replicas it tried, the last one answered
LOGGED = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d+) .* upstream=(?P<upstream>.*) upstream_time=')


def role_pages(role: str) -> list[str]:
    """The url paths of the pages `role` has in its menu (the sign-in form and the like left out)."""
    return [spec.url_path for spec in PAGES if visible_to(spec, role) and ANONYMOUS not in spec.roles]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


@dataclass
class Tally:
    visits: list[tuple[str, float]] = field(default_factory=list)  # (page, milliseconds)
    sign_ins: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Session:
    number: int
    username: str
    pages: list[str]
    rng: random.Random
    context: object = None
    page: object = None


async def sign_in(browser, number: int, base: str, arrival: float, tally: Tally) -> Session | None:
    """A context of its own, arriving after `arrival` seconds, signed in through the form as its role's demo
    account; None when that failed."""
    role = ROLES[number % len(ROLES)]
    username = ACCOUNTS[role][(number // len(ROLES)) % len(ACCOUNTS[role])]
    rng = random.Random(number)
    pages = role_pages(role)
    rng.shuffle(pages)
    await asyncio.sleep(arrival)
    context = await browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    began = time.perf_counter()
    try:
        await page.goto(f"{base}/sign_in", wait_until="commit")
        await page.wait_for_selector(FINISHED, timeout=SIGN_IN_TIMEOUT_MS)
        await page.get_by_label("Tên đăng nhập").fill(username)
        await page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.wait_for_url(f"{base}/", timeout=SIGN_IN_TIMEOUT_MS)
        await page.wait_for_selector(FINISHED, timeout=SIGN_IN_TIMEOUT_MS)
    except Exception as problem:  # noqa: BLE001 - a failure under load is what this benchmark looks for
        tally.errors.append(f"session {number} ({username}): sign-in failed: {str(problem).splitlines()[0]}")
        await context.close()
        return None
    tally.sign_ins.append((time.perf_counter() - began) * 1000)
    return Session(number, username, pages, rng, context, page)


async def browse(visitor: Session, base: str, deadline: float, think: float, tally: Tally) -> None:
    """The role's pages in turn until `deadline`, each visit timed."""
    page, visit = visitor.page, 0
    try:
        while time.monotonic() < deadline:
            path = visitor.pages[visit % len(visitor.pages)]
            visit += 1
            began = time.perf_counter()
            try:
                await page.goto(f"{base}/{path}", wait_until="commit")
                await page.wait_for_selector(FINISHED, timeout=VISIT_TIMEOUT_MS)
                elapsed = (time.perf_counter() - began) * 1000
                if await page.get_by_test_id("stException").count():
                    raise RuntimeError("the page shows an exception: "
                                       + (await page.get_by_test_id("stException").first.inner_text())[:200])
                if await page.get_by_test_id("stSidebarNav").get_by_role("link", name="Đăng nhập").count():
                    raise RuntimeError("no longer signed in")
            except Exception as problem:  # noqa: BLE001
                tally.errors.append(f"session {visitor.number} ({visitor.username}) /{path}: "
                                    f"{str(problem).splitlines()[0]}")
                continue
            tally.visits.append((path, elapsed))
            if think > 0:
                await asyncio.sleep(min(visitor.rng.expovariate(1 / think), max(deadline - time.monotonic(), 0)))
    finally:
        await visitor.context.close()


async def warm(browser, replica_url: str) -> None:
    """One page opened on a replica directly: its first script run imports the app's pages and libraries, which a
    replica does once in its life."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(f"{replica_url}/sign_in", wait_until="commit")
        await page.wait_for_selector(FINISHED, timeout=SIGN_IN_TIMEOUT_MS)
    finally:
        await context.close()


async def drive(base: str, replica_urls: list[str], sessions: int, seconds: float, think: float,
                on_start=lambda: None) -> Tally:
    """The replicas warmed while the sessions arrive ARRIVAL_GAP apart and sign in; then (`on_start` called) all
    browse for `seconds`."""
    tally = Tally()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # the warming beside the first arrivals: the replicas' imports overlap the sign-ins (CI's quick run)
            _, signed_in = await asyncio.gather(
                asyncio.gather(*(warm(browser, url) for url in replica_urls)),
                asyncio.gather(*(sign_in(browser, number, base, number * ARRIVAL_GAP, tally)
                                 for number in range(sessions))))
            on_start()
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(browse(visitor, base, deadline, think, tally)
                                   for visitor in signed_in if visitor is not None))
        finally:
            await browser.close()
    return tally


def replica_split(access_log: Path, ports: list[int], pages: set[str]) -> tuple[dict[int, Counter], list[str]]:
    """Per replica, from nginx's log: the pages it served (the HTML of a page's address: one a visit or sign-in),
    its websocket connections (logged when they close) and its other requests (scripts, styles, fonts, routes);
    and the lines of answers with a 5xx status (a replica down or failing)."""
    split: dict[int, Counter] = {port: Counter() for port in ports}
    failed = []
    for line in access_log.read_text(errors="replace").splitlines():
        match = LOGGED.search(line)
        if not match:
            continue
        if match["status"].startswith("5"):
            failed.append(line)
        # the replicas nginx tried ("127.0.0.1:8501, 127.0.0.1:8502"; the upstream's name when none was up)
        tried = re.findall(r":(\d+)", match["upstream"])
        if not tried:
            continue
        path = match["path"].split("?")[0]
        kind = "websockets" if path == "/_stcore/stream" else "pages" if path.strip("/") in pages else "requests"
        split.setdefault(int(tried[-1]), Counter())[kind] += 1
    return split, failed


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process has used so far (Linux's /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def demo_office_schema(postgres_url: str, office: dict[str, int]) -> tuple[str, callable]:
    """A new schema with the demo office, prepared as the app's first start does (demo/startup.py), and what drops
    it. The replicas then find it current and add nothing (BHYT_DEMO=0)."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = f"{postgres_url}{'&' if '?' in postgres_url else '?'}options=-csearch_path%3D{schema}"

    def drop() -> None:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()

    engine = make_engine(url)
    try:
        initialise(engine)
        seed.seed_demo(nominations=office["nominations"], pledges=office["pledges"], allocate=True,
                       uow=UnitOfWork(engine))
    except BaseException:
        engine.dispose()
        drop()
        raise
    engine.dispose()
    return url, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 replicas, 3 sessions, 10 s (CI)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a session's visits")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.seconds, args.replicas = 3, 10, 2
    postgres = os.environ.get("BHYT_BENCH_POSTGRES") or os.environ.get("TEST_DATABASE_URL")
    missing = [what for what, there in (
        ("PostgreSQL (BHYT_BENCH_POSTGRES or TEST_DATABASE_URL)", bool(postgres)),
        (f"Chromium ({CHROMIUM})", Path(CHROMIUM).exists()),
        ("nginx", shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists())) if not there]
    if missing:
        print(f"load_pages: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    began = time.monotonic()
    office = QUICK_OFFICE if args.quick else DEMO_OFFICE
    url, drop = demo_office_schema(postgres, office)
    seeded = time.monotonic() - began
    try:
        listen, *ports = free_ports(1 + args.replicas)
        base = f"http://127.0.0.1:{listen}"
        env = {**os.environ, "DATABASE_URL": url, "BHYT_PUBLIC_URL": base, "BHYT_DEMO": "0"}
        with tempfile.TemporaryDirectory(prefix="bhyt-load-pages-") as folder:
            prefix = Path(folder)
            with deployment(ports, env, listen=f"127.0.0.1:{listen}", prefix=prefix) as running:
                ready = running.seconds_ready
                load_before = os.getloadavg()[0]
                cpu_before: dict[int, float] = {}

                def browsing() -> None:  # the replicas' CPU is counted from here: the timed visits only
                    cpu_before.update({replica.port: cpu_seconds(replica.process.pid) for replica in running.replicas})

                tally = asyncio.run(drive(base, [replica.url for replica in running.replicas], args.sessions,
                                          args.seconds, args.think, browsing))
                load_after = os.getloadavg()[0]
                cpu = {replica.port: cpu_seconds(replica.process.pid) - cpu_before.get(replica.port, 0)
                       for replica in running.replicas}
                split, failed = replica_split(running.nginx.access_log, ports,
                                              {"", *(spec.url_path for spec in PAGES)})
                tally.errors.extend(f"nginx answered: {line}" for line in failed)
                for replica in running.replicas:
                    log = replica.log.read_text(errors="replace")
                    if "Traceback" in log:
                        tally.errors.append(f"replica {replica.port} logged a traceback:\n"
                                            + log[log.index("Traceback"):][:2000])
    except DeployError as problem:
        print(f"load_pages: {problem}", file=sys.stderr)
        return 2
    finally:
        drop()

    by_page: dict[str, list[float]] = defaultdict(list)
    for path, elapsed in tally.visits:
        by_page[path].append(elapsed)
    every = [elapsed for _, elapsed in tally.visits]
    print(f"demo office ({office['nominations']} people, {office['pledges']} pledges) seeded in {seeded:.1f} s; {args.replicas} replicas and nginx ready in {ready:.1f} s; "
          f"{args.sessions} sessions for {args.seconds:.0f} s (think {args.think:g} s); "
          f"load average {load_before:.1f} before, {load_after:.1f} after")
    if tally.sign_ins:
        print(f"sign-in: {len(tally.sign_ins)} sessions, p50 {statistics.median(tally.sign_ins):.0f} ms, "
              f"p95 {percentile(tally.sign_ins, 0.95):.0f} ms")
    print(f"{'page':<22}{'visits':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for path in sorted(by_page, key=lambda name: -statistics.median(by_page[name])):
        times = by_page[path]
        print(f"{path:<22}{len(times):>8}{statistics.median(times):>9.0f}{percentile(times, 0.95):>9.0f}"
              f"{max(times):>9.0f}")
    total = sum(counts["pages"] for counts in split.values()) or 1
    for port, counts in sorted(split.items()):
        print(f"replica {port}: {counts['pages']} pages served ({100 * counts['pages'] / total:.0f} %), "
              f"{counts['websockets']} websockets closed, {counts['requests']} other requests; "
              f"{cpu.get(port, 0):.1f} s of CPU while the sessions browsed")
    if every:
        print(f"replicas' CPU per visit: {1000 * sum(cpu.values()) / len(every):.0f} ms "
              f"({sum(cpu.values()):.1f} s for {len(every)} visits in {args.seconds:.0f} s)")
    for error in tally.errors[:20]:
        print(f"ERROR {error}")
    if len(tally.errors) > 20:
        print(f"... and {len(tally.errors) - 20} more errors")
    shares = "/".join(f"{round(100 * split[port]['pages'] / total)}" for port in sorted(split))
    p50 = statistics.median(every) if every else 0
    print(f"RESULT sessions={args.sessions} seconds={args.seconds:.0f} visits={len(every)} page_p50_ms={p50:.0f} "
          f"page_p95_ms={percentile(every, 0.95):.0f} errors={len(tally.errors)} replicas={args.replicas} "
          f"split={shares}")
    return 1 if tally.errors or not every else 0


if __name__ == "__main__":
    sys.exit(main())
