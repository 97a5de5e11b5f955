"""The review queue through AppTest: what can be approved now and why not, choosing rows in the table, choosing all
that can be approved, filtering by commune name and by approvability, and a nomination's file."""

from datetime import timedelta

import pytest

from db.uow import UnitOfWork
from demo.seed import DEMO_PASSWORD
from donation.access import auth
from donation.common.dates import today_vn
from donation.registry import nominations, review
from tests.app.conftest import as_read, select_rows
from tests.app.test_sign_in import open_page, sign_in
from tests.workbooks import MIXED, person, workbook

pytestmark = pytest.mark.app
XA, OTHER = 22276, 24175  # Xã Hòa Thịnh (demo.xa's) and Xã Hòa Phú, both in Đắk Lắk


def make_queue(uow: UnitOfWork | None = None) -> None:
    """Six posted nominations in Đắk Lắk: the commune's four (posted ten days ago, one with an open objection), one
    the province officer nominated himself, and one the administrator posted in another commune today."""
    today = today_vn()
    xa, tinh, admin = (auth.find_actor(name, uow=uow) for name in ("demo.xa", "demo.tinh", "demo.admin"))
    nominations.import_nominations(xa, workbook(MIXED), "ds.xlsx", commune_code=XA, consent=True, uow=uow,
                                   today=today - timedelta(days=10))
    review.post_list(xa, commune_code=XA, uow=uow, today=today - timedelta(days=10))
    nominations.import_nominations(tinh, workbook([person("Lý Thị Mai", "04/05/1980", "Nữ", "066180000131", "H09",
                                                          "Hộ gia đình")]),
                                   "ds.xlsx", commune_code=XA, consent=True, uow=uow, today=today - timedelta(days=10))
    review.post_list(tinh, commune_code=XA, uow=uow, today=today - timedelta(days=10))
    nominations.import_nominations(admin, workbook([person("Hà Văn Sơn", "06/07/1979", "Nam", "066079000132", "K1",
                                                           "Hộ gia đình")]),
                                   "ds.xlsx", commune_code=OTHER, consent=True, uow=uow, today=today)
    review.post_list(admin, commune_code=OTHER, uow=uow, today=today)
    rows, _ = review.review_queue(tinh, uow=uow)
    objected = next(r.id for r in rows if r.full_name == "Đặng Văn H")
    review.record_objection(xa, objected, raised_by="Bà Năm", content="Sai thôn", raised_on=today, uow=uow)


@pytest.fixture
def queue(app):
    """make_queue's nominations; signed in as the province officer, on the queue."""
    make_queue()
    return open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/review.py")


def table_key(at) -> str:
    """The table's key: its selection belongs to the list shown (commune, choice, page)."""
    decided = at.session_state["review.round"] if "review.round" in at.session_state else 0
    return (f"review.table.{at.selectbox(key='review.commune').value}.{at.selectbox(key='review.show').value}."
            f"{at.number_input(key='review.page').value}.{decided}")




def test_the_queue_says_what_can_be_approved_and_approves_all_that_can(queue):
    at = queue
    assert at.caption[0].value.startswith("6 đề cử đang niêm yết chờ duyệt, 3 duyệt được ngay")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Mã", "Họ và tên", "Năm sinh", "Xã", "Nhóm", "Điểm", "Duyệt được?"]
    until = today_vn() + timedelta(days=7)
    assert list(table["Duyệt được?"])[:3] == ["Được"] * 3  # those that can be approved first
    assert set(table["Duyệt được?"][3:]) == {"Chưa: 1 ý kiến chưa xử lý", "Chưa: bạn đề cử",
                                             f"Chưa: niêm yết đến {until:%d/%m/%Y}"}
    assert set(table["Xã"]) == {"Xã Hòa Thịnh", "Xã Hòa Phú"}  # names, not codes
    assert at.button(key="review.approve").disabled
    select_all = at.button(key="review.select_approvable")
    assert select_all.label == "Chọn tất cả đề cử duyệt được (3)"
    select_all.click()
    at.run()
    assert at.session_state[table_key(at)]["selection"]["rows"] == [0, 1, 2]
    assert at.button(key="review.approve").label == "Duyệt 3 đề cử" and not at.warning
    at.button(key="review.approve").click()
    at.run()
    assert not at.exception and [s.value for s in at.success] == ["Đã duyệt 3 đề cử."]
    assert at.caption[0].value.startswith("3 đề cử đang niêm yết chờ duyệt, 0 duyệt được ngay")
    assert at.button(key="review.select_approvable").disabled
    assert at.session_state[table_key(at)]["selection"]["rows"] == []  # a new table: nothing stays ticked
    assert at.button(key="review.reject").disabled
    assert nominations.list_nominations(auth.find_actor("demo.xa"), commune_code=XA, status="approved")[1] == 3


def test_rows_that_cannot_be_approved_are_named_and_left_out_of_the_approval(queue):
    at = select_rows(queue, table_key(queue), 0, 3, 4)
    assert at.button(key="review.approve").label == "Duyệt 1 đề cử"
    assert at.button(key="review.reject").label == "Từ chối 3 đề cử"
    warning = as_read(at.warning[0].value)
    assert warning.startswith("2 đề cử đã chọn chưa duyệt được, nút Duyệt bỏ qua các đề cử này")
    assert "còn 1 ý kiến chưa xử lý: xã xử lý xong mới duyệt được" in warning or "do chính bạn đề cử" in warning
    at.button(key="review.reject").click()
    at.run()
    assert [e.value for e in at.error] == ["Ghi lý do từ chối hoặc nội dung cần sửa"]
    at.button(key="review.approve").click()
    at.run()
    assert [s.value for s in at.success] == ["Đã duyệt 1 đề cử."]
    assert at.caption[0].value.startswith("5 đề cử đang niêm yết chờ duyệt, 2 duyệt được ngay")


def test_returning_needs_a_comment_and_sends_the_chosen_back(queue):
    at = select_rows(queue, table_key(queue), 3, 4)
    at.text_input(key="review.note").input("Bổ sung số CCCD của chủ hộ")
    at.button(key="review.return").click()
    at.run()
    assert [s.value for s in at.success] == ["Đã trả lại 2 đề cử để xã sửa rồi niêm yết lại."]
    assert at.text_input(key="review.note").value == ""
    assert at.caption[0].value.startswith("4 đề cử đang niêm yết chờ duyệt, 3 duyệt được ngay")


def test_the_queue_filters_by_commune_name_and_by_whether_it_can_be_approved(queue):
    at = queue
    commune = at.selectbox(key="review.commune")
    assert commune.label == "Xã/phường/đặc khu" and commune.value is None and commune.options[0] == "Cả tỉnh"
    assert "Xã Hòa Thịnh" in commune.options and "Xã Hòa Phú" in commune.options and len(commune.options) > 50
    assert not any(option.isdigit() for option in commune.options)
    commune.set_value(OTHER)
    at.run()
    table = at.dataframe[0].value
    assert list(table["Họ và tên"]) == ["Hà Văn Sơn"] and list(table["Xã"]) == ["Xã Hòa Phú"]
    at.selectbox(key="review.commune").set_value(XA)
    at.run()
    show = at.selectbox(key="review.show")
    assert show.options == ["Tất cả đang chờ duyệt", "Duyệt được ngay", "Chưa duyệt được (mọi lý do)",
                            "Còn trong thời gian niêm yết", "Còn ý kiến chưa xử lý", "Do chính bạn đề cử hoặc sửa"]
    assert at.caption[0].value.startswith("5 đề cử đang niêm yết chờ duyệt, 3 duyệt được ngay; chưa duyệt được: "
                                          "1 còn ý kiến chưa xử lý, 1 do chính bạn đề cử hoặc sửa. Đang xem 5")
    show.set_value(review.OWN)
    at.run()
    assert list(at.dataframe[0].value["Họ và tên"]) == ["Lý Thị Mai"]
    at.selectbox(key="review.show").set_value(review.APPROVABLE)
    at.run()
    assert len(at.dataframe[0].value) == 3 and all(at.dataframe[0].value["Duyệt được?"] == "Được")


def test_one_chosen_row_opens_the_nominations_file(queue):
    at = queue
    names = list(at.dataframe[0].value["Họ và tên"])
    at = select_rows(at, table_key(at), names.index("Nguyễn Văn An"))
    assert [h.value for h in at.subheader][-1].endswith("Nguyễn Văn An")
    assert len(at.dataframe) == 2  # the queue, the household; no objection, no history yet
    members = at.dataframe[1].value
    assert list(members["Họ và tên"]) == ["Nguyễn Văn An (đề cử này)", "Trần Thị Bình", "Nguyễn Văn Cường"]
    assert list(members["Giấy tờ"]) == ["••••••••0123", "••••••••0124", "••••••6789"]  # masked as the lists mask
    assert any("Khuyết tật" in as_read(m.value) for m in at.markdown)
    assert [s.value for s in at.success] == ["Duyệt được ngay."]
    at = select_rows(at, table_key(at), names.index("Đặng Văn H"))
    objections, history = at.dataframe[2].value, at.dataframe[3].value
    assert list(objections["Người nêu"]) == ["Bà Năm"] and list(objections["Kết quả xử lý"]) == ["Chưa xử lý"]
    assert list(history["Việc"]) == ["Ghi ý kiến"] and list(history["Người làm"]) == ["Nguyễn Thị Hoa"]
    assert as_read(at.warning[-1].value).startswith("Chưa duyệt được: còn 1 ý kiến chưa xử lý")
    at = select_rows(at, table_key(at), 0, 1)
    assert "Chọn đúng một dòng để xem hồ sơ đề cử." in [c.value for c in at.caption]
    assert len(at.dataframe) == 1
