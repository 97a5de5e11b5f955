"""Benchmark: a fresh clone's first start, from `streamlit run` to the first answer and to a usable sign-in page.

`streamlit run streamlit_app.py` on a new SQLite file with the default demo (300 nominations, 40 pledges), as the
README's first command does. Measured: the first HTTP answer (/_stcore/health), the preparing page seen in Chromium,
and the sign-in form usable in it once the database is prepared (migrations, units, rules, demo accounts and data).
Floor: `streamlit run` of the same app on the database it left, which has nothing to prepare.
Usage: python bench/first_start.py [--quick]   (--quick: 30 demo nominations and 4 pledges)
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(database: Path, settings: dict[str, str]) -> dict[str, float]:
    port = _port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "BHYT_PUBLIC_URL": url, **settings}
    began = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port",
                                str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times: dict[str, float] = {}
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        times["first_answer"] = time.monotonic() - began
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{url}/sign_in")
            page.locator("h1").first.wait_for(timeout=300_000)
            times["first_page"] = time.monotonic() - began
            page.get_by_label("Tên đăng nhập").wait_for(timeout=300_000)
            times["sign_in_usable"] = time.monotonic() - began
            browser.close()
    finally:
        process.terminate()
        process.wait()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    settings = {"BHYT_DEMO_NOMINATIONS": "30", "BHYT_DEMO_PLEDGES": "4"} if quick else {}
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bhyt.db"
        first = start(database, settings)
        again = start(database, settings)
    load = os.getloadavg()[0]
    print(f"first start:  first answer {first['first_answer']:.1f} s, page shown {first['first_page']:.1f} s, "
          f"sign-in usable {first['sign_in_usable']:.1f} s")
    print(f"second start: first answer {again['first_answer']:.1f} s, sign-in usable {again['sign_in_usable']:.1f} s"
          f" (floor)   load average {load:.1f}")
    print(f"RESULT first_answer_s={first['first_answer']:.2f} first_page_s={first['first_page']:.2f} "
          f"sign_in_s={first['sign_in_usable']:.2f} floor_sign_in_s={again['sign_in_usable']:.2f} load={load:.1f}")


if __name__ == "__main__":
    main()
