"""Administrator: premium rule versions (added, never edited; a proposal is confirmed or corrected once, with its
source), the premium groups with their sources, and provincial top-ups."""

import pandas as pd
import streamlit as st

from donation.common.dates import format_date, parse_date
from donation.common.errors import DonationError, InvalidInput
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
     "Căn cứ": v.legal_basis, "Trạng thái": "Đã xác nhận" if v.confirmed else "Đề xuất, chưa xác nhận"}
    for v in reversed(book.versions)
]), hide_index=True, width="stretch")

with st.expander("Nhóm đối tượng: thời hạn hỗ trợ, giấy tờ chứng minh, căn cứ"):
    st.dataframe(pd.DataFrame([
        {"Nhóm": g.name, "Mã đối tượng trên thẻ": g.object_code or "chưa xác nhận",
         "Thời hạn hỗ trợ": f"{g.support_months} tháng {g.support_from}".strip() if g.support_months else "",
         "Giấy tờ chứng minh": g.proof, "Căn cứ": g.legal_basis}
        for g in book.groups.values()
    ]), hide_index=True, width="stretch")

proposals = [v for v in book.versions if not v.confirmed]
if proposals:
    with st.form("rules.confirm"):
        st.subheader("Xác nhận quy định chưa có văn bản")
        st.caption("Khi đã có văn bản ban hành: xác nhận, hoặc sửa lương cơ sở và ngày hiệu lực theo văn bản, trong "
                   "một lần. Báo giá theo quy định chưa xác nhận đều ghi rõ điều đó.")
        by_code = {v.code: v for v in proposals}
        chosen = st.selectbox("Quy định", list(by_code), key="rules.confirm.code",
                              placeholder="Chọn…",
                              format_func=lambda code: f"{code} (từ {format_date(by_code[code].effective_from)}, "
                                                       f"lương cơ sở {format_vnd(by_code[code].base_salary)})")
        proposal = by_code[chosen]
        salary_text = st.text_input("Lương cơ sở theo văn bản (đồng)", value=format_vnd(proposal.base_salary),
                                    key="rules.confirm.salary")
        starts_text = st.text_input("Có hiệu lực từ (dd/mm/yyyy)", value=format_date(proposal.effective_from),
                                    key="rules.confirm.from")
        source = st.text_input("Nguồn xác nhận (số hiệu văn bản, ngày ban hành, địa chỉ trang)",
                               key="rules.confirm.source", placeholder="Nghị định …/2026/NĐ-CP ngày …")
        if st.form_submit_button("Xác nhận quy định"):
            try:
                try:
                    salary_value = parse_vnd(salary_text)
                except InvalidInput as exc:
                    raise InvalidInput(f"Lương cơ sở: {exc}") from None
                rules.confirm_rule_version(actor, chosen, source=source, base_salary=salary_value,
                                           effective_from=parse_date(starts_text, field="Ngày hiệu lực"))
            except DonationError as exc:
                st.error(plain(exc))
            else:
                st.success(f"Đã xác nhận quy định {plain(chosen)}.")

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
    issued = st.checkbox("Đã có văn bản ban hành", value=True, key="rules.confirmed",
                         help="Bỏ chọn nếu mới là đề xuất: báo giá sẽ ghi rõ chưa xác nhận cho đến khi xác nhận ở trên.")
    if st.form_submit_button("Thêm quy định"):
        try:
            added = rules.add_rule_version(actor, rules.NewVersion(
                code=code, effective_from=parse_date(starts, field="Ngày hiệu lực"), base_salary=parse_vnd(salary),
                rate_bp=parse_percent_bp(rate), shares_bp={k: parse_percent_bp(v) for k, v in shares.items()},
                legal_basis=basis, confirmed=issued,
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
