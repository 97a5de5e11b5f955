"""Public posting at the commune: post the waiting nominations, print the list, record and resolve objections."""

import streamlit as st

from donation.common.dates import format_date, parse_date, today_vn
from donation.common.errors import DonationError
from donation.registry import review
from donation.registry.posting_pdf import posting_pdf
from pages import _auth, _widgets
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Niêm yết và ý kiến")
commune = _widgets.commune_picker(actor, "posting.commune")
if commune is None:
    st.stop()

if st.button("Niêm yết các đề cử đang chờ", type="primary", key="posting.post"):
    try:
        posting = review.post_list(actor, commune_code=commune)
    except DonationError as exc:
        st.error(plain(exc))
    else:
        st.success(f"Đã niêm yết {posting.count} người từ {format_date(posting.posted_on)}; nhận ý kiến đến hết "
                   f"{format_date(posting.objection_until)}.")

st.subheader("In danh sách niêm yết")
posted_text = st.text_input("Ngày niêm yết (dd/mm/yyyy)", value=format_date(today_vn()), key="posting.date")
try:
    name, until, lines = review.posted_lines(actor, commune_code=commune,
                                             posted_on=parse_date(posted_text, field="Ngày niêm yết"))
except DonationError as exc:
    st.info(plain(exc))
else:
    posted_on = parse_date(posted_text)
    st.download_button(f"Tải danh sách {len(lines)} người (PDF)", on_click="ignore", key="posting.pdf",
                       mime="application/pdf",
                       data=lambda: posting_pdf(name, posted_on, until, lines),
                       file_name=f"niem-yet-{commune}-{posted_on:%Y%m%d}.pdf")

st.subheader("Ghi ý kiến")
with st.form("posting.objection", clear_on_submit=True):
    nomination = st.number_input("Mã đề cử", min_value=1, step=1, key="posting.nomination")
    raised_by = st.text_input("Người nêu ý kiến", key="posting.raised_by")
    content = st.text_area("Nội dung", key="posting.content")
    raised_on = st.text_input("Ngày nhận (dd/mm/yyyy)", value=format_date(today_vn()), key="posting.raised_on")
    if st.form_submit_button("Ghi ý kiến"):
        try:
            objection = review.record_objection(actor, int(nomination), raised_by=raised_by, content=content,
                                                raised_on=parse_date(raised_on, field="Ngày nhận"))
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.success(f"Đã ghi ý kiến số {objection}; đề cử chưa được duyệt cho đến khi ý kiến được xử lý.")

with st.form("posting.resolve", clear_on_submit=True):
    objection_id = st.number_input("Số ý kiến", min_value=1, step=1, key="posting.objection_id")
    resolution = st.text_area("Kết quả xử lý", key="posting.resolution")
    if st.form_submit_button("Ghi kết quả xử lý"):
        try:
            review.resolve_objection(actor, int(objection_id), resolution)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.success("Đã ghi kết quả xử lý.")
