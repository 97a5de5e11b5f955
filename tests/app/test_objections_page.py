"""Objections on the posting page through AppTest: recorded about a person chosen by name, resolved from the list of
objections by choosing its row (no number typed)."""

from datetime import timedelta

import pytest

from demo.seed import DEMO_PASSWORD
from donation.access import auth
from donation.common.dates import today_vn
from donation.registry import nominations, review
from tests.app.conftest import as_read, select_rows
from tests.app.test_sign_in import open_page, sign_in
from tests.workbooks import MIXED, workbook

pytestmark = pytest.mark.app
XA = 22276


@pytest.fixture
def posting(app):
    xa = auth.find_actor("demo.xa")
    posted = today_vn() - timedelta(days=2)
    nominations.import_nominations(xa, workbook(MIXED), "ds.xlsx", commune_code=XA, consent=True, today=posted)
    review.post_list(xa, commune_code=XA, today=posted)
    return open_page(sign_in(app, "demo.xa", DEMO_PASSWORD), "pages/posting.py")


def test_an_objection_is_recorded_by_name_then_resolved_from_the_list(posting):
    at = posting
    assert at.caption[-1].value == "Không có ý kiến nào chưa xử lý."
    person = at.selectbox(key="posting.nomination")
    assert person.options == ["Nguyễn Văn An · sinh năm 1985 · không ghi thôn",
                              "Trần Thị Bình · sinh năm 1987 · không ghi thôn",
                              "Nguyễn Văn Cường · sinh năm 2015 · không ghi thôn",
                              "Đặng Văn H · sinh năm 1975 · không ghi thôn"]
    at.text_input(key="posting.raised_by").input("Ông Nguyễn Văn Tư, thôn 1")
    at.text_area(key="posting.content").input("Hộ này đã có thẻ")
    at.button[-1].click()  # the form's button, no one chosen
    at.run()
    assert [e.value for e in at.error] == ["Chọn người được đề cử mà ý kiến nói đến"]
    chosen = next(p.id for p in review.posted_people(auth.find_actor("demo.xa"), commune_code=XA)
                  if p.full_name == "Đặng Văn H")
    at.selectbox(key="posting.nomination").set_value(chosen)
    at.text_input(key="posting.raised_by").input("Ông Nguyễn Văn Tư, thôn 1")
    at.text_area(key="posting.content").input("Hộ này đã có thẻ")
    next(b for b in at.button if b.label == "Ghi ý kiến").click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith("Đã ghi ý kiến số ")
    objections = at.dataframe[0].value
    assert list(objections["Người được đề cử"]) == ["Đặng Văn H"]
    assert list(objections["Kết quả xử lý"]) == ["Chưa xử lý"]
    assert at.caption[-1].value == "Chọn một ý kiến trong bảng (ô đầu dòng) để ghi kết quả xử lý."

    key = f"posting.objections.{XA}.False.0"
    select_rows(at, key, 0)
    assert any("Hộ này đã có thẻ" in as_read(m.value) for m in at.markdown)
    at.text_area(key="posting.resolution").input("Đã kiểm tra: thẻ cũ hết hạn 10/2026")
    next(b for b in at.button if b.label == "Ghi kết quả xử lý").click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith("Đã ghi kết quả xử lý ý kiến số ")
    assert at.caption[-1].value == "Không có ý kiến nào chưa xử lý."
    at.toggle(key="posting.every_objection").set_value(True)
    at.run()
    assert list(at.dataframe[0].value["Kết quả xử lý"]) == ["Đã kiểm tra: thẻ cũ hết hạn 10/2026"]
    assert review.objections_of(auth.find_actor("demo.xa"), commune_code=XA, open_only=True) == []
