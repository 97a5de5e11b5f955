"""A commune official imports a file with errors, sees them row by row, and saves the good rows."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_sign_in import sign_in
from tests.workbooks import MIXED, workbook

pytestmark = pytest.mark.browser


def test_import_with_errors_then_save(app_server, page, tmp_path):
    path = tmp_path / "danh-sach-hoa-thinh.xlsx"
    path.write_bytes(workbook(MIXED))
    sign_in(page, app_server, "demo.xa")
    page.goto(f"{app_server}/import_nominations")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Nhập danh sách từ Excel")).to_be_visible()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_text("Lỗi (các dòng này không được lưu)")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Bị từ chối")).to_contain_text("5")
    expect(page.get_by_test_id("stMetric").filter(has_text="Hợp lệ")).to_contain_text("4")
    page.get_by_text("Tôi xác nhận những người trong danh sách").click()
    wait_for_app(page)
    screenshot(page, "import-preview-with-errors")
    page.get_by_role("button", name="Lưu 4 dòng hợp lệ").click()
    expect(page.get_by_text("Đã lưu 4 người vào danh sách đề cử.")).to_be_visible(timeout=30_000)

    page.goto(f"{app_server}/nominations")
    wait_for_app(page)
    expect(page.get_by_text("4 người; trang 1/1")).to_be_visible()
