"""Registry screens through AppTest: the household form, the import preview and save (households kept whole), the
nominations list acted on by selecting rows."""

import pytest

from demo.seed import DEMO_PASSWORD
from tests.app.conftest import as_read, select_rows
from tests.app.test_sign_in import open_page, sign_in
from tests.workbooks import H10, MIXED, workbook

pytestmark = pytest.mark.app
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def official(app):
    return sign_in(app, "demo.xa", DEMO_PASSWORD)


def table(at, name):
    """The dataframe with this key (a selectable one), or else the first with a column of this name."""
    return next((frame for frame in at.dataframe if frame.key == name), None) or next(
        frame for frame in at.dataframe if name in frame.value.columns)




def imported_id(name):
    from donation.access import auth
    from donation.registry import nominations

    rows, _ = nominations.list_nominations(auth.find_actor("demo.xa"), commune_code=22276)
    return next(row.id for row in rows if row.full_name == name)


def imported(rows=MIXED, **kwargs):
    from donation.access import auth
    from donation.registry import nominations

    return nominations.import_nominations(auth.find_actor("demo.xa"), workbook(rows), "ds.xlsx", commune_code=22276,
                                       consent=True, **kwargs)


def test_import_preview_shows_errors_then_saves_the_good_rows(official):
    at = open_page(official, "pages/import_nominations.py")
    assert "Xã Hòa Thịnh" in at.caption[0].value
    at.file_uploader(key="import.file").set_value(("ds.xlsx", workbook(MIXED), XLSX))
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {"Dòng có dữ liệu": "9", "Hợp lệ": "4", "Bị từ chối": "5",
                                                    "Giữ lại cùng hộ": "0"}
    errors = table(at, "Vấn đề và cách sửa").value
    assert list(errors["Dòng"]) == [8, 9, 10, 11, 12]
    assert "ở tương lai" in errors["Vấn đề và cách sửa"][0]
    valid = table(at, "Họ và tên").value
    assert list(valid["Nhóm"]) == ["Hộ gia đình", "Hộ gia đình", "Học sinh", "Hộ cận nghèo"]  # names, never keys
    assert at.get("download_button")[1].proto.label == "Tải 5 dòng chưa lưu để sửa (.xlsx)"
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
    listed = table(at, "nominations.table").value
    assert len(listed) == 4 and list(listed["Hộ"]) == ["Đặng Văn H (H07)"] + ["Nguyễn Văn An (H01)"] * 3
    assert not any(cell.isdigit() and len(cell) >= 10 for cell in listed["Giấy tờ"])


def test_import_preview_holds_a_household_back_unless_told_to_save_its_valid_rows(official):
    at = open_page(official, "pages/import_nominations.py")
    at.file_uploader(key="import.file").set_value(("ho.xlsx", workbook(H10), XLSX))
    at.run()
    assert not at.exception
    assert at.radio(key="import.households").value == "whole"
    assert {m.label: m.value for m in at.metric} == {"Dòng có dữ liệu": "3", "Hợp lệ": "1", "Bị từ chối": "1",
                                                    "Giữ lại cùng hộ": "1"}
    assert [h.value for h in at.subheader][:1] == ["Hộ giữ lại: chưa lưu cả hộ"]
    split = table(at, "Dòng hợp lệ").value
    assert (split["Mã hộ"][0], split["Dòng hợp lệ"][0], split["Dòng bị từ chối"][0]) == ("H10", "4", "5")
    assert "Ngày sinh 01/01/2082 ở tương lai" in split["Vì sao"][0]
    assert at.get("download_button")[1].proto.label == "Tải 2 dòng chưa lưu để sửa (.xlsx)"
    assert at.button(key="import.save").label == "Lưu 1 dòng hợp lệ"

    at.radio(key="import.households").set_value("valid")
    at.checkbox(key="import.consent").check()
    at.run()
    assert [h.value for h in at.subheader][:1] == ["Hộ sẽ lưu thiếu người"]
    assert {m.label: m.value for m in at.metric}["Giữ lại cùng hộ"] == "0"
    at.button(key="import.save").click()
    at.run()
    assert [s.value for s in at.success] == ["Đã lưu 2 người vào danh sách đề cử."]


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


def test_select_a_nomination_to_see_its_household_and_edit_it(official):
    imported()
    at = open_page(official, "pages/nominations.py")
    assert [box.key for box in at.number_input] == ["nominations.page"]  # paging only: no box asks for an id
    assert [i.value for i in at.info] == ["Chưa chọn đề cử nào: bấm vào ô vuông đầu một dòng (hoặc nhiều dòng) "
                                          "trong bảng."]
    listed = table(at, "nominations.table").value
    bình = list(listed["Họ và tên"]).index("Trần Thị Bình")
    select_rows(at, "nominations.table", bình)
    assert at.subheader[0].value == "Trần Thị Bình · Đã đề cử"
    household = at.dataframe[1].value
    assert list(household["Họ và tên"]) == ["Nguyễn Văn An", "Trần Thị Bình", "Nguyễn Văn Cường"]
    at.button(key="nominations.select_household").click()
    at.run()
    assert at.subheader[0].value == "Đã chọn 3 đề cử"
    assert at.button(key="nominations.withdraw_button").label == "Rút 3 đề cử"

    select_rows(at, "nominations.table", bình)
    at.button(key="nominations.open").click()
    at.run()
    assert not at.exception
    prefix = f"nominations.edit.{imported_id('Trần Thị Bình')}"
    assert at.text_input(key=f"{prefix}.cccd").value == "066187000124"  # in full once opened (audited)
    at.text_input(key=f"{prefix}.village").input("Thôn 9")
    at.multiselect(key=f"{prefix}.flags").set_value(["chronic_illness"])
    next(b for b in at.button if b.label == "Lưu thay đổi").click()
    at.run()
    assert [s.value for s in at.success] == ["Đã lưu hồ sơ Trần Thị Bình. Trạng thái: Đã đề cử."]
    listed = table(at, "nominations.table").value
    row = listed[listed["Họ và tên"] == "Trần Thị Bình"].iloc[0]
    assert row["Thôn/Tổ"] == "Thôn 9" and "Bệnh mãn tính" in row["Vì sao"]
    assert at.info  # the saved row is no longer selected


def test_withdraw_the_selected_nominations_with_a_reason(official):
    imported()
    at = open_page(official, "pages/nominations.py")
    select_rows(at, "nominations.table", 0, 1)
    assert at.subheader[0].value == "Đã chọn 2 đề cử"
    at.button(key="nominations.withdraw_button").click()
    at.run()
    assert [e.value for e in at.error] == ["Ghi lý do rút đề cử"]
    at.text_input(key="nominations.withdraw_reason").input("Chuyển đi nơi khác")
    at.button(key="nominations.withdraw_button").click()
    at.run()
    assert [as_read(s.value) for s in at.success] == ["Đã rút 2 đề cử: Đặng Văn H, Nguyễn Văn An."]
    assert list(table(at, "nominations.table").value["Trạng thái"]).count("Đã rút") == 2


def test_the_reviewers_comment_shows_on_the_communes_list(official):
    from datetime import timedelta

    from donation.access import auth
    from donation.common.dates import today_vn
    from donation.registry import review

    xa, tinh = auth.find_actor("demo.xa"), auth.find_actor("demo.tinh")
    earlier = today_vn() - timedelta(days=10)
    imported(today=earlier)
    review.post_list(xa, commune_code=22276, today=earlier)
    queue, _ = review.review_queue(tinh)
    first = next(row.id for row in queue if row.full_name == "Đặng Văn H")
    review.decide(tinh, [first], "return", "Thiếu **giấy xác nhận** thiệt hại")
    at = open_page(official, "pages/nominations.py")
    listed = table(at, "nominations.table").value
    assert listed["Ý kiến xét duyệt"][0] == "Thiếu **giấy xác nhận** thiệt hại"
    assert set(listed["Ý kiến xét duyệt"][1:]) == {""}
    select_rows(at, "nominations.table", 0)
    assert [as_read(w.value) for w in at.warning] == ["**BHXH tỉnh trả lại, cần sửa:** Thiếu **giấy xác nhận** thiệt hại"]


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
    due = table(at, "nominations.table").value
    assert len(due) == 4 and all(due["Duyệt đến"])
    select_rows(at, "nominations.table", 0, 1, 2, 3)  # the table's "select all"
    assert not any(b.key == "nominations.withdraw_button" for b in at.button)  # approved: not withdrawn here
    at.button(key="nominations.renew").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã gia hạn 4 đề cử: chờ niêm yết lại rồi xét duyệt."]
    assert table(at, "nominations.table").value.empty  # none is due any more
    assert nominations.list_nominations(xa, commune_code=22276, status="nominated")[1] == 4


def test_wide_pages_are_pages():
    from pages._nav import PAGES, WIDE_PAGES

    assert {"nominations", "import_nominations"} <= WIDE_PAGES <= {spec.url_path for spec in PAGES}
