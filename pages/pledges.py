"""Pledges: a donor's own, or an office's; open one to see what is due, its VietQR and the PDF, or cancel it."""

import pandas as pd
import streamlit as st

from donation.access.actors import DONOR
from donation.common.money import format_vnd
from donation.pledges import pledges
from donation.pledges.states import STATUS_NAMES
from pages import _auth, _widgets

PAGE_SIZE = 50
actor = _auth.require_page(__file__)
st.title("Danh sách cam kết")
st.caption("Cam kết của bạn." if actor.role == DONOR else "Cam kết mà văn phòng của bạn nhận tiền.")
_widgets.show_flash("pledges.flash")
left, right = st.columns(2)
status = left.selectbox("Trạng thái", [None, *STATUS_NAMES], key="pledges.status",
                        format_func=lambda s: "Tất cả" if s is None else STATUS_NAMES[s])
page = right.number_input("Trang", min_value=1, value=1, step=1, key="pledges.page")
rows, total = pledges.list_pledges(actor, status=status, limit=PAGE_SIZE, offset=(int(page) - 1) * PAGE_SIZE)
st.caption(f"{total} cam kết; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}; mới nhất trước")
if not rows:
    st.info("Chưa có cam kết nào." + (" Ghi cam kết ở trang Cam kết tài trợ." if actor.role == DONOR else ""))
    st.stop()
st.dataframe(pd.DataFrame({
    "Mã": [r.code for r in rows], "Nhà tài trợ": [r.donor for r in rows], "Phạm vi": [r.scope for r in rows],
    "Cam kết": [format_vnd(r.amount) for r in rows], "Đã nộp": [format_vnd(r.paid) for r in rows],
    "Còn phải nộp": [format_vnd(r.due) for r in rows],
    "Nộp thừa": [format_vnd(r.over) if r.over else "" for r in rows], "Trạng thái": [r.status_name for r in rows],
    "Ngày": [f"{r.quoted_on:%d/%m/%Y}" for r in rows],
}), hide_index=True, width="stretch")

chosen = st.selectbox("Xem cam kết", [r.code for r in rows], key="pledges.open", index=None,
                      placeholder="Chọn mã cam kết")
if chosen:
    _widgets.pledge_sheet(actor, chosen)
    with st.form("pledges.cancel"):
        reason = st.text_input("Lý do hủy", key="pledges.cancel_reason")
        if st.form_submit_button("Hủy cam kết này"):
            _widgets.act("pledges.flash", lambda: pledges.cancel_pledge(actor, chosen, reason),
                         lambda _: f"Đã hủy cam kết {chosen}.")
