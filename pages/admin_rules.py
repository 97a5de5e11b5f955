"""Administrator: premium rule versions (added, never edited) and provincial top-ups."""

import pandas as pd
import streamlit as st

from donation.common.dates import format_date, parse_date
from donation.common.errors import DonationError
from donation.common.money import format_percent_bp, format_vnd, parse_percent_bp, parse_vnd
from donation.premium import quotes, rules
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Quy định mức đóng")
book = rules.rule_book(actor)
groups = {key: group.name for key, group in book.groups.items()}
st.dataframe(pd.DataFrame([
    {"Mã": v.code, "Từ ngày": format_date(v.effective_from), "Lương cơ sở": format_vnd(v.base_salary),
     "Tỷ lệ đóng": format_percent_bp(v.rate_bp),
     **{name: format_percent_bp(v.shares[key].state_share_bp) for key, name in groups.items() if key in v.shares},
     "Căn cứ": v.legal_basis}
    for v in reversed(book.versions)
]), hide_index=True, width="stretch")

latest = book.versions[-1]
with st.form("rules.add_version"):
    st.subheader("Thêm quy định mới")
    st.caption("Quy định cũ giữ nguyên để các báo giá đã lập vẫn giải thích được; thang giảm hộ gia đình giữ như cũ.")
    code = st.text_input("Mã quy định", placeholder="2027-07", key="rules.code")
    starts = st.text_input("Có hiệu lực từ (dd/mm/yyyy)", key="rules.from")
    salary = st.text_input("Lương cơ sở (đồng)", value=format_vnd(latest.base_salary), key="rules.salary")
    rate = st.text_input("Tỷ lệ đóng (%)", value=format_percent_bp(latest.rate_bp), key="rules.rate")
    shares = {key: st.text_input(f"Nhà nước hỗ trợ: {name} (%)",
                                 value=format_percent_bp(latest.shares[key].state_share_bp), key=f"rules.share.{key}")
              for key, name in groups.items()}
    basis = st.text_input("Căn cứ pháp lý", key="rules.basis")
    if st.form_submit_button("Thêm quy định"):
        try:
            added = rules.add_rule_version(actor, rules.NewVersion(
                code=code, effective_from=parse_date(starts, field="Ngày hiệu lực"), base_salary=parse_vnd(salary),
                rate_bp=parse_percent_bp(rate), shares_bp={k: parse_percent_bp(v) for k, v in shares.items()},
                legal_basis=basis,
                poor_commune_shares_bp={k: s.poor_commune_share_bp for k, s in latest.shares.items()
                                        if s.poor_commune_share_bp is not None}))
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.success(f"Đã thêm quy định {plain(added)}.")

st.subheader("Tỉnh hỗ trợ thêm")
top_ups = rules.list_top_ups(actor)
provinces = {u.code: u.name for u in quotes.calculator_options().provinces}
st.dataframe(pd.DataFrame([
    {"Mã": i, "Tỉnh": provinces.get(t.province_code, t.province_code), "Nhóm": groups.get(t.group_key, t.group_key),
     "Thêm": format_percent_bp(t.share_bp), "Từ": format_date(t.effective_from),
     "Đến": format_date(t.effective_to) if t.effective_to else "", "Căn cứ": t.legal_basis}
    for i, t in top_ups
]), hide_index=True, width="stretch")
with st.form("rules.add_top_up"):
    province = st.selectbox("Tỉnh", list(provinces), format_func=provinces.get, key="topup.province", placeholder="Chọn…")
    group = st.selectbox("Nhóm", list(groups), format_func=groups.get, key="topup.group", placeholder="Chọn…")
    share = st.text_input("Tỉnh hỗ trợ thêm (%)", key="topup.share")
    starts = st.text_input("Từ ngày (dd/mm/yyyy)", key="topup.from")
    ends = st.text_input("Đến ngày (để trống nếu chưa hết hạn)", key="topup.to")
    basis = st.text_input("Căn cứ (nghị quyết HĐND tỉnh)", key="topup.basis")
    if st.form_submit_button("Thêm mức hỗ trợ"):
        try:
            rules.add_top_up(actor, province_code=province, group_key=group, share_bp=parse_percent_bp(share),
                             effective_from=parse_date(starts, field="Từ ngày"),
                             effective_to=parse_date(ends, field="Đến ngày") if ends.strip() else None,
                             legal_basis=basis)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.success("Đã thêm mức hỗ trợ của tỉnh.")
if top_ups:
    with st.form("rules.end_top_up"):
        chosen = st.selectbox("Kết thúc mức hỗ trợ", [i for i, _ in top_ups], key="topup.end_id", placeholder="Chọn…")
        ends = st.text_input("Ngày kết thúc (dd/mm/yyyy)", key="topup.end_date")
        if st.form_submit_button("Kết thúc"):
            try:
                rules.end_top_up(actor, chosen, parse_date(ends, field="Ngày kết thúc"))
            except DonationError as exc:
                st.error(plain(exc))
            else:
                st.success("Đã cập nhật ngày kết thúc.")
