"""Public home page: what the platform is, and the premium in force today."""

import streamlit as st

from donation.access.actors import DONOR
from donation.common.dates import format_date, today_vn
from donation.common.errors import DonationError
from donation.common.money import format_vnd
from donation.pledges.pledges import PLEDGERS
from donation.premium import quotes
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Tặng thẻ BHYT")
st.markdown(
    "Nền tảng giúp **nhà tài trợ** (ngân sách địa phương, doanh nghiệp, tổ chức, cá nhân) mua **thẻ bảo hiểm y tế** "
    "cho người có hoàn cảnh khó khăn: hộ cận nghèo, gia đình bị thiệt hại do mưa lũ, học sinh và sinh viên khó khăn."
)
# The way in for a donor: a visitor registers (or signs in) and lands on the pledge form; a signed-in donor or
# office officer opens it at once. Other roles have no pledge form.
with st.container(border=True):
    if actor is None:
        st.markdown("**Góp tiền mua thẻ BHYT**: đăng ký trong một phút, cam kết số tiền và chuyển khoản bằng mã VietQR.")
        if st.button("Đóng góp ngay", type="primary", icon=":material/volunteer_activism:", key="home.donate"):
            st.switch_page("pages/register.py")
        st.page_link("pages/sign_in.py", label="Đã có tài khoản? Đăng nhập rồi đóng góp", icon=":material/login:",
                     query_params={"next": "pledge"})
    elif actor.role in PLEDGERS:
        st.markdown("**Góp tiền mua thẻ BHYT**: cam kết số tiền và chuyển khoản bằng mã VietQR." if actor.role == DONOR
                    else "**Ghi cam kết** cho nhà tài trợ đến văn phòng.")
        if st.button("Đóng góp ngay" if actor.role == DONOR else "Ghi cam kết tài trợ", type="primary",
                     icon=":material/volunteer_activism:", key="home.donate"):
            st.switch_page("pages/pledge.py")
        if actor.role == DONOR:
            st.page_link("pages/pledges.py", label="Cam kết của tôi", icon=":material/receipt_long:")
    else:
        st.markdown("Nhà tài trợ đăng ký và cam kết tại trang này; tiền của họ đến đúng người bạn đề cử.")
st.markdown(
    """
1. **Đề cử**: cán bộ xã/phường lập danh sách người cần thẻ, niêm yết công khai tại xã, BHXH tỉnh xét duyệt.
2. **Cam kết tài trợ**: nhà tài trợ cam kết số tiền hoặc số thẻ và chuyển khoản qua mã VietQR.
3. **Phân bổ**: tiền đã nhận được ghép với người đã được duyệt theo quy tắc công khai.
4. **Mua thẻ và biên nhận**: BHXH tỉnh mua thẻ, phát biên nhận có mã QR để ai cũng kiểm tra được.
5. **Báo cáo**: số liệu hằng ngày, hằng tuần theo từng tỉnh và cả nước (Công văn 3642/BHXH-TST).
"""
)

today = today_vn()
try:
    household = quotes.quote(group="household", members=1, months=12, on=today).quote
except DonationError as exc:
    st.warning(plain(exc))
else:
    st.subheader(f"Mức đóng áp dụng ngày {format_date(today)}")
    st.metric("Một thẻ BHYT hộ gia đình, 12 tháng", format_vnd(household.donor_pays_total))
    st.caption(household.notes[0])
st.page_link("pages/premium_calculator.py", label="Tính mức đóng cho một người hoặc một hộ", icon=":material/calculate:")
