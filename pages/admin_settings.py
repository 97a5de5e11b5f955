"""Administrator: settings as forms (periods, priority weights, receipt signers, the provincial offices' D03-TS
header, support contact), never raw JSON."""

import pandas as pd
import streamlit as st

from donation.access import app_settings
from donation.access.app_settings import CONTACT_FIELDS, OFFICE_FIELDS, SPECS, UNIT_FIELDS, WEIGHT_NAMES
from donation.payments import signers as office_signers
from pages import _auth, _widgets
from pages._plain import plain

FLASH = "settings.flash"
PERIODS = ("session_idle_minutes", "hold_days", "objection_days", "approval_months", "pledge_expiry_days")

actor = _auth.require_page(__file__)
st.title("Thiết lập")
st.caption("Mỗi thay đổi được kiểm tra trước khi lưu và ghi vào nhật ký thay đổi.")
_widgets.show_flash(FLASH)
current = app_settings.all_settings()
periods, weights, signers, units, contact = st.tabs(["Thời hạn, khổ giấy", "Trọng số ưu tiên", "Người ký biên nhận",
                                                     "Đơn vị trên D03-TS", "Liên hệ hỗ trợ"])

with periods, st.form("settings.periods"):
    typed: dict[str, object] = {}
    for key in PERIODS:
        spec = SPECS[key]
        typed[key] = st.number_input(spec.label, value=int(current[key]), step=1, help=spec.help or None,
                                     key=f"settings.{key}")
    paper = SPECS["receipt_paper"]
    typed["receipt_paper"] = st.selectbox(paper.label, list(paper.choices), format_func=paper.choices.get,
                                          index=list(paper.choices).index(current["receipt_paper"]),
                                          help=paper.help, key="settings.receipt_paper", placeholder="Chọn…")
    if st.form_submit_button("Lưu thời hạn", type="primary"):
        _widgets.act(FLASH, lambda: app_settings.update_many(actor, typed), lambda _: "Đã lưu thời hạn.")

with weights:
    st.caption(SPECS["priority_weights"].help + " Điểm mới áp dụng cho đề cử lập hoặc sửa từ nay.")
    stored = current["priority_weights"]
    table = pd.DataFrame({"Yếu tố": list(WEIGHT_NAMES.values()),
                          "Điểm": [int(stored.get(key, 0)) for key in WEIGHT_NAMES]})
    with st.form("settings.weights"):
        edited = st.data_editor(table, hide_index=True, width="stretch", disabled=["Yếu tố"], num_rows="fixed",
                                key="settings.weights.table", column_config={
                                    "Yếu tố": st.column_config.TextColumn("Yếu tố", width="large"),
                                    "Điểm": st.column_config.NumberColumn("Điểm", min_value=0, max_value=1000,
                                                                          step=1, format="%d")})
        if st.form_submit_button("Lưu trọng số", type="primary"):
            points = [None if pd.isna(value) else float(value) for value in edited["Điểm"]]
            _widgets.act(FLASH, lambda: app_settings.update(actor, "priority_weights",
                                                            dict(zip(WEIGHT_NAMES, points, strict=True))),
                         lambda _: "Đã lưu trọng số ưu tiên.")

with signers:
    st.caption("Tên cơ quan và người ký in trên biên nhận. Chọn một dòng trong bảng để sửa; biên nhận in tên người "
               "ký dưới chức danh.")
    rows = office_signers.office_signers(actor)
    chosen = st.dataframe(pd.DataFrame({
        "Cơ quan": [r.office for r in rows], "Chức danh người ký": [r.header["signer_title"] for r in rows],
        "Họ và tên người ký": [r.header["signer_name"] or "— chưa ghi" for r in rows],
        "Nơi ký": [r.header["place"] for r in rows],
    }), hide_index=True, width="stretch", height=280, on_select="rerun", selection_mode="single-row",
        key="settings.signers.table")
    picked = chosen.selection.rows
    if not picked:
        missing = sum(1 for r in rows if not r.header["signer_name"])
        st.info(f"Chọn một cơ quan trong bảng để ghi người ký ({missing} cơ quan chưa có họ tên người ký).")
    else:
        office = rows[picked[0]]
        with st.form(f"settings.signer.{office.key}"):
            st.markdown(f"**{plain(office.office)}**")
            left, right = st.columns(2)
            fields = {key: (left if i % 2 == 0 else right).text_input(label, value=office.header[key],
                                                                      key=f"settings.signer.{key}")
                      for i, (key, label) in enumerate(OFFICE_FIELDS.items())}
            if st.form_submit_button("Lưu người ký", type="primary"):
                _widgets.act(FLASH, lambda: app_settings.set_office_signer(actor, office.key, fields),
                             lambda saved: plain(f"Đã lưu người ký của {office.office}: {saved['signer_title']} "
                                                 f"{saved['signer_name']}."))

with units:
    st.caption(SPECS["bhxh_units"].help)
    provinces = {int(r.key): r.office for r in office_signers.office_signers(actor) if r.key != "national"}
    code = st.selectbox("BHXH tỉnh", list(provinces), format_func=provinces.get, key="settings.unit.province",
                        index=None, placeholder="Chọn…")
    if code is not None:
        saved_unit = current["bhxh_units"].get(str(code), {})
        with st.form(f"settings.unit.{code}"):
            left, right = st.columns(2)
            typed_unit = {key: (left if i % 2 == 0 else right).text_input(label, value=saved_unit.get(key, ""),
                                                                          key=f"settings.unit.{key}")
                          for i, (key, label) in enumerate(UNIT_FIELDS.items())}
            if st.form_submit_button("Lưu thông tin đơn vị", type="primary"):
                _widgets.act(FLASH, lambda: app_settings.set_bhxh_unit(actor, code, typed_unit),
                             lambda _: plain(f"Đã lưu thông tin đơn vị của {provinces[code]} trên danh sách D03-TS."))

with contact, st.form("settings.contact"):
    st.caption(SPECS["support_contact"].help)
    saved_contact = current["support_contact"]
    typed_contact = {key: st.text_input(label, value=saved_contact.get(key, ""), key=f"settings.contact.{key}")
                     for key, label in CONTACT_FIELDS.items()}
    if st.form_submit_button("Lưu liên hệ hỗ trợ", type="primary"):
        _widgets.act(FLASH, lambda: app_settings.update(actor, "support_contact", typed_contact),
                     lambda _: "Đã lưu liên hệ hỗ trợ.")
