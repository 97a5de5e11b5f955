"""Real `streamlit run` servers on free ports, shared by the journeys that use them (each shared server's journeys are
one xdist group: one worker runs them and starts the server once), and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# A demo office: the first start seeds 150 people and 8 pledges and allocates their money.
DEMO_OFFICE = {"BHYT_DEMO_NOMINATIONS": "150", "BHYT_DEMO_PLEDGES": "8"}


# The shared servers: the journeys on one of them are one xdist group (`--dist loadgroup`), run by one worker, so that
# each server is started once in a run, while the other workers take the rest of the suite.
SHARED_SERVERS = ("demo_office", "app_server")
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            shared = [name for name in SHARED_SERVERS if name in item.fixturenames]
            if shared:
                item.add_marker(pytest.mark.xdist_group(shared[0]))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(Path(CHROMIUM).exists() or shutil.which("chromium") is not None, "Debian's chromium (/usr/bin/chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def app_database(tmp_path_factory) -> str:
    """The server's database, for tests that prepare data through the services as another office would."""
    return f"sqlite:///{tmp_path_factory.mktemp('server') / 'bhyt.db'}"


# Each running server's address -> its database, for the journeys' helpers that work on it as the server does
SERVED: dict[str, str] = {}


@contextmanager
def serving(database: str, *, ready: bool = True, **settings: str) -> Iterator[str]:
    """`streamlit run` on `database` (with extra settings in its environment) until /_stcore/health answers and,
    with `ready`, its database is prepared (/_bhyt/ready); stopped whatever happens. Yields its address."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = Path(database.removeprefix("sqlite:///")).parent / "streamlit.log"
    # its own address in the links that receipts' QR codes carry, so that a scanned link opens here
    env = {**os.environ, "DATABASE_URL": database, "BHYT_PUBLIC_URL": url, **settings}
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{url}/{'_bhyt/ready' if ready else '_stcore/health'}",
                                            timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:  # not answering yet, or 503 while the database is prepared
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer in 90 s:\n{log_path.read_text()}", pytrace=False)
            time.sleep(0.25)
        SERVED[url] = database
        yield url
    finally:
        SERVED.pop(url, None)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def app_server(app_database):
    """The app on an empty SQLite file (demo accounts only), shared by the browser tests."""
    with serving(app_database) as url:
        yield url


@pytest.fixture(scope="session")
def demo_office(templates, tmp_path_factory, request):
    """The app on a demo office's data, shared by the journeys that only add to it (a purchase, an allocation, a
    report): (address, database). Its database is a copy of the first start's, made once."""
    database = templates.copy("sqlite", "first_start", tmp_path_factory.mktemp("office"), request.addfinalizer,
                              **DEMO_OFFICE)
    with serving(database, **DEMO_OFFICE) as url:
        yield url, database


def wait_for_app(page) -> None:
    """Wait until the app is connected and its script has finished running (Streamlit's own e2e convention)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


ROW_HEIGHT = 35  # Streamlit's dataframe: the header and each row


def select_row(page, table, row: int) -> None:
    """Tick a row of a selectable table (a locator of its st.dataframe): the grid is drawn on a canvas, each row's
    selection box at its left."""
    from playwright.sync_api import expect

    expect(table).to_be_visible(timeout=30_000)  # the page's run may still be drawing it on a busy machine
    # The grid is drawn a moment after the run ends; its rows for screen readers (in the canvas) come with it.
    expect(table.locator(f"[data-testid='data-grid-canvas'] [aria-rowindex='{row + 2}']")).to_be_attached()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT // 2)
    wait_for_app(page)


def row_with(table, text: str) -> int:
    """The place (from 0) of the row of a st.dataframe (a locator) whose cells hold `text`, read from the grid's rows
    for screen readers, once they are drawn."""
    from playwright.sync_api import expect

    found = table.locator("[data-testid='data-grid-canvas'] [aria-rowindex]").filter(has_text=text)
    expect(found).to_have_count(1, timeout=30_000)
    return int(found.get_attribute("aria-rowindex")) - 2
