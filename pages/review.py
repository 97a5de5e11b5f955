"""The province's review queue: approve, reject with a reason, or return with a comment, one or many at once."""

import pandas as pd
import streamlit as st

from donation.common.dates import format_date
from donation.common.errors import DonationError
from donation.premium.rule_data import GROUP_NAMES
from donation.registry import review
from pages import _auth
from pages._plain import plain

PAGE_SIZE = 50
actor = _auth.require_page(__file__)
st.title("Xét duyệt đề cử")
if flash := st.session_state.pop("review.flash", None):
    st.success(flash)
left, right = st.columns(2)
commune = left.text_input("Lọc theo mã xã (để trống: cả tỉnh)", key="review.commune").strip() or None
page = right.number_input("Trang", min_value=1, value=1, step=1, key="review.page")
try:
    rows, total = review.review_queue(actor, commune_code=commune, limit=PAGE_SIZE, offset=(int(page) - 1) * PAGE_SIZE)
except DonationError as exc:
    st.error(plain(exc))
    st.stop()
st.caption(f"{total} đề cử đang niêm yết chờ duyệt; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}")
table = pd.DataFrame({
    "Mã": [r.id for r in rows], "Họ và tên": [r.full_name for r in rows],
    "Năm sinh": [r.birth_year for r in rows], "Xã (mã)": [r.commune_code for r in rows],
    "Nhóm": [GROUP_NAMES[r.group] for r in rows], "Điểm": [r.priority_score for r in rows],
    "Vì sao": [r.priority_explanation for r in rows],
    "Niêm yết đến": [format_date(r.objection_until) for r in rows],
    "Ý kiến chưa xử lý": [r.open_objections for r in rows],
})
st.dataframe(table, hide_index=True, width="stretch")
names = {r.id: f"{r.id} · {r.full_name}" for r in rows}
every = st.checkbox("Chọn tất cả đề cử trên trang này", key="review.all")
chosen = list(names) if every else st.multiselect("Chọn đề cử", list(names), format_func=names.get,
                                                  key="review.chosen", placeholder="Chọn đề cử")
note = st.text_input("Lý do từ chối hoặc nội dung cần sửa", key="review.note")
approve, reject, send_back = st.columns(3)
for column, decision, label in ((approve, "approve", "Duyệt"), (reject, "reject", "Từ chối"),
                                (send_back, "return", "Trả lại để sửa")):
    if column.button(f"{label} ({len(chosen)})", disabled=not chosen, key=f"review.{decision}"):
        try:
            done = review.decide(actor, chosen, decision, note)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.session_state["review.flash"] = f"Đã xử lý {done} đề cử."
            st.session_state.pop("review.chosen", None)
            st.rerun()
