"""The signed-in user's own account: who they are, change password, sign out."""

import streamlit as st

from donation.access import auth
from donation.common.errors import DonationError
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Tài khoản của tôi")
st.markdown(f"**{plain(actor.display_name)}** (`{actor.username}`), {actor.role_name}")

with st.form("account.password", clear_on_submit=True):
    st.subheader("Đổi mật khẩu")
    current = st.text_input("Mật khẩu hiện tại", type="password", key="account.current")
    new = st.text_input(f"Mật khẩu mới (ít nhất {auth.MIN_PASSWORD_LENGTH} ký tự)", type="password", key="account.new")
    again = st.text_input("Nhập lại mật khẩu mới", type="password", key="account.again")
    if st.form_submit_button("Đổi mật khẩu"):
        if new != again:
            st.error("Hai lần nhập mật khẩu mới không khớp")
        else:
            try:
                auth.change_password(actor, current, new, keep_token=_auth.current_token())
            except DonationError as exc:
                st.error(plain(exc))
            else:
                st.success("Đã đổi mật khẩu.")

st.divider()
if st.button("Đăng xuất", key="account.sign_out"):
    _auth.sign_out()
    st.success("Đã đăng xuất.")
