"""A commune's nominations: status, priority and its reason, filters and paging; withdraw, edit, renew approvals."""

import pandas as pd
import streamlit as st

from donation.common.errors import DonationError
from donation.premium.rule_data import GROUP_NAMES
from donation.registry import nominations
from pages import _auth, _widgets
from pages._plain import plain

PAGE_SIZE = 50
actor = _auth.require_page(__file__)
st.title("Danh sách đề cử")
_widgets.show_flash("nominations.flash")
commune = _widgets.commune_picker(actor, "nominations.commune")
if commune is None:
    st.stop()
left, right = st.columns(2)
status = left.selectbox("Trạng thái", [None, *nominations.LIST_FILTERS], key="nominations.status",
                        format_func=lambda s: "Tất cả" if s is None else nominations.LIST_FILTERS[s])
search = right.text_input("Tìm theo tên (không cần dấu)", key="nominations.search")
page = st.number_input("Trang", min_value=1, value=1, step=1, key="nominations.page")
rows, total = nominations.list_nominations(actor, commune_code=commune, status=status, search=search, limit=PAGE_SIZE,
                                        offset=(int(page) - 1) * PAGE_SIZE)
st.caption(f"{total} người; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}; xếp theo điểm ưu tiên")
st.dataframe(pd.DataFrame({
    "Mã": [r.id for r in rows], "Họ và tên": [r.full_name for r in rows],
    "Năm sinh": [r.birth_date.year for r in rows], "Giấy tờ": [r.identifier for r in rows],
    "Nhóm": [GROUP_NAMES[r.group] for r in rows], "Thôn/Tổ": [r.village for r in rows],
    "Trạng thái": [nominations.STATUS_NAMES[r.status] for r in rows], "Điểm": [r.priority_score for r in rows],
    "Vì sao": [r.priority_explanation for r in rows],
    "Duyệt đến": [f"{r.approved_until:%d/%m/%Y}" if r.approved_until else "" for r in rows],
}), hide_index=True, width="stretch")

if status == nominations.DUE_FOR_RENEWAL and rows:
    with st.form("nominations.renew"):
        st.subheader("Gia hạn")
        st.caption(f"Việc duyệt có hiệu lực một năm chương trình. Gia hạn được trong {nominations.RENEWAL_NOTICE_DAYS} "
                   "ngày cuối hoặc sau khi hết hạn: đề cử được niêm yết lại ở xã rồi tỉnh xét duyệt lại; "
                   "thẻ đã mua không bị ảnh hưởng.")
        chosen_ids = st.multiselect("Đề cử cần gia hạn (trang này)", [r.id for r in rows], key="nominations.renew_ids",
                                    format_func={r.id: f"{r.id} · {r.full_name}" for r in rows}.get,
                                    placeholder="Chọn đề cử")
        every = st.checkbox(f"Chọn cả {len(rows)} đề cử của trang này", key="nominations.renew_all")
        if st.form_submit_button("Gia hạn"):
            _widgets.act("nominations.flash", lambda: nominations.renew(actor, [r.id for r in rows] if every else chosen_ids),
                         lambda renewed: f"Đã gia hạn {renewed} đề cử: chờ niêm yết lại rồi xét duyệt.")

with st.form("nominations.withdraw"):
    st.subheader("Rút đề cử")
    chosen = st.number_input("Mã đề cử", min_value=1, step=1, key="nominations.withdraw_id")
    reason = st.text_input("Lý do (đã mất, chuyển đi, đã có thẻ khác…)", key="nominations.withdraw_reason")
    if st.form_submit_button("Rút đề cử"):
        def withdrawn(_) -> str:
            del st.session_state["nominations.withdraw_reason"]  # cleared after success, kept as typed when refused
            return f"Đã rút đề cử {int(chosen)}."

        _widgets.act("nominations.flash", lambda: nominations.withdraw(actor, int(chosen), reason), withdrawn)

st.subheader("Sửa đề cử")
st.caption("Sửa được khi chưa bị từ chối hay rút; đề cử đã duyệt mà sửa thì phải được xét duyệt lại.")
editing = st.number_input("Mã đề cử cần sửa", min_value=1, step=1, key="nominations.edit_id")
if st.button("Mở hồ sơ", key="nominations.open"):
    try:
        st.session_state["nominations.cells"] = nominations.nomination_cells(actor, int(editing))
        st.session_state["nominations.editing"] = int(editing)
    except DonationError as exc:
        st.error(plain(exc))
cells = st.session_state.get("nominations.cells")
if cells and st.session_state.get("nominations.editing") == int(editing):
    with st.form("nominations.edit"):
        left, right = st.columns(2)
        changed = {
            "full_name": left.text_input("Họ và tên", value=cells["full_name"]),
            "birth_date": right.text_input("Ngày sinh", value=cells["birth_date"]),
            "gender": left.selectbox("Giới tính", ["Nam", "Nữ"], index=0 if cells["gender"] != "Nữ" else 1),
            "national_id": right.text_input("Số CCCD", value=cells["national_id"]),
            "social_insurance_code": left.text_input("Mã số BHXH", value=cells["social_insurance_code"]),
            "group": right.selectbox("Nhóm", list(GROUP_NAMES)[:-1], format_func=GROUP_NAMES.get,
                                     index=list(GROUP_NAMES).index(cells["group"])),
            "relation": left.text_input("Quan hệ với chủ hộ", value=cells["relation"]),
            "village": right.text_input("Thôn/Tổ", value=cells["village"]),
            "need_flags": cells["need_flags"], "flood_damage": cells["flood_damage"],
            "school": left.text_input("Trường", value=cells["school"]),
            "health_facility": right.text_input("Nơi KCB ban đầu", value=cells["health_facility"]),
            "current_card_until": left.text_input("Hạn thẻ hiện tại", value=cells["current_card_until"]),
            "reason": right.text_input("Lý do", value=cells["reason"]),
        }
        if st.form_submit_button("Lưu thay đổi"):
            def saved(status: str) -> str:
                st.session_state.pop("nominations.cells", None)
                return f"Đã lưu. Trạng thái: {nominations.STATUS_NAMES[status]}."

            _widgets.act("nominations.flash", lambda: nominations.update_nomination(actor, int(editing), changed), saved)
