"""Administrator: user accounts: search, select one in the table to disable, re-enable or reset its password; create."""

import pandas as pd
import streamlit as st

from donation.access import auth
from donation.access.actors import COMMUNE_OFFICIAL, PROVINCE_OFFICER, ROLE_NAMES
from donation.common.dates import format_datetime_vn
from donation.premium import quotes
from pages import _auth, _widgets
from pages._plain import plain

FLASH = "users.flash"
actor = _auth.require_page(__file__)
st.title("Người dùng")
_widgets.show_flash(FLASH)
province_names = {u.code: u.name for u in quotes.calculator_options().provinces}

search, by_role, by_province = st.columns([2, 1, 1])
text = search.text_input("Tìm người dùng", placeholder="Họ tên, tên đăng nhập, vai trò hoặc tỉnh (gõ có dấu hay "
                         "không dấu đều được)", key="users.search")
role_filter = by_role.selectbox("Vai trò", [None, *ROLE_NAMES], key="users.filter_role",
                                format_func=lambda r: "Mọi vai trò" if r is None else ROLE_NAMES[r], placeholder="Chọn…")
province_filter = by_province.selectbox("Tỉnh", [None, *province_names], key="users.filter_province",
                                        format_func=lambda p: "Mọi tỉnh" if p is None else province_names[p], placeholder="Chọn…")
rows = auth.list_users(actor, search=text, role=role_filter, province_code=province_filter)
commune_names = {u.code: u.name for p in sorted({r.province_code for r in rows if r.commune_code})
                 for u in quotes.communes_of(p)}

st.caption(f"{len(rows)} tài khoản. Chọn một dòng (ô đầu dòng) để vô hiệu hóa, cho hoạt động lại hoặc đặt lại mật khẩu.")
# The table's key follows the filters: a selection never moves to another account when the list changes.
table = st.dataframe(pd.DataFrame({
    "Tên đăng nhập": [r.username for r in rows], "Họ tên": [r.display_name for r in rows],
    "Vai trò": [ROLE_NAMES[r.role] for r in rows],
    "Tỉnh": [province_names.get(r.province_code, "") for r in rows],
    "Xã": [commune_names.get(r.commune_code, "") for r in rows],
    "Trạng thái": ["Hoạt động" if r.is_active else "Vô hiệu hóa" for r in rows],
    "Khóa đến": [format_datetime_vn(r.locked_until) if r.locked_until else "" for r in rows],
}), hide_index=True, width="stretch", height=min(420, 38 + 35 * max(len(rows), 1)), on_select="rerun",
    selection_mode="single-row", key=f"users.table.{text}.{role_filter}.{province_filter}")

picked = table.selection.rows
if picked and picked[0] < len(rows):
    target = rows[picked[0]]
    st.subheader(plain(f"{target.display_name} ({target.username})"))
    left, right = st.columns(2)
    with left:
        st.markdown(f"{ROLE_NAMES[target.role]} · "
                    f"{'đang hoạt động' if target.is_active else 'đã bị vô hiệu hóa'}")
        if target.id == actor.user_id:
            st.caption("Đây là tài khoản bạn đang dùng: không tự vô hiệu hóa được.")
        elif target.is_active:
            if st.button("Vô hiệu hóa tài khoản", key="users.disable"):
                _widgets.act(FLASH, lambda: auth.set_active(actor, target.id, False),
                             lambda done: plain(f"Đã vô hiệu hóa {done.username}; các phiên đăng nhập của người "
                                                "này đã kết thúc."))
        elif st.button("Cho hoạt động lại", key="users.enable", type="primary"):
            _widgets.act(FLASH, lambda: auth.set_active(actor, target.id, True),
                         lambda done: plain(f"{done.username} đã hoạt động lại."))
    with right, st.form("users.reset", clear_on_submit=True):
        new_password = st.text_input(f"Mật khẩu mới (ít nhất {auth.MIN_PASSWORD_LENGTH} ký tự)", type="password",
                                     key="users.new_password")
        again = st.text_input("Nhập lại mật khẩu mới", type="password", key="users.new_password_again")
        if st.form_submit_button("Đặt lại mật khẩu"):
            if new_password != again:
                st.error("Hai lần nhập mật khẩu mới không giống nhau: nhập lại.")
            else:
                _widgets.act(FLASH, lambda: auth.reset_password(actor, target.id, new_password),
                             lambda done: plain(f"Đã đặt lại mật khẩu của {done.username}; các phiên đăng nhập "
                                                "của người này đã kết thúc."))

with st.expander("Tạo tài khoản", expanded=not rows):
    role = st.selectbox("Vai trò", list(ROLE_NAMES), format_func=ROLE_NAMES.get, key="users.role", placeholder="Chọn…")
    province = commune = None
    if role in (COMMUNE_OFFICIAL, PROVINCE_OFFICER):
        province = st.selectbox("Tỉnh phụ trách", list(province_names), format_func=province_names.get,
                                key="users.province", placeholder="Chọn…")
        if role == COMMUNE_OFFICIAL:
            communes = {u.code: u.name for u in quotes.communes_of(province)}
            commune = st.selectbox("Xã phụ trách", list(communes), format_func=communes.get, key="users.commune", placeholder="Chọn…")
    with st.form("users.create", clear_on_submit=True):
        username = st.text_input("Tên đăng nhập", key="users.username")
        display_name = st.text_input("Họ và tên", key="users.display_name")
        password = st.text_input(f"Mật khẩu ban đầu (ít nhất {auth.MIN_PASSWORD_LENGTH} ký tự)", type="password",
                                 key="users.password")
        if st.form_submit_button("Tạo tài khoản"):
            _widgets.act(FLASH, lambda: auth.create_user(actor, username=username, password=password, role=role,
                                                         display_name=display_name, province_code=province,
                                                         commune_code=commune),
                         lambda created: plain(f"Đã tạo tài khoản {created.username}."))
