"""Administrator: the audit log, filtered and paged, in words (actions, objects and changed fields in Vietnamese),
with the state of its hash chain."""

from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from donation.access import audit
from donation.common.dates import VN_TZ, format_datetime_vn
from donation.premium import quotes
from donation.reporting import audit_labels
from pages import _auth
from pages._plain import plain

PAGE_SIZE = 50
actor = _auth.require_page(__file__)
st.title("Nhật ký thay đổi")
check = audit.check_chain(actor)
(st.success if check.ok else st.error)(check.summary())
for note in check.notes:
    st.caption(note)

actions, entities = audit.used_values(actor)
action_names = audit_labels.named(actions, audit_labels.action_name)
entity_names = audit_labels.named(entities, audit_labels.entity_name)
first, second, third = st.columns(3)
action = first.selectbox("Hành động", [None, *action_names], key="audit.action",
                         format_func=lambda a: "Mọi hành động" if a is None else action_names[a], placeholder="Chọn…")
entity = second.selectbox("Đối tượng", [None, *entity_names], key="audit.entity",
                          format_func=lambda e: "Mọi đối tượng" if e is None else entity_names[e], placeholder="Chọn…")
who = third.text_input("Người thực hiện (tên đăng nhập)", key="audit.actor").strip().lower() or None
since_day, until_day, page_box = st.columns(3)
since = since_day.date_input("Từ ngày", value=None, format="DD/MM/YYYY", key="audit.since")
until = until_day.date_input("Đến ngày", value=None, format="DD/MM/YYYY", key="audit.until")
page = page_box.number_input("Trang", min_value=1, value=1, step=1, key="audit.page")
if since and until and until < since:
    st.warning("«Đến ngày» trước «Từ ngày»: không có sự kiện nào trong khoảng này.")


def _start_of(day):  # a Vietnamese calendar day's first instant
    return datetime.combine(day, time(), VN_TZ) if day else None


rows, total = audit.browse(actor, by=who, action=action, entity=entity, since=_start_of(since),
                           until=_start_of(until + timedelta(days=1)) if until else None, limit=PAGE_SIZE,
                           offset=(int(page) - 1) * PAGE_SIZE)
places = {0: "BHXH Việt Nam", **{u.code: u.name for u in quotes.calculator_options().provinces}}
changes = [audit_labels.change_lines(r.entity, r.before, r.after, r.entity_id, places) for r in rows]
st.caption(f"{total} sự kiện khớp; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}. Chọn một dòng để xem đủ "
           "thay đổi. Số định danh và thông tin cá nhân đã được che khi ghi.")
table = st.dataframe(pd.DataFrame({
    "Số": [r.seq for r in rows], "Thời điểm": [format_datetime_vn(r.at) for r in rows],
    "Người thực hiện": [r.actor for r in rows], "Hành động": [audit_labels.action_name(r.action) for r in rows],
    "Đối tượng": [audit_labels.object_text(r.entity, r.entity_id) for r in rows],
    "Thay đổi": ["; ".join(lines) for lines in changes],
}), hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
    key=f"audit.table.{action}.{entity}.{who}.{since}.{until}.{page}", column_config={
        "Số": st.column_config.NumberColumn("Số", format="%d", width="small"),
        "Thay đổi": st.column_config.TextColumn("Thay đổi", width="large")})
picked = table.selection.rows
if picked and picked[0] < len(rows):
    event, lines = rows[picked[0]], changes[picked[0]]
    st.subheader(f"Sự kiện {event.seq}: {audit_labels.action_name(event.action)}")
    st.markdown(plain(f"{audit_labels.object_text(event.entity, event.entity_id)} · {event.actor} · "
                      f"{format_datetime_vn(event.at)}"))
    st.text("\n".join(lines) if lines else "Không có trường nào thay đổi được ghi.")
