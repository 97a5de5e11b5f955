"""Sign-in: a password form; success sends the browser to /session/open to receive its cookie, then on to the page
the visitor opened before signing in (`?next=`, one of the app's pages) or home."""

import pandas as pd
import streamlit as st

from demo import startup
from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from donation.access import auth
from donation.access.actors import ROLE_NAMES
from donation.common.errors import DonationError
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Đăng nhập")
then = _auth.return_page(st.query_params.get("next"))  # the page the visitor opened before signing in
if then is not None:
    st.info(f"Đăng nhập để mở trang «{then.title}».")
with st.form("sign_in"):
    username = st.text_input("Tên đăng nhập", key="signin.username", autocomplete="username")
    password = st.text_input("Mật khẩu", type="password", key="signin.password", autocomplete="current-password")
    submitted = st.form_submit_button("Đăng nhập", type="primary")
st.page_link("pages/reset_password.py", label="Quên mật khẩu?", icon=":material/lock_reset:")

if submitted:
    try:
        signed_in = auth.sign_in(username, password)
    except DonationError as exc:
        st.error(plain(exc))
    else:
        st.success(f"Xin chào {plain(signed_in.actor.display_name)}. Đang mở trang làm việc…")
        _auth.after_sign_in(signed_in, then)

if startup.demo_enabled():
    st.info(f"Bản chạy thử: mỗi vai trò có một tài khoản demo, mật khẩu chung **{DEMO_PASSWORD}**.")
    st.dataframe(pd.DataFrame({"Tên đăng nhập": [a.username for a in DEMO_ACCOUNTS],
                               "Vai trò": [ROLE_NAMES[a.role] for a in DEMO_ACCOUNTS]}), hide_index=True)
