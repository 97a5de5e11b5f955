"""Donor registration (visitors): the donor's kind and facts, a sign-in name and password; then signed in."""

import streamlit as st

from donation.access import auth
from donation.common.dates import today_vn
from donation.common.errors import DonationError
from donation.pledges import donors
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Đăng ký nhà tài trợ")
st.caption("Đăng ký để cam kết tài trợ thẻ BHYT, nộp tiền bằng VietQR và theo dõi tiền của bạn đã mua thẻ cho ai "
           "(ẩn danh). Cơ quan, doanh nghiệp đến văn phòng BHXH có thể nhờ cán bộ ghi giúp.")
kind = st.radio("Bạn là", list(donors.KINDS), format_func=donors.KINDS.get, horizontal=True, key="register.kind")
with st.form("register"):
    left, right = st.columns(2)
    fields = {"name": left.text_input({"budget": "Tên cơ quan, đơn vị (ví dụ UBND tỉnh Đắk Lắk)",
                                       "organisation": "Tên doanh nghiệp, tổ chức",
                                       "individual": "Họ và tên"}[kind], key="register.name")}
    if kind == "budget":
        fields["authority"] = right.text_input("Cơ quan ban hành quyết định", key="register.authority")
        fields["decision_number"] = left.text_input("Số quyết định", key="register.decision_number")
        fields["decision_date"] = right.text_input("Ngày quyết định (dd/mm/yyyy)", key="register.decision_date")
    elif kind == "organisation":
        fields["tax_code"] = right.text_input("Mã số thuế", key="register.tax_code")
        fields["representative"] = left.text_input("Người đại diện", key="register.representative")
        fields["address"] = right.text_input("Địa chỉ", key="register.address")
    fields["phone"] = left.text_input("Số điện thoại", key="register.phone")
    fields["email"] = right.text_input("Thư điện tử", key="register.email")
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
        st.success(f"Đã đăng ký. Xin chào {plain(signed_in.actor.display_name)}, đang mở trang cam kết…")
        _auth.after_sign_in(signed_in)
