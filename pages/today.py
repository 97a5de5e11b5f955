"""Each signed-in role's home page: its scope, today's figures and what needs attention."""

import pandas as pd
import streamlit as st

from donation.common.dates import format_date, today_vn
from donation.reporting import today
from pages import _auth
from pages._plain import plain

actor = _auth.require_page(__file__)
on = today_vn()
view = today.overview(actor, on)
st.title("Việc hôm nay")
st.caption(f"{plain(actor.display_name)} · {actor.role_name} · {view.scope} · {format_date(on)}")
for item in view.attention:
    st.warning(plain(item))
if not view.attention:
    st.success("Không có việc nào cần xử lý gấp.")
st.dataframe(pd.DataFrame(view.facts, columns=["Nội dung", "Số liệu"]), hide_index=True, width="stretch")
