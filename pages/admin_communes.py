"""Administrator: the poor-commune flags (xã nghèo), province by province."""

import pandas as pd
import streamlit as st

from donation.access import units
from donation.common.errors import DonationError
from donation.premium import quotes
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Xã nghèo")
st.caption("Người cận nghèo sống ở xã nghèo được nhà nước đóng toàn bộ BHYT nên không cần nhà tài trợ.")
provinces = {u.code: u.name for u in quotes.calculator_options().provinces}
province = st.selectbox("Tỉnh/thành phố", list(provinces), format_func=provinces.get, key="communes.province", placeholder="Chọn…")
communes = quotes.communes_of(province)
table = pd.DataFrame({"Mã": [c.code for c in communes], "Tên": [c.name for c in communes],
                      "Xã nghèo": [c.is_poor for c in communes]})
edited = st.data_editor(table, hide_index=True, width="stretch", disabled=["Mã", "Tên"], key="communes.table")
changes = [(int(code), bool(poor)) for code, poor, was in zip(edited["Mã"], edited["Xã nghèo"], table["Xã nghèo"],
                                                              strict=True) if bool(poor) != bool(was)]
if st.button(f"Lưu {len(changes)} thay đổi", disabled=not changes, key="communes.save"):
    try:
        units.set_poor_communes(actor, changes)
    except DonationError as exc:
        st.error(plain(exc))
    else:
        st.success(f"Đã lưu {len(changes)} thay đổi.")
        st.rerun()
