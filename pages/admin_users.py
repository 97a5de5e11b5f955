"""Administrator: user accounts: create, disable and re-enable, reset a password."""

import pandas as pd
import streamlit as st

from donation.access import auth
from donation.access.actors import COMMUNE_OFFICIAL, PROVINCE_OFFICER, ROLE_NAMES
from donation.common.dates import format_datetime_vn
from donation.common.errors import DonationError
from donation.premium import quotes
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Người dùng")

rows = auth.list_users(actor)
province_names = {u.code: u.name for u in quotes.calculator_options().provinces}
st.dataframe(pd.DataFrame({
    "Tên đăng nhập": [r.username for r in rows], "Họ tên": [r.display_name for r in rows],
    "Vai trò": [ROLE_NAMES[r.role] for r in rows],
    "Tỉnh": [province_names.get(r.province_code, str(r.province_code or "")) for r in rows],
    "Mã xã": [str(r.commune_code or "") for r in rows],  # text: a column of numbers and blanks would not display
    "Trạng thái": ["Hoạt động" if r.is_active else "Vô hiệu hóa" for r in rows],
    "Khóa đến": [format_datetime_vn(r.locked_until) if r.locked_until else "" for r in rows],
}), hide_index=True, width="stretch")

st.subheader("Tạo tài khoản")
role = st.selectbox("Vai trò", list(ROLE_NAMES), format_func=ROLE_NAMES.get, key="users.role")
province = commune = None
if role in (COMMUNE_OFFICIAL, PROVINCE_OFFICER):
    province = st.selectbox("Tỉnh phụ trách", list(province_names), format_func=province_names.get,
                            key="users.province")
    if role == COMMUNE_OFFICIAL:
        communes = {u.code: u.name for u in quotes.communes_of(province)}
        commune = st.selectbox("Xã phụ trách", list(communes), format_func=communes.get, key="users.commune")
with st.form("users.create", clear_on_submit=True):
    username = st.text_input("Tên đăng nhập", key="users.username")
    display_name = st.text_input("Họ và tên", key="users.display_name")
    password = st.text_input(f"Mật khẩu ban đầu (ít nhất {auth.MIN_PASSWORD_LENGTH} ký tự)", type="password",
                             key="users.password")
    if st.form_submit_button("Tạo tài khoản"):
        try:
            created = auth.create_user(actor, username=username, password=password, role=role,
                                       display_name=display_name, province_code=province, commune_code=commune)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.success(f"Đã tạo tài khoản {plain(created.username)}.")

st.subheader("Khóa, mở lại, đặt lại mật khẩu")
by_id = {r.id: r for r in rows}
chosen = st.selectbox("Tài khoản", list(by_id), format_func=lambda i: f"{by_id[i].username} ({by_id[i].display_name})",
                      key="users.chosen")
left, right = st.columns(2)
if chosen is not None:
    target = by_id[chosen]
    label = "Vô hiệu hóa" if target.is_active else "Cho hoạt động lại"
    if left.button(label, key="users.toggle"):
        try:
            auth.set_active(actor, chosen, not target.is_active)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.rerun()
    new_password = right.text_input("Mật khẩu mới", type="password", key="users.new_password")
    if right.button("Đặt lại mật khẩu", key="users.reset"):
        try:
            auth.reset_password(actor, chosen, new_password)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.success(f"Đã đặt lại mật khẩu của {plain(target.username)}; các phiên đăng nhập của người này đã kết thúc.")
