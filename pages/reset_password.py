"""A forgotten password: the donor gives their e-mail and gets a one-time link; the link opens this page again with
its token, where a new password is set once."""

import streamlit as st

from donation.access import auth
from donation.common.errors import DonationError
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Quên mật khẩu")
token = st.query_params.get("token")

if done := st.session_state.get("reset.done"):
    st.success(f"Đã đặt mật khẩu mới cho tài khoản {plain(done)}. Mọi phiên đăng nhập cũ đã kết thúc: đăng nhập bằng "
               "mật khẩu mới.")
    st.page_link("pages/sign_in.py", label="Đăng nhập", icon=":material/login:")
    st.stop()

if not token:
    st.caption("Ghi địa chỉ thư điện tử bạn đã khai khi đăng ký nhà tài trợ: hệ thống gửi tới đó một đường link để "
               "đặt mật khẩu mới. Cán bộ quên mật khẩu: nhờ quản trị viên đặt lại.")
    with st.form("reset.request"):
        email = st.text_input("Thư điện tử", key="reset.email", autocomplete="email")
        asked = st.form_submit_button("Gửi link đặt lại mật khẩu", type="primary")
    if asked:
        try:
            auth.request_password_reset(email)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.success(auth.RESET_ANSWER)  # the same whether or not the address is known
    st.page_link("pages/sign_in.py", label="Quay lại đăng nhập", icon=":material/login:")
    st.stop()

username = auth.reset_account(token)
if username is None:
    st.error("Đường link đặt lại mật khẩu không còn dùng được (đã dùng, đã quá "
             f"{int(auth.RESET_MAX_AGE.total_seconds() // 60)} phút, hoặc chép thiếu).")
    if st.button("Yêu cầu link mới", key="reset.again"):
        st.query_params.clear()
        st.rerun()
    st.stop()

st.caption(f"Đặt mật khẩu mới cho tài khoản **{plain(username)}**.")
with st.form("reset.new"):
    new = st.text_input(f"Mật khẩu mới (ít nhất {auth.MIN_PASSWORD_LENGTH} ký tự)", type="password", key="reset.new",
                        autocomplete="new-password")
    again = st.text_input("Nhập lại mật khẩu mới", type="password", key="reset.again_password",
                          autocomplete="new-password")
    submitted = st.form_submit_button("Đặt mật khẩu mới", type="primary")
if submitted:
    if new != again:
        st.error("Hai lần nhập mật khẩu mới không khớp: nhập lại")
        st.stop()
    try:
        st.session_state["reset.done"] = auth.reset_with_token(token, new)
    except DonationError as exc:
        st.error(plain(exc))
    else:
        st.query_params.clear()  # the spent token leaves the address bar
        st.rerun()
