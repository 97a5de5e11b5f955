"""A commune's nominations, households together: status, priority and its reason, the reviewer's comment, filters and
paging. Rows selected in the table are acted on: a household seen whole, edit, withdraw with a reason, renew."""

import pandas as pd
import streamlit as st

from donation.common.dates import today_vn
from donation.common.errors import DonationError
from donation.premium.rule_data import DONOR_GROUPS, GROUP_NAMES
from donation.registry import nominations
from donation.registry.nomination_rows import DAMAGE_NAMES, FLAG_NAMES
from pages import _auth, _widgets
from pages._plain import plain

PAGE_SIZE = 50
TABLE = "nominations.table"  # the table's selection: positions of this run's rows
EDITING = "nominations.editing"  # the nomination whose form is open, and its cells
FLASH = "nominations.flash"
# Widths in pixels: the columns an official reads first fit a 1366-pixel screen beside the menu; the rest scroll.
COLUMNS = {
    "Hộ": st.column_config.TextColumn(width=165, help="Chủ hộ (hoặc người đề cử đầu tiên) và mã hộ trong tệp"),
    "Quan hệ": st.column_config.TextColumn(width=70),
    "Họ và tên": st.column_config.TextColumn(width=150),
    "Năm sinh": st.column_config.NumberColumn(width=70, format="%d"),
    "Nhóm": st.column_config.TextColumn(width=105),
    "Trạng thái": st.column_config.TextColumn(width=110),
    "Điểm": st.column_config.NumberColumn(width=50, format="%d"),
    "Ý kiến xét duyệt": st.column_config.TextColumn(width=200, help="Của BHXH tỉnh khi trả lại hoặc từ chối"),
    "Giấy tờ": st.column_config.TextColumn(width=100, help="Số CCCD hoặc mã số BHXH, chỉ hiện 4 số cuối"),
    "Thôn/Tổ": st.column_config.TextColumn(width=90),
    "Vì sao": st.column_config.TextColumn(width=260, help="Điểm ưu tiên tính theo trọng số của quản trị viên"),
    "Duyệt đến": st.column_config.TextColumn(width=85),
}


def table(rows: list[nominations.NominationRow]) -> pd.DataFrame:
    return pd.DataFrame({
        "Hộ": [r.household for r in rows], "Quan hệ": [r.relation for r in rows],
        "Họ và tên": [r.full_name for r in rows], "Năm sinh": [r.birth_date.year for r in rows],
        "Nhóm": [GROUP_NAMES[r.group] for r in rows],
        "Trạng thái": [nominations.STATUS_NAMES[r.status] for r in rows], "Điểm": [r.priority_score for r in rows],
        "Ý kiến xét duyệt": [r.reviewer_says for r in rows], "Giấy tờ": [r.identifier for r in rows],
        "Thôn/Tổ": [r.village for r in rows], "Vì sao": [r.priority_explanation for r in rows],
        "Duyệt đến": [f"{r.approved_until:%d/%m/%Y}" if r.approved_until else "" for r in rows],
    }, columns=list(COLUMNS))


def done(message: str) -> str:
    """After an action: the selection and the open form refer to rows that changed; the next run clears them."""
    st.session_state["nominations.clear"] = True
    st.session_state.pop(EDITING, None)
    return message


actor = _auth.require_page(__file__)
st.title("Danh sách đề cử")
_widgets.show_flash(FLASH)
commune = _widgets.commune_picker(actor, "nominations.commune")
if commune is None:
    st.stop()
left, middle, right = st.columns([2, 2, 1])
status = left.selectbox("Trạng thái", [None, *nominations.LIST_FILTERS], key="nominations.status",
                        format_func=lambda s: "Tất cả" if s is None else nominations.LIST_FILTERS[s], placeholder="Chọn…")
search = middle.text_input("Tìm theo tên (không cần dấu)", key="nominations.search")
page = right.number_input("Trang", min_value=1, value=1, step=1, key="nominations.page")
view = (commune, status, search, int(page))
if st.session_state.pop("nominations.clear", False) or st.session_state.get("nominations.view") != view:
    # Other rows now, or rows just changed: a selection (kept by position) would point at the wrong people.
    st.session_state["nominations.view"] = view
    st.session_state[TABLE] = {"selection": {"rows": [], "columns": [], "cells": []}}
rows, total = nominations.list_nominations(actor, commune_code=commune, status=status, search=search, limit=PAGE_SIZE,
                                        offset=(int(page) - 1) * PAGE_SIZE)
st.caption(f"{total} người; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}; người cùng hộ đứng liền nhau, hộ có "
           "điểm ưu tiên cao đứng trước. Chọn dòng (ô vuông đầu dòng) để xem cả hộ, sửa, rút hoặc gia hạn.")
event = st.dataframe(table(rows), key=TABLE, on_select="rerun", selection_mode="multi-row", hide_index=True,
                     width="stretch", column_config=COLUMNS)
chosen = [rows[i] for i in event.selection.rows if i < len(rows)]
if not chosen:
    st.info("Chưa chọn đề cử nào: bấm vào ô vuông đầu một dòng (hoặc nhiều dòng) trong bảng.")
    st.stop()

today = today_vn()
if len(chosen) == 1:
    row = chosen[0]
    st.subheader(f"{plain(row.full_name)} · {nominations.STATUS_NAMES[row.status]}")
    if row.reviewer_says:
        title = "Lý do từ chối" if row.status == "rejected" else "BHXH tỉnh trả lại, cần sửa"
        st.warning(f"**{title}:** {plain(row.reviewer_says)}")
    members = nominations.household_members(actor, row.id)
    st.markdown(f"**Hộ {plain(row.household)}: {len(members)} người được đề cử**")
    st.dataframe(pd.DataFrame({
        "Họ và tên": [m.full_name for m in members], "Quan hệ": [m.relation for m in members],
        "Năm sinh": [m.birth_date.year for m in members], "Nhóm": [GROUP_NAMES[m.group] for m in members],
        "Trạng thái": [nominations.STATUS_NAMES[m.status] for m in members],
        "Điểm": [m.priority_score for m in members], "Ý kiến xét duyệt": [m.reviewer_says for m in members],
    }), hide_index=True, width="stretch",
        column_config={name: COLUMNS[name] for name in ("Năm sinh", "Điểm", "Ý kiến xét duyệt")})
    on_page = [index for index, other in enumerate(rows) if other.household_id == row.household_id]
    if len(on_page) > 1:
        st.button(f"Chọn cả hộ ({len(on_page)} người trên trang này)", key="nominations.select_household",
                  on_click=lambda: st.session_state.update(
                      {TABLE: {"selection": {"rows": on_page, "columns": [], "cells": []}}}))
else:
    st.subheader(f"Đã chọn {len(chosen)} đề cử")
    st.caption(plain(", ".join(r.full_name for r in chosen)))

withdrawable = [r for r in chosen if r.status in nominations.WITHDRAWABLE]
renewable = [r for r in chosen if r.due_for_renewal(today)]
editable = len(chosen) == 1 and chosen[0].status in nominations.EDITABLE
if not (withdrawable or renewable or editable):
    st.caption("Đề cử đã chọn không sửa, rút hay gia hạn được ở trạng thái này.")

if editable:
    row = chosen[0]
    opened = st.session_state.get(EDITING)
    if opened is None or opened[0] != row.id:
        st.caption("Sửa được khi chưa bị từ chối hay rút; đề cử đã duyệt mà sửa thì phải được xét duyệt lại. Mở hồ sơ "
                   "hiện đầy đủ số CCCD và mã số BHXH; việc xem được ghi vào nhật ký.")
        if st.button("Mở hồ sơ để sửa", key="nominations.open", icon=":material/edit:"):
            try:
                st.session_state[EDITING] = (row.id, nominations.nomination_cells(actor, row.id))
                st.rerun()
            except DonationError as exc:
                st.error(plain(exc))
    else:
        cells = opened[1]
        with st.form("nominations.edit"):
            st.markdown(f"**Sửa hồ sơ {plain(row.full_name)}**")
            key = f"nominations.edit.{row.id}"
            left, right = st.columns(2)
            groups, damages = list(DONOR_GROUPS), ["", *DAMAGE_NAMES]
            changed = {
                "full_name": left.text_input("Họ và tên", value=cells["full_name"], key=f"{key}.name"),
                "birth_date": right.text_input("Ngày sinh", value=cells["birth_date"], key=f"{key}.birth"),
                "gender": left.selectbox("Giới tính", ["Nam", "Nữ"], index=0 if cells["gender"] != "Nữ" else 1,
                                         key=f"{key}.gender", placeholder="Chọn…"),
                "national_id": right.text_input("Số CCCD", value=cells["national_id"], key=f"{key}.cccd"),
                "social_insurance_code": left.text_input("Mã số BHXH", value=cells["social_insurance_code"],
                                                         key=f"{key}.bhxh"),
                "group": right.selectbox("Nhóm", groups, format_func=GROUP_NAMES.get, key=f"{key}.group",
                                         index=groups.index(cells["group"]) if cells["group"] in groups else 0, placeholder="Chọn…"),
                "relation": left.text_input("Quan hệ với chủ hộ", value=cells["relation"], key=f"{key}.relation"),
                "village": right.text_input("Thôn/Tổ", value=cells["village"], key=f"{key}.village"),
                "need_flags": ";".join(left.multiselect(
                    "Hoàn cảnh", list(FLAG_NAMES), format_func=FLAG_NAMES.get, key=f"{key}.flags",
                    default=[f for f in cells["need_flags"].split(";") if f in FLAG_NAMES],
                    placeholder="Không có hoàn cảnh đặc biệt")),
                "flood_damage": right.selectbox("Thiệt hại do bão lũ", damages, key=f"{key}.damage",
                                                format_func=lambda k: DAMAGE_NAMES.get(k, "Không"),
                                                index=damages.index(cells["flood_damage"])
                                                if cells["flood_damage"] in damages else 0, placeholder="Chọn…"),
                "school": left.text_input("Trường", value=cells["school"], key=f"{key}.school"),
                "health_facility": right.text_input("Nơi KCB ban đầu", value=cells["health_facility"],
                                                    key=f"{key}.facility"),
                "current_card_until": left.text_input("Hạn thẻ hiện tại", value=cells["current_card_until"],
                                                      key=f"{key}.card"),
                "reason": right.text_input("Lý do đề cử", value=cells["reason"], key=f"{key}.reason"),
            }
            save, cancel = st.columns([1, 1])
            if cancel.form_submit_button("Đóng, không lưu", width="stretch"):
                st.session_state.pop(EDITING, None)
                st.rerun()
            if save.form_submit_button("Lưu thay đổi", type="primary", width="stretch"):
                _widgets.act(FLASH, lambda: nominations.update_nomination(actor, row.id, changed),
                             lambda status: done(f"Đã lưu hồ sơ {plain(row.full_name)}. Trạng thái: "
                                                 f"{nominations.STATUS_NAMES[status]}."))

if withdrawable:
    with st.form("nominations.withdraw", clear_on_submit=False):
        names = ", ".join(r.full_name for r in withdrawable)
        st.markdown(f"**Rút đề cử:** {plain(names)}")
        if len(withdrawable) < len(chosen):
            st.caption(f"{len(chosen) - len(withdrawable)} đề cử đã chọn đã duyệt, bị từ chối hoặc đã rút: không rút.")
        reason = st.text_input("Lý do (đã mất, chuyển đi, đã có thẻ khác…)", key="nominations.withdraw_reason")
        if st.form_submit_button(f"Rút {len(withdrawable)} đề cử", key="nominations.withdraw_button"):
            def withdrawn(count: int) -> str:
                del st.session_state["nominations.withdraw_reason"]  # cleared after success, kept when refused
                return done(f"Đã rút {count} đề cử: {plain(names)}.")

            _widgets.act(FLASH, lambda: nominations.withdraw_many(actor, [r.id for r in withdrawable], reason),
                         withdrawn)

if renewable:
    st.markdown(f"**Gia hạn:** {plain(', '.join(r.full_name for r in renewable))}")
    st.caption(f"Việc duyệt có hiệu lực một năm chương trình. Gia hạn được trong {nominations.RENEWAL_NOTICE_DAYS} "
               "ngày cuối hoặc sau khi hết hạn: đề cử được niêm yết lại ở xã rồi tỉnh xét duyệt lại; thẻ đã mua không "
               "bị ảnh hưởng.")
    if st.button(f"Gia hạn {len(renewable)} đề cử", key="nominations.renew"):
        _widgets.act(FLASH, lambda: nominations.renew(actor, [r.id for r in renewable]),
                     lambda renewed: done(f"Đã gia hạn {renewed} đề cử: chờ niêm yết lại rồi xét duyệt."))
