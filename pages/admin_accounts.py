"""Receiving offices' bank accounts (administrators): where each office's pledges' VietQR codes send money."""

import pandas as pd
import streamlit as st

from donation.access import offices
from pages import _auth, _widgets

actor = _auth.require_page(__file__)
st.title("Tài khoản nhận tiền")
st.caption("Mỗi BHXH tỉnh nhận tiền cam kết trong tỉnh; BHXH Việt Nam nhận cam kết cho cả nước. Mã VietQR của "
           "cam kết dẫn tới tài khoản này: kiểm tra kỹ trước khi lưu. Mọi thay đổi được ghi nhật ký.")
_widgets.show_flash("accounts.flash")
rows = offices.list_offices(actor)
st.dataframe(pd.DataFrame({
    "Mã": [o.code for o in rows], "Văn phòng": [o.name for o in rows],
    "Ngân hàng": [o.bank_name if o.bank_bin else "" for o in rows], "Số tài khoản": [o.account_number for o in rows],
    "Chủ tài khoản": [o.account_holder for o in rows],
}), hide_index=True, width="stretch")

names = {o.code: o.name for o in rows}
with st.form("accounts.set"):
    office = st.selectbox("Văn phòng", list(names), format_func=names.get, key="accounts.office", placeholder="Chọn…")
    left, right = st.columns(2)
    bank = left.selectbox("Ngân hàng (mã BIN)", list(offices.BANKS), key="accounts.bank",
                          format_func=lambda b: f"{offices.BANKS[b]} ({b})", placeholder="Chọn…")
    other = right.text_input("Hoặc mã BIN khác (6 chữ số)", key="accounts.other_bin")
    number = left.text_input("Số tài khoản", key="accounts.number")
    holder = right.text_input("Chủ tài khoản (như trên sổ ngân hàng)", key="accounts.holder")
    if st.form_submit_button("Lưu tài khoản", type="primary"):
        _widgets.act("accounts.flash", lambda: offices.set_account(
            actor, office, bank_bin=other.strip() or bank, account_number=number, account_holder=holder),
            lambda saved: f"Đã lưu tài khoản của {saved.name}.")
