"""A commune official imports files with errors, sees them row by row and a household held back whole, downloads the
rows not saved, corrects and imports them again, then selects a nomination in the list and edits it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, select_row, wait_for_app
from tests.browser.test_sign_in import sign_in
from tests.workbooks import H10, MIXED, corrected, sheets, workbook

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/i19-nominations")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def upload(page, path: Path) -> None:
    """Choose a file and wait for its preview: its four counts are drawn last, a moment after the run ends."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_test_id("stFileChipName")).to_have_text(path.name)
    wait_for_app(page)
    expect(page.get_by_test_id("stMetric")).to_have_count(4, timeout=30_000)


def consent(page) -> None:
    """Tick the consent box (a new file asks again) and let the run it starts finish before the next click."""
    box = page.get_by_role("checkbox", name="Tôi xác nhận những người trong danh sách")
    box.check(force=True)  # the input sits under Streamlit's drawn box
    expect(box).to_be_checked()
    page.wait_for_timeout(300)  # the run may not have started yet
    wait_for_app(page)




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
    page.get_by_label("Tìm theo tên (không cần dấu)").fill("nguyen van an")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("1 người; trang 1/1")).to_be_visible()


def test_a_household_held_back_is_corrected_and_imported_whole_then_edited_from_the_list(app_server, page,
                                                                                           tmp_path):
    page.set_viewport_size({"width": 1366, "height": 900})
    path = tmp_path / "ho-phan.xlsx"
    path.write_bytes(workbook(H10))
    sign_in(page, app_server, "demo.xa")
    page.goto(f"{app_server}/import_nominations")
    wait_for_app(page)
    upload(page, path)
    expect(page.get_by_role("heading", name="Hộ giữ lại: chưa lưu cả hộ")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Giữ lại cùng hộ")).to_contain_text("1")
    expect(page.get_by_test_id("stMetric").filter(has_text="Hợp lệ")).to_contain_text("1")
    expect(page.get_by_text("Bỏ qua cả hộ có dòng lỗi")).to_be_visible()
    consent(page)
    shot(page, "1-household-held-back")
    download_button = page.get_by_role("button", name="Tải 2 dòng chưa lưu để sửa (.xlsx)")
    download_button.scroll_into_view_if_needed()
    shot(page, "1b-refused-rows-and-download")

    with page.expect_download() as download:
        download_button.click()
    refused = download.value
    assert refused.suggested_filename == "dong-chua-luu-de-sua.xlsx"
    rows = sheets(Path(refused.path()).read_bytes())["Danh sách đề cử"]
    assert [row[0] for row in rows] == ["Họ và tên", "Phan Văn Long", "Phan Thị Hạnh"]
    assert rows[0][-1] == "Vì sao chưa lưu" and "ở tương lai" in rows[2][-1]
    page.get_by_role("button", name="Lưu 1 dòng hợp lệ").click()
    expect(page.get_by_text("Đã lưu 1 người vào danh sách đề cử.")).to_be_visible(timeout=30_000)

    fixed = tmp_path / "ho-phan-da-sua.xlsx"
    fixed.write_bytes(corrected(rows, {(2, "Ngày sinh"): "01/01/1982"}))
    upload(page, fixed)
    expect(page.get_by_role("button", name="Lưu 2 dòng hợp lệ")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Bị từ chối")).to_contain_text("0")
    consent(page)
    shot(page, "2-corrected-file-preview")
    page.get_by_role("button", name="Lưu 2 dòng hợp lệ").click()
    expect(page.get_by_text("Đã lưu 2 người vào danh sách đề cử.")).to_be_visible(timeout=30_000)

    page.goto(f"{app_server}/nominations")
    wait_for_app(page)
    page.get_by_label("Tìm theo tên (không cần dấu)").fill("phan")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("2 người; trang 1/1")).to_be_visible()
    table = page.get_by_test_id("stDataFrame").first
    expect(table.locator("[data-testid='data-grid-canvas'] [aria-rowindex='3']")).to_be_attached()  # drawn
    shot(page, "3-list")
    select_row(page, table, 1)
    expect(page.get_by_role("heading", name="Phan Thị Hạnh · Đã đề cử")).to_be_visible()
    expect(page.get_by_text("Hộ Phan Văn Long (H10): 2 người được đề cử")).to_be_visible()
    shot(page, "4-selected-household")
    page.get_by_role("button", name="Mở hồ sơ để sửa").click()
    wait_for_app(page)
    village = page.get_by_label("Thôn/Tổ")
    expect(village).to_be_visible()
    village.fill("Thôn 3")
    shot(page, "5-edit-form")
    page.get_by_role("button", name="Rút 1 đề cử").scroll_into_view_if_needed()
    shot(page, "5b-edit-form-and-withdraw")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.get_by_text("Đã lưu hồ sơ Phan Thị Hạnh. Trạng thái: Đã đề cử.")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_text("Chưa chọn đề cử nào")).to_be_visible()
    expect(table.locator("[data-testid='data-grid-canvas'] [aria-rowindex='3']")).to_be_attached()  # drawn again
    shot(page, "6-saved-selection-cleared")
    select_row(page, table, 0)  # the grid was told its selection was cleared: one click selects again
    expect(page.get_by_role("heading", name="Phan Văn Long · Đã đề cử")).to_be_visible()
