"""Pledges: a donor's own, or an office's. Select a row to see what is due, its VietQR and the PDF, and to cancel it
where the pledge may still be cancelled."""

import pandas as pd
import streamlit as st

from donation.access.actors import DONOR
from donation.common.money import format_vnd
from donation.pledges import pledges
from donation.pledges.states import STATUS_NAMES
from pages import _auth, _widgets
from pages._plain import plain

PAGE_SIZE = 50
actor = _auth.require_page(__file__)
st.title("Danh sách cam kết")
st.caption("Cam kết của bạn." if actor.role == DONOR else "Cam kết mà văn phòng của bạn nhận tiền.")
_widgets.show_flash("pledges.flash")
left, right = st.columns(2)
status = left.selectbox("Trạng thái", [None, *STATUS_NAMES], key="pledges.status",
                        format_func=lambda s: "Tất cả" if s is None else STATUS_NAMES[s], placeholder="Chọn…")
page = right.number_input("Trang", min_value=1, value=1, step=1, key="pledges.page")
rows, total = pledges.list_pledges(actor, status=status, limit=PAGE_SIZE, offset=(int(page) - 1) * PAGE_SIZE)
st.caption(f"{total} cam kết; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}; mới nhất trước. "
           "Bấm vào một dòng để xem, tải giấy xác nhận hoặc hủy.")
if not rows:
    st.info("Chưa có cam kết nào." + (" Ghi cam kết ở trang Cam kết tài trợ." if actor.role == DONOR else ""))
    if actor.role == DONOR:
        st.page_link("pages/pledge.py", label="Đóng góp ngay", icon=":material/volunteer_activism:")
    st.stop()

columns = {"Mã": [r.code for r in rows]}
if actor.role != DONOR:  # a donor's list is all theirs
    columns["Nhà tài trợ"] = [r.donor for r in rows]
columns |= {
    "Phạm vi": [r.scope for r in rows], "Cam kết": [format_vnd(r.amount) for r in rows],
    "Đã nộp": [format_vnd(r.paid) for r in rows], "Chờ xác nhận": [format_vnd(r.awaiting) if r.awaiting else ""
                                                                    for r in rows],
    "Còn phải nộp": [format_vnd(r.due_now) for r in rows],
    "Nộp thừa": [format_vnd(r.over) if r.over else "" for r in rows], "Trạng thái": [r.status_name for r in rows],
    "Ngày": [f"{r.quoted_on:%d/%m/%Y}" for r in rows],
}
# the table's page and filter are in its key: another page starts with nothing selected
picked = st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch", on_select="rerun",
                      selection_mode="single-row", key=f"pledges.table.{status}.{int(page)}")
selected = picked.selection.rows
if not selected:
    st.stop()
chosen = rows[selected[0]]
_widgets.pledge_sheet(actor, chosen.code)
refusal = pledges.cancel_refusal(actor, chosen)
if refusal is None:
    with st.expander(f"Hủy cam kết {chosen.code}"):
        with st.form(f"pledges.cancel.{chosen.code}"):
            reason = st.text_input("Lý do hủy", key="pledges.cancel_reason")
            if st.form_submit_button("Hủy cam kết này"):
                _widgets.act("pledges.flash", lambda: pledges.cancel_pledge(actor, chosen.code, reason),
                             lambda _: f"Đã hủy cam kết {chosen.code}.")
elif chosen.status in ("pledged", "partly_paid"):  # it could be cancelled, but not now or not by this user: say why
    st.caption(plain(refusal))
