"""The signed-in user's own account: who they are, a donor's phone and e-mail, change password, sign out."""

import streamlit as st

from donation.access import auth
from donation.access.actors import DONOR
from donation.common.errors import DonationError
from donation.pledges import donors
from pages import _auth, _widgets
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Tài khoản của tôi")
st.markdown(f"**{plain(actor.display_name)}** (`{actor.username}`), {actor.role_name}")
_widgets.show_flash("account.flash")

if actor.role == DONOR:
    profile = donors.my_profile(actor)
    with st.form("account.contact"):
        st.subheader("Liên hệ")
        st.caption("Văn phòng BHXH liên hệ bạn qua đây; biên nhận và link đặt lại mật khẩu được gửi tới thư điện tử này.")
        left, right = st.columns(2)
        phone = left.text_input("Số điện thoại", value=profile.phone, key="account.phone", autocomplete="tel")
        email = right.text_input("Thư điện tử", value=profile.email, key="account.email", autocomplete="email")
        if st.form_submit_button("Lưu liên hệ"):
            _widgets.act("account.flash", lambda: donors.update_contact(actor, phone=phone, email=email),
                         lambda row: "Đã lưu liên hệ: " + plain(", ".join(v for v in (row.phone, row.email) if v)) + ".")

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
