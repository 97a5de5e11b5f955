"""Two replicas behind nginx, as deploy/run.py starts them for a province: on an empty PostgreSQL database they migrate
it once between them; a visitor signed in through nginx stays signed in when the replica that served them stops."""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text
from sqlmodel import func, select

from db.engine import make_engine
from db.migrate import head_revision
from db.models import Commune, UserAccount
from db.uow import UnitOfWork
from demo.seed import DEMO_PASSWORD
from deploy.run import deployment, free_ports
from donation.access import auth
from donation.access.actors import PROVINCE_OFFICER, SYSTEM_ACTOR
from tests.browser.conftest import screenshot, wait_for_app
from tests.conftest import require

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

# a line of deploy/nginx/bhyt-maps.conf's log format; the replicas nginx tried, in order: "127.0.0.1:8501, 127.0.0.1:8502"
LOGGED = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d+) .* upstream=(?P<upstream>.*) upstream_time=')


def served(access_log: Path, path: str) -> list[tuple[int, int]]:
    """(status, port of the replica that answered) of each request for `path` nginx logged, in order."""
    found = []
    for line in access_log.read_text().splitlines():
        match = LOGGED.search(line)
        if match and match["path"].split("?")[0] == path:
            found.append((int(match["status"]), int(match["upstream"].split(", ")[-1].rsplit(":", 1)[1])))
    return found


def test_two_replicas_behind_nginx_migrate_once_and_keep_a_sign_in_when_one_stops(page, new_database, tmp_path):
    require(shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists(), "nginx (apt-get install nginx)")
    database = new_database("postgres")  # a new, empty schema of its own
    listen, *ports = free_ports(3)
    base = f"http://127.0.0.1:{listen}"
    # the four shared settings (tests/conftest.py sets the secret and signing key for every test); no demo data, as
    # on a province's PostgreSQL
    env = {**os.environ, "DATABASE_URL": database, "BHYT_PUBLIC_URL": base}
    env.pop("BHYT_DEMO", None)
    began = time.monotonic()
    with deployment(ports, env, listen=f"127.0.0.1:{listen}", prefix=tmp_path / "deploy") as running:
        started = time.monotonic() - began

        # Started at the same moment on the empty database: one replica migrated it, the other waited and found it
        # current; both answer ready, and the units are there once.
        logs = {port: running.replica(port).log.read_text() for port in ports}
        migrated = [port for port, log in logs.items() if "Running upgrade  -> 0001" in log]
        assert len(migrated) == 1, logs
        assert all("Running upgrade" not in log for port, log in logs.items() if port not in migrated)
        assert all("database ready" in log and "Traceback" not in log for log in logs.values())
        engine = make_engine(database)
        try:
            with engine.connect() as connection:
                assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
                    head_revision()]
            with UnitOfWork(engine) as work:
                assert work.session.exec(select(func.count()).select_from(Commune)).one() == 3321
                assert work.session.exec(select(func.count()).select_from(UserAccount)).one() == 0
            # the province's first account, as `python -m cli users add` makes it
            auth.create_user(SYSTEM_ACTOR, username="can.bo.tinh", password=DEMO_PASSWORD, role=PROVINCE_OFFICER,
                             display_name="Trần Văn Bình", province_code=66, uow=UnitOfWork(engine))
        finally:
            engine.dispose()

        # Signed in through nginx: the form, then /session/open sets the cookie, on the replica the routing cookie
        # chose.
        signing_in = time.monotonic()
        page.goto(f"{base}/sign_in")
        wait_for_app(page)
        page.get_by_label("Tên đăng nhập").fill("can.bo.tinh")
        page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{base}/")
        wait_for_app(page)
        heading = page.get_by_role("heading", name="Việc hôm nay")
        expect(heading).to_be_visible()
        signed_in = time.monotonic() - signing_in
        cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
        assert cookies["bhyt_session"]["httpOnly"] and cookies["bhyt_route"]["httpOnly"]
        access_log = running.nginx.access_log
        [(status, serving)] = served(access_log, "/session/open")
        assert status == 303 and serving in ports
        # sticky: the first page (before the routing cookie) and every one after from that replica
        assert {port for path in ("/sign_in", "/") for _, port in served(access_log, path)} == {serving}

        # That replica stops; the page is opened again, on the other one, and is still signed in.
        running.replica(serving).stop()
        other = next(port for port in ports if port != serving)
        failing_over = time.monotonic()
        page.reload()
        wait_for_app(page)
        expect(heading).to_be_visible()
        expect(page.get_by_text("Cán bộ BHXH tỉnh").first).to_be_visible()
        failed_over = time.monotonic() - failing_over
        status, port = served(access_log, "/")[-1]
        assert status in (200, 304) and port == other  # 304: the browser had the page, the other replica said so
        expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Đăng nhập")).to_have_count(0)
        screenshot(page, "replicas-signed-in-after-failover")
        stopping = time.monotonic()
    stopped = time.monotonic() - stopping
    sys.stderr.write(f"\nreplicas: two replicas and nginx ready in {started:.1f} s, signed in through nginx in {signed_in:.1f} s, "
          f"reloaded on the other replica in {failed_over:.1f} s, all stopped in {stopped:.1f} s\n")
