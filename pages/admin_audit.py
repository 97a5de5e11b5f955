"""Administrator: the audit log, filtered and paged, with the state of its hash chain."""

import pandas as pd
import streamlit as st

from donation.access import audit
from donation.common.dates import format_datetime_vn
from pages import _auth

PAGE_SIZE = 50
actor = _auth.require_page(__file__)
st.title("Nhật ký thay đổi")
check = audit.check_chain(actor)
(st.success if check.ok else st.error)(check.summary())
for note in check.notes:
    st.caption(note)

left, middle, right = st.columns(3)
who = left.text_input("Người thực hiện", key="audit.actor").strip() or None
action = middle.text_input("Hành động", key="audit.action").strip() or None
entity = right.text_input("Đối tượng", key="audit.entity").strip() or None
page = st.number_input("Trang", min_value=1, value=1, step=1, key="audit.page")
rows, total = audit.browse(actor, by=who, action=action, entity=entity, limit=PAGE_SIZE,
                           offset=(int(page) - 1) * PAGE_SIZE)
st.caption(f"{total} sự kiện khớp; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}")
st.dataframe(pd.DataFrame({
    "Số": [r.seq for r in rows], "Thời điểm": [format_datetime_vn(r.at) for r in rows],
    "Người thực hiện": [r.actor for r in rows], "Hành động": [r.action for r in rows],
    "Đối tượng": [r.entity for r in rows], "Mã": [r.entity_id or "" for r in rows],
    "Trước": [r.before or "" for r in rows], "Sau": [r.after or "" for r in rows],
}), hide_index=True, width="stretch")
