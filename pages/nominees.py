"""A commune's nominees: status, priority and its reason, filters and paging; withdraw one not yet approved."""

import pandas as pd
import streamlit as st

from donation import registry
from donation.errors import DonationError
from donation.priority import GROUP_NAMES
from pages import _auth, _widgets

PAGE_SIZE = 50
actor = _auth.require_page(__file__)
st.title("Danh sách đề cử")
commune = _widgets.commune_picker(actor, "nominees.commune")
if commune is None:
    st.stop()
left, right = st.columns(2)
status = left.selectbox("Trạng thái", [None, *registry.STATUS_NAMES], key="nominees.status",
                        format_func=lambda s: "Tất cả" if s is None else registry.STATUS_NAMES[s])
search = right.text_input("Tìm theo tên (không cần dấu)", key="nominees.search")
page = st.number_input("Trang", min_value=1, value=1, step=1, key="nominees.page")
rows, total = registry.list_nominations(actor, commune_code=commune, status=status, search=search, limit=PAGE_SIZE,
                                        offset=(int(page) - 1) * PAGE_SIZE)
st.caption(f"{total} người; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}; xếp theo điểm ưu tiên")
st.dataframe(pd.DataFrame({
    "Mã": [r.id for r in rows], "Họ và tên": [r.full_name for r in rows],
    "Năm sinh": [r.birth_date.year for r in rows], "Giấy tờ": [r.identifier for r in rows],
    "Nhóm": [GROUP_NAMES[r.group] for r in rows], "Thôn/Tổ": [r.village for r in rows],
    "Trạng thái": [registry.STATUS_NAMES[r.status] for r in rows], "Điểm": [r.priority_score for r in rows],
    "Vì sao": [r.priority_explanation for r in rows],
}), hide_index=True, width="stretch")

with st.form("nominees.withdraw", clear_on_submit=True):
    st.subheader("Rút đề cử")
    chosen = st.number_input("Mã đề cử", min_value=1, step=1, key="nominees.withdraw_id")
    reason = st.text_input("Lý do (đã mất, chuyển đi, đã có thẻ khác…)", key="nominees.withdraw_reason")
    if st.form_submit_button("Rút đề cử"):
        try:
            registry.withdraw(actor, int(chosen), reason)
        except DonationError as exc:
            st.error(str(exc))
        else:
            st.success(f"Đã rút đề cử {int(chosen)}.")
