"""Registry screens through AppTest: the household form, the import preview and save, the nominations list."""

import pytest

from demo.seed import DEMO_PASSWORD
from tests.app.conftest import as_read
from tests.app.test_sign_in import open_page, sign_in
from tests.workbooks import MIXED, workbook

pytestmark = pytest.mark.app
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def official(app):
    return sign_in(app, "demo.xa", DEMO_PASSWORD)


def test_import_preview_shows_errors_then_saves_the_good_rows(official):
    at = open_page(official, "pages/import_nominations.py")
    assert "Xã Hòa Thịnh" in at.caption[0].value
    at.file_uploader(key="import.file").set_value(("ds.xlsx", workbook(MIXED), XLSX))
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {"Dòng có dữ liệu": "9", "Hợp lệ": "4", "Bị từ chối": "5"}
    errors = at.dataframe[0].value
    assert list(errors["Dòng"]) == [8, 9, 10, 11, 12]
    assert "ở tương lai" in errors["Vấn đề và cách sửa"][0]
    assert at.button(key="import.save").label == "Lưu 4 dòng hợp lệ"
    at.button(key="import.save").click()
    at.run()
    assert [as_read(e.value) for e in at.error] == ["Cần xác nhận người được đề cử (hoặc người giám hộ) đã đồng ý cho sử dụng "
                                           "thông tin cá nhân"]
    at.checkbox(key="import.consent").check()
    at.run()
    at.button(key="import.save").click()
    at.run()
    assert [s.value for s in at.success] == ["Đã lưu 4 người vào danh sách đề cử."]

    at = open_page(at, "pages/nominations.py")
    table = at.dataframe[0].value
    assert len(table) == 4 and table["Điểm"].is_monotonic_decreasing
    assert not any(cell.isdigit() and len(cell) >= 10 for cell in table["Giấy tờ"])


def test_a_file_that_is_not_a_spreadsheet_gets_a_message(official):
    at = open_page(official, "pages/import_nominations.py")
    at.file_uploader(key="import.file").set_value(("ds.xlsx", b"not a workbook", XLSX))
    at.run()
    assert not at.exception and "không phải bảng tính đọc được" in at.error[0].value


def test_household_form(official):
    at = open_page(official, "pages/nominate.py")
    at.number_input(key="nominate.count").set_value(2)
    at.run()
    at.text_input(key="nominate.0.name").input("nguyễn văn an")
    at.text_input(key="nominate.0.birth").input("02/03/1985")
    at.text_input(key="nominate.0.cccd").input("066085000123")
    at.text_input(key="nominate.1.name").input("Nguyễn Thị Bé")
    at.text_input(key="nominate.1.birth").input("2012")
    at.selectbox(key="nominate.1.gender").set_value("Nữ")
    at.text_input(key="nominate.1.cccd").input("066012000124")  # a man's digit for a girl born in 2012
    at.selectbox(key="nominate.1.group").set_value("pupil")
    at.checkbox(key="nominate.consent").check()
    at.button[0].click()
    at.run()
    assert len(at.error) == 1 and at.error[0].value.startswith("Người thứ 2, Số CCCD: Số CCCD là của người giới tính Nam")
    assert not at.success
    at.text_input(key="nominate.1.cccd").input("066312000124")
    at.button[0].click()
    at.run()
    assert [s.value for s in at.success] == ["Đã đề cử 2 người; xem ở trang Danh sách đề cử."]


def test_posting_page_posts_and_offers_the_pdf(official):
    from donation.access import auth
    from donation.registry import nominations

    nominations.import_nominations(auth.find_actor("demo.xa"), workbook(MIXED), "ds.xlsx", commune_code=22276,
                                consent=True)
    at = open_page(official, "pages/posting.py")
    at.button(key="posting.post").click()
    at.run()
    assert at.success[0].value.startswith("Đã niêm yết 4 người từ")
    assert not at.info  # today's posting exists, so the download is offered instead of a message


def test_edit_a_nomination_from_the_list(official):
    from donation.access import auth
    from donation.registry import nominations

    nominations.import_nominations(auth.find_actor("demo.xa"), workbook(MIXED), "ds.xlsx", commune_code=22276,
                                consent=True)
    at = open_page(official, "pages/nominations.py")
    first = int(at.dataframe[0].value["Mã"].min())
    at.number_input(key="nominations.edit_id").set_value(first)
    at.button(key="nominations.open").click()
    at.run()
    assert not at.exception and at.text_input[-1].value is not None
    village = next(box for box in at.text_input if box.label == "Thôn/Tổ")
    village.input("Thôn 9")
    at.button[-1].click()
    at.run()
    assert [s.value for s in at.success] == ["Đã lưu. Trạng thái: Đã đề cử."]
    table = at.dataframe[0].value
    assert "Thôn 9" in list(table["Thôn/Tổ"])


def test_renew_approvals_that_ended(official):
    from datetime import timedelta

    from donation.access import auth
    from donation.common.dates import today_vn
    from donation.registry import nominations, review

    long_ago = today_vn() - timedelta(days=400)
    xa, tinh = auth.find_actor("demo.xa"), auth.find_actor("demo.tinh")
    nominations.import_nominations(xa, workbook(MIXED), "ds.xlsx", commune_code=22276, consent=True, today=long_ago)
    review.post_list(xa, commune_code=22276, today=long_ago)
    queue, _ = review.review_queue(tinh)
    review.decide(tinh, [row.id for row in queue], "approve", today=long_ago + timedelta(days=8))
    at = open_page(official, "pages/nominations.py")
    at.selectbox(key="nominations.status").set_value(nominations.DUE_FOR_RENEWAL)
    at.run()
    table = at.dataframe[0].value
    assert len(table) == 4 and all(table["Duyệt đến"])
    at.checkbox(key="nominations.renew_all").check()
    next(button for button in at.button if button.label == "Gia hạn").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã gia hạn 4 đề cử: chờ niêm yết lại rồi xét duyệt."]
    assert at.dataframe[0].value.empty  # none is due any more
    assert nominations.list_nominations(xa, commune_code=22276, status="nominated")[1] == 4
