"""The first start on a new database: the server answers at once with a Vietnamese page that shows what is being
prepared, then moves on by itself to the page asked for."""

import fcntl
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, serving, wait_for_app

pytestmark = pytest.mark.browser
# A small demo office: every step of the first start runs (accounts, nominations, pledges, allocation), in less time
# than the shared demo office's 150 people take.
SMALL_OFFICE = {"BHYT_DEMO_NOMINATIONS": "20", "BHYT_DEMO_PLEDGES": "2"}


def ready_status(base: str) -> int:
    try:
        with urllib.request.urlopen(f"{base}/_bhyt/ready", timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.fixture
def page(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    return page


def test_a_new_database_shows_the_preparing_page_then_the_sign_in_page(page, tmp_path):
    database = tmp_path / "bhyt.db"
    # Another process's preparation of the same database holds its lock at first, so that the page is seen while the
    # preparation waits; once let go, this server prepares the database (the demo office) and the page moves on.
    with open(database.with_name("bhyt.db.prepare.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with serving(f"sqlite:///{database}", ready=False, **SMALL_OFFICE) as base:
            assert ready_status(base) == 503
            page.goto(f"{base}/sign_in")
            expect(page.get_by_role("heading", name="Đang chuẩn bị ứng dụng")).to_be_visible(timeout=30_000)
            expect(page.get_by_text("Chờ tiến trình khác đang chuẩn bị cùng cơ sở dữ liệu").first).to_be_visible()
            expect(page.get_by_text("Tạo đề cử mẫu: hộ gia đình, niêm yết, xét duyệt")).to_be_visible()
            expect(page.get_by_role("progressbar")).to_be_visible()
            screenshot(page, "first-start-waiting")
            fcntl.flock(lock, fcntl.LOCK_UN)

            began = time.monotonic()
            expect(page.get_by_label("Tên đăng nhập")).to_be_visible(timeout=120_000)  # no reload: it moved on
            wait_for_app(page)
            assert page.url == f"{base}/sign_in"
            expect(page.get_by_role("heading", name="Đang chuẩn bị ứng dụng")).to_have_count(0)
            expect(page.get_by_text("Bản chạy thử: mỗi vai trò có một tài khoản demo")).to_be_visible()
            screenshot(page, "first-start-signed-in-page")
            assert ready_status(base) == 200
            assert time.monotonic() - began < 120
    assert "Traceback" not in Path(tmp_path / "streamlit.log").read_text()
