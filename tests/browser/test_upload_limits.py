"""A zip bomb uploaded on the import page is refused with its reason while another signed-in session keeps working,
and the server lives on (before the check, a workbook with a far-away cell aborted the whole server process)."""

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from tests.browser.test_sign_in import sign_in
from tests.workbooks import far_cell_workbook, zip_bomb

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: zip_bomb(250), "giải nén ra 250 MB, vượt giới hạn 200 MB"),
    (far_cell_workbook, "có 1.048.576 dòng, vượt giới hạn 100.000 dòng"),
], ids=["zip bomb", "far cell"])
def test_a_dangerous_upload_is_refused_and_other_sessions_keep_working(app_server, page, browser, tmp_path, make,
                                                                       reason):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(make())
    other = browser.new_context().new_page()
    try:
        sign_in(other, app_server, "demo.tinh")
        sign_in(page, app_server, "demo.xa")
        page.goto(f"{app_server}/import_nominations")
        wait_for_app(page)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
        expect(page.get_by_text(f"Tệp bị từ chối: phần xl/worksheets/sheet1.xml {reason}")).to_be_visible(
            timeout=60_000)

        other.goto(f"{app_server}/today")
        wait_for_app(other)
        expect(other.get_by_role("heading", name="Việc hôm nay")).to_be_visible()
        expect(other.get_by_text("Trần Văn Bình · Cán bộ BHXH tỉnh · Đắk Lắk").first).to_be_visible()
        with urllib.request.urlopen(f"{app_server}/_stcore/health", timeout=5) as answer:
            assert answer.status == 200
    finally:
        other.context.close()
