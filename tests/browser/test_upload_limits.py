"""A zip bomb uploaded on the import page is refused with its reason while another signed-in session keeps working,
and the server lives on (before the check, a workbook with a far-away cell aborted the whole server process)."""

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app
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


@pytest.fixture
def page(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    return page


def test_the_drop_zone_speaks_vietnamese_and_a_file_over_10_mb_is_refused_in_vietnamese(app_server, page, tmp_path):
    sign_in(page, app_server, "demo.xa")
    page.goto(f"{app_server}/import_nominations")
    wait_for_app(page)
    zone = page.get_by_test_id("stFileUploaderDropzone")
    expect(zone.get_by_role("button", name="Chọn tệp")).to_be_visible()
    expect(zone.get_by_text("Kéo thả tệp vào đây · tối đa 10 MB mỗi tệp")).to_be_visible()
    shown = page.get_by_test_id("stFileUploader").inner_text()
    assert not [words for words in ("Upload", "Browse files", "Drag and drop", "per file", "200MB", "200 MB")
                if words in shown]
    screenshot(page, "upload-drop-zone")

    big = tmp_path / "danh-sach-lon.xlsx"
    big.write_bytes(b"\0" * 11_000_000)  # 11 MB, over the 10 MiB limit
    uploads = []
    page.on("request", lambda request: uploads.append(request.url) if "upload_file" in request.url else None)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(big))
    expect(page.get_by_text("Lỗi: Tệp lớn hơn 10 MB: không nhận, chọn tệp nhỏ hơn.")).to_be_visible()
    assert not uploads  # refused in the browser: nothing was sent to the server
    expect(page.get_by_test_id("stFileChip").get_by_text("11 MB")).to_be_visible()
    assert "File must be" not in page.inner_text("body")
    page.get_by_test_id("stFileChip").hover()
    expect(page.get_by_role("tooltip")).to_have_text("Tệp lớn hơn 10 MB: không nhận, chọn tệp nhỏ hơn.")
    screenshot(page, "upload-over-the-limit")


def test_the_multiselects_select_all_is_in_vietnamese(app_server, page):
    sign_in(page, app_server, "demo.xa")
    page.goto(f"{app_server}/nominate")
    wait_for_app(page)
    choice = page.get_by_test_id("stMultiSelect").filter(has_text="Hoàn cảnh").first
    choice.get_by_role("combobox").click()
    expect(page.get_by_test_id("stMultiSelectDropdown").get_by_text("Chọn tất cả")).to_be_visible()
    expect(page.get_by_text("Select all")).to_have_count(0)
    screenshot(page, "multiselect-select-all")
