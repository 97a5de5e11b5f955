"""Administrator: settings kept as data (idle time, periods, priority weights, offices and signers)."""

import json

import streamlit as st

from donation.access import app_settings
from donation.common.errors import DonationError
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Thiết lập")
current = app_settings.all_settings()
for key, spec in app_settings.SPECS.items():
    with st.form(f"settings.{key}"):
        st.markdown(f"**{spec.label}**")
        if spec.help:
            st.caption(spec.help)
        value = current[key]
        if spec.choices:
            typed = st.selectbox("Giá trị", list(spec.choices), index=list(spec.choices).index(value),
                                 format_func=spec.choices.get, key=f"settings.{key}.value")
        elif isinstance(spec.default, int):
            typed = st.number_input("Giá trị", value=int(value), step=1, key=f"settings.{key}.value")
        else:
            typed = st.text_area("Giá trị (JSON)", value=json.dumps(value, ensure_ascii=False, indent=2),
                                 height=200, key=f"settings.{key}.value")
        if st.form_submit_button("Lưu"):
            try:
                parsed = typed if spec.choices else int(typed) if isinstance(spec.default, int) else json.loads(typed)
                app_settings.update(actor, key, parsed)
            except json.JSONDecodeError as exc:
                st.error(f"{spec.label}: JSON sai ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}")
            except DonationError as exc:
                st.error(plain(exc))
            else:
                st.success("Đã lưu.")
