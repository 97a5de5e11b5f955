"""Premium calculator (anyone): group, members, months, date and place in; the split of the premium out."""

import pandas as pd
import streamlit as st

from donation.common.dates import format_date, parse_date, today_vn
from donation.common.errors import DonationError
from donation.common.money import amount_in_words, format_vnd
from donation.premium import quotes
from donation.premium.calculator import ALLOWED_MONTHS, MAX_MEMBERS
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Tính mức đóng BHYT")
st.caption("Mức đóng theo quy định có hiệu lực vào ngày đóng tiền cho BHXH; phần nhà nước và tỉnh hỗ trợ được trừ ra. "
           "Lương cơ sở tăng sau khi đã đóng tiền thì không phải đóng thêm cho thời gian đã đóng.")

options = quotes.calculator_options()
group_names = dict(options.groups)
province_names = {unit.code: unit.name for unit in options.provinces}

left, right = st.columns(2)
group = left.selectbox("Nhóm đối tượng", list(group_names), format_func=group_names.get, key="calc.group", placeholder="Chọn…")
members = right.number_input("Số người", min_value=1, max_value=MAX_MEMBERS, value=1, step=1, key="calc.members",
                             help="Hộ gia đình: số thành viên cùng tham gia; người thứ 2 trở đi được giảm mức đóng.")
months = left.radio("Số tháng", ALLOWED_MONTHS, index=len(ALLOWED_MONTHS) - 1, horizontal=True, key="calc.months")
on_text = right.text_input("Ngày đóng tiền (dd/mm/yyyy)", value=format_date(today_vn()), key="calc.on",
                           help="Ngày tiền được nộp cho BHXH: giá tính theo quy định có hiệu lực ngày này.")
cover_text = right.text_input("Thẻ có hiệu lực từ (dd/mm/yyyy, không bắt buộc)", key="calc.cover_from",
                              placeholder="30 ngày sau ngày đóng tiền",
                              help="Người tham gia lần đầu: thẻ có hiệu lực 30 ngày sau ngày đóng tiền. Người đang "
                                   "có thẻ: ngày sau ngày thẻ cũ hết hạn.")
province = left.selectbox("Tỉnh/thành phố (không bắt buộc)", [None, *province_names],
                          format_func=lambda code: "Không chọn" if code is None else province_names[code],
                          key="calc.province", placeholder="Chọn…")
commune = None
if province is not None:
    commune_names = {unit.code: unit.name + (" (xã nghèo)" if unit.is_poor else "")
                     for unit in quotes.communes_of(province)}
    commune = right.selectbox("Xã/phường/đặc khu (không bắt buộc)", [None, *commune_names],
                              format_func=lambda code: "Không chọn" if code is None else commune_names[code],
                              key="calc.commune", placeholder="Chọn…")

try:
    placed = quotes.quote(group=group, members=int(members), months=int(months),
                          on=parse_date(on_text, field="Ngày đóng tiền"),
                          cover_from=parse_date(cover_text, field="Thẻ có hiệu lực từ") if cover_text.strip() else None,
                          province_code=province, commune_code=commune)
except DonationError as exc:
    st.error(plain(exc))
    st.stop()

quote = placed.quote
st.divider()
donor, state, full = st.columns(3)
donor.metric("Nhà tài trợ đóng", format_vnd(quote.donor_pays_total))
state.metric("Nhà nước, tỉnh hỗ trợ", format_vnd(quote.state_pays_total))
full.metric("Mức đóng đầy đủ", format_vnd(quote.full_premium_total))
if quote.needs_donor:
    st.markdown(f"Bằng chữ: *{amount_in_words(quote.donor_pays_total)}*")
else:
    st.success("Nhà nước (và tỉnh) đóng toàn bộ: trường hợp này không cần nhà tài trợ.")

table = pd.DataFrame(
    {
        "Người thứ": [line.member for line in quote.lines],
        "Mức đóng": [format_vnd(line.full_premium) for line in quote.lines],
        "Nhà nước, tỉnh hỗ trợ": [format_vnd(line.state_pays) for line in quote.lines],
        "Nhà tài trợ đóng": [format_vnd(line.donor_pays) for line in quote.lines],
    }
)
st.dataframe(table, hide_index=True, width="stretch")
for later in quote.later:
    st.warning(f"Nếu tiền được nộp cho BHXH từ {format_date(later.from_day)} (quy định {later.rule_version}, lương cơ sở "
               f"{format_vnd(later.base_salary)}), nhà tài trợ đóng {format_vnd(later.donor_pays_total)} "
               f"(mức đóng đầy đủ {format_vnd(later.full_premium_total)}).")
st.caption(f"Quy định áp dụng: **{quote.rule_version}**, ngày đóng tiền {format_date(quote.on)}, thẻ có hiệu lực từ "
           f"{format_date(quote.cover_start)}. {quote.note}")
