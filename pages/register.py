"""Donor registration (visitors): the donor's kind and facts, a sign-in name and password; then signed in."""

import streamlit as st

from donation.access import auth
from donation.common.dates import today_vn
from donation.common.errors import DonationError
from donation.pledges import donors
from pages import _auth
from pages._plain import plain

CONTACT_KEYS = ("phone", "email")

actor = _auth.require_page(__file__)
st.title("Đăng ký nhà tài trợ")
st.caption("Đăng ký để cam kết tài trợ thẻ BHYT, nộp tiền bằng VietQR và theo dõi tiền của bạn đã mua thẻ cho ai "
           "(ẩn danh). Cơ quan, doanh nghiệp đến văn phòng BHXH có thể nhờ cán bộ ghi giúp. Đăng ký xong, bạn vào "
           "thẳng trang «Cam kết tài trợ».")
st.page_link("pages/sign_in.py", label="Đã có tài khoản? Đăng nhập", icon=":material/login:",
             query_params={"next": "pledge"})
kind = st.radio("Bạn là", list(donors.KINDS), format_func=donors.KINDS.get, horizontal=True, key="register.kind")
with st.form("register"):
    left, right = st.columns(2)
    asked = donors.form_fields(kind)
    # the kind's own facts two by two from the left, then its contact details side by side
    own, contact = [f for f in asked if f.key not in CONTACT_KEYS], [f for f in asked if f.key in CONTACT_KEYS]
    fields = {f.key: (left, right)[n % 2].text_input(f.visitor_label, key=f"register.{f.key}")
              for group in (own, contact) for n, f in enumerate(group)}
    public = st.checkbox("Nêu tên tôi và số tiền trên trang công khai (không chọn: hiện là nhà tài trợ ẩn danh)",
                         key="register.public")
    st.divider()
    username = left.text_input("Tên đăng nhập (chữ không dấu, số, dấu chấm)", key="register.username",
                               autocomplete="username")
    password = right.text_input("Mật khẩu (ít nhất 10 ký tự)", type="password", key="register.password",
                                autocomplete="new-password")
    again = right.text_input("Nhập lại mật khẩu", type="password", key="register.again", autocomplete="new-password")
    submitted = st.form_submit_button("Đăng ký", type="primary")

if submitted:
    if password != again:
        st.error("Hai lần nhập mật khẩu khác nhau: nhập lại")
        st.stop()
    try:
        donors.register(kind=kind, username=username, password=password, fields=fields, public=public,
                        today=today_vn())
        signed_in = auth.sign_in(username, password)
    except DonationError as exc:
        st.error(plain(exc))
    else:
        # a new donor goes on to the pledge form, where they came to go ("Đóng góp ngay"), and is told so
        st.success(f"Đã đăng ký và đã đăng nhập. Xin chào {plain(signed_in.actor.display_name)}: đang mở trang "
                   "«Cam kết tài trợ» để bạn ghi cam kết và nhận mã VietQR…")
        _auth.after_sign_in(signed_in, _auth.return_page("pledge"))
