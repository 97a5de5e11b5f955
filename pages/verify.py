"""Anyone checks a receipt: the link its QR holds (opened by a phone's camera) or its typed number."""

from urllib.parse import urlencode

import streamlit as st

from donation.common.money import format_vnd
from donation.payments import receipts
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Kiểm tra biên nhận")
st.caption("Quét mã QR trên biên nhận bằng camera điện thoại, hoặc dán đường link, hoặc gõ số biên nhận "
           "(ví dụ 66-2026-000123).")
scanned = {key: st.query_params[key] for key in ("number", "amount", "date", "sig") if key in st.query_params}
text = st.text_input("Đường link hoặc số biên nhận", value=urlencode(scanned) if scanned else "", key="verify.text")
if text.strip():
    result = receipts.verify(text)
    if result.status == "valid":
        st.success(f"**Biên nhận hợp lệ.** {plain(result.reason)}.")
    elif result.status == "voided":
        st.error(f"**Biên nhận đã bị hủy.** {plain(result.reason)}.")
    else:
        st.error(f"**Biên nhận không hợp lệ.** {plain(result.reason)}.")
    if result.status in ("valid", "voided") and result.amount is not None and result.paid_on is not None:
        facts = {"Số biên nhận": result.number, "Số tiền": format_vnd(result.amount),
                 "Ngày nộp tiền": f"{result.paid_on:%d/%m/%Y}"}
        if result.office:
            # st.table's cells are Markdown: the donor's name is shown as written
            facts |= {"Văn phòng nhận": plain(result.office), "Nhà tài trợ": plain(result.donor)}
        st.table([{"Thông tin": key, "Nội dung": value} for key, value in facts.items()])
with st.expander("Kiểm tra không cần mạng"):
    st.markdown("Mã QR chứa số biên nhận, số tiền, ngày và chữ ký Ed25519 của hệ thống. Ai có khóa công khai dưới đây "
                "cũng kiểm tra được chữ ký, ví dụ: `python -m cli receipts verify \"LINK\" --public-key "
                "khoa-cong-khai.pem --json`.")
    st.code(receipts.public_key_pem(), language=None)
