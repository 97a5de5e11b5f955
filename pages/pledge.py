"""Pledge (donors; office staff for a walk-in donor): amount or cards, scope, groups, months, instalments, with a
live quote; then the pledge's code and its VietQR."""


import streamlit as st

from donation.access.actors import DONOR, NATIONAL_OFFICER, PROVINCE_OFFICER
from donation.common.dates import format_date, parse_date, today_vn
from donation.common.errors import DonationError
from donation.common.money import format_number, format_vnd, parse_vnd
from donation.pledges import donors, pledges
from donation.premium.pledge_quote import DONOR_GROUPS, MONTHS
from donation.premium.rule_data import GROUP_NAMES
from pages import _auth, _widgets
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Cam kết tài trợ")
if created := st.session_state.get("pledge.created"):
    st.success(f"Đã ghi cam kết {created}. Nộp tiền bằng mã VietQR dưới đây, hoặc tại văn phòng BHXH.")
    _widgets.pledge_sheet(actor, created)
    if st.button("Ghi cam kết khác", key="pledge.another"):
        st.session_state.pop("pledge.created")
        st.rerun()
    st.stop()

donor_id = None
if actor.role != DONOR:
    search = st.text_input("Tìm nhà tài trợ (tên không dấu hoặc mã số thuế)", key="pledge.donor_search")
    found = {d.id: f"{d.name} · {donors.KINDS[d.kind]}" for d in donors.find_donors(actor, search)}
    donor_id = st.selectbox("Nhà tài trợ", list(found), format_func=found.get, index=None, key="pledge.donor",
                            placeholder="Chọn nhà tài trợ, hoặc thêm mới bên dưới")
    with st.expander("Thêm nhà tài trợ đến văn phòng"):
        kind = st.radio("Loại", list(donors.KINDS), format_func=donors.KINDS.get, horizontal=True,
                        key="pledge.new_kind")
        with st.form("pledge.new_donor"):
            fields = {f.key: st.text_input(f.label, key=f"pledge.new.{f.key}")
                      for f in donors.form_fields(kind, at_office=True)}
            public = st.checkbox("Đồng ý nêu tên trên trang công khai", key="pledge.new_public")
            if st.form_submit_button("Thêm nhà tài trợ"):
                try:
                    added = donors.create_donor(actor, kind=kind, fields=fields, public=public, today=today_vn())
                except DonationError as exc:
                    st.error(plain(exc))
                else:
                    st.success(f"Đã thêm {plain(added.name)}: tìm theo tên ở trên để chọn.")

way = st.radio("Cam kết theo", ["amount", "cards"], horizontal=True, key="pledge.way",
               format_func={"amount": "Số tiền", "cards": "Số thẻ"}.get)
left, right = st.columns(2)
groups = left.multiselect("Nhóm muốn giúp (để trống: mọi nhóm cần nhà tài trợ)", DONOR_GROUPS,
                          format_func=GROUP_NAMES.get, key="pledge.groups", placeholder="Mọi nhóm")
months = right.radio("Thời hạn thẻ", MONTHS, index=len(MONTHS) - 1, horizontal=True, key="pledge.months",
                     format_func=lambda m: f"{m} tháng")
amount = cards = None
try:
    if way == "amount":
        amount = parse_vnd(left.text_input("Số tiền (đồng)", value="1.000.000", key="pledge.amount"))
    else:
        cards = int(right.number_input("Số thẻ", min_value=1, max_value=100_000, value=10, step=1,
                                       key="pledge.cards"))
except DonationError as exc:
    st.error(plain(exc))
    st.stop()
st.markdown("**Phạm vi**: tiền được dùng cho người được đề cử ở đâu")
if actor.role == NATIONAL_OFFICER:
    province, commune = None, None  # BHXH Việt Nam receives the pledges for the whole country
    st.caption("Phạm vi: **cả nước** (BHXH Việt Nam nhận tiền).")
else:
    fixed = actor.province_code if actor.role == PROVINCE_OFFICER else None
    province, commune = _widgets.place_picker("pledge", province=fixed)

try:
    quote = pledges.quote_for(amount=amount, cards=cards, groups=groups, months=int(months), on=today_vn(),
                              province_code=province, commune_code=commune)
except DonationError as exc:
    st.warning(plain(exc))
    st.stop()
st.info(f"{quote.sentence()} (giá theo quy định {quote.rule_version}, ngày {format_date(quote.on)}).")
if change := quote.change_sentence():
    st.warning(change)

count = int(st.number_input("Số đợt nộp", min_value=1, max_value=pledges.MAX_INSTALMENTS, value=1, step=1,
                            key="pledge.instalments", help="1: nộp một lần. Nhiều đợt: mỗi đợt có mã VietQR riêng."))
plan: list[tuple[int, object]] = []
if count > 1:
    try:
        for number, (share, due_on) in enumerate(pledges.even_plan(quote.amount, count, today_vn()), start=1):
            first, second = st.columns(2)
            # keyed by the amount and the count too: a new amount or count offers a fresh, even split
            part = first.text_input(f"Đợt {number}: số tiền", key=f"pledge.part.{quote.amount}.{count}.{number}",
                                    value=format_number(share))
            due = second.text_input(f"Đợt {number}: hạn nộp (dd/mm/yyyy)", key=f"pledge.due.{count}.{number}",
                                    value=format_date(due_on))
            plan.append((parse_vnd(part), parse_date(due, field=f"Hạn nộp đợt {number}")))
    except DonationError as exc:
        st.error(plain(exc))
        st.stop()

if st.button(f"Ghi cam kết {format_vnd(quote.amount)}", type="primary", key="pledge.confirm"):
    try:
        row = pledges.create_pledge(actor, amount=amount, cards=cards, groups=groups, months=int(months),
                                    province_code=province, commune_code=commune, instalments=plan,
                                    donor_id=donor_id, today=today_vn())
    except DonationError as exc:
        st.error(plain(exc))
    else:
        st.session_state["pledge.created"] = row.code
        st.rerun()
