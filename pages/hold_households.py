"""Directed gifts: a donor picks anonymised approved households in a pledge's scope and holds them for its money;
the households held now, when they lapse, and giving one back."""

import pandas as pd
import streamlit as st

from donation.allocation import holds
from donation.common.dates import format_datetime_vn
from donation.common.errors import DonationError
from donation.common.money import format_vnd
from donation.pledges import pledges
from donation.pledges.states import HOLDING
from pages import _auth, _widgets
from pages._plain import plain

FLASH = "holds.flash"
PAGE_SIZE = 20
actor = _auth.require_page(__file__)
st.title("Chọn hộ để giúp")
st.caption("Chọn những hộ cụ thể (đã được BHXH tỉnh duyệt) để cam kết của bạn mua thẻ cho họ trước. Bạn không thấy "
           "tên, số định danh hay thông tin sức khỏe của ai. Giữ chỗ của cam kết chưa nộp đủ tiền sẽ tự trả lại khi "
           "quá hạn; cam kết đã nộp đủ thì giữ chỗ đến khi phân bổ mua thẻ.")
_widgets.show_flash(FLASH)
mine, _ = pledges.list_pledges(actor, limit=200)
open_codes = {r.code: f"{r.code} · {r.scope} · {format_vnd(r.amount)}" for r in mine if r.status in HOLDING}
if not open_codes:
    st.info("Chưa có cam kết nào còn hiệu lực để giữ chỗ. Ghi cam kết ở trang Cam kết tài trợ.")
    st.stop()
code = st.selectbox("Cam kết", list(open_codes), format_func=open_codes.get, key="holds.pledge", placeholder="Chọn…")
st.metric("Số tiền còn có thể giữ chỗ", format_vnd(holds.room_left(actor, code)))

held = holds.held_households(actor, code)
if held:
    st.subheader(f"Đang giữ chỗ ({len(held)} hộ)")
    st.dataframe(pd.DataFrame({
        "Hộ": [h.household_id for h in held], "Xã": [h.commune for h in held], "Số người": [h.people for h in held],
        "Số tiền": [format_vnd(h.amount) for h in held],
        "Giữ đến": [format_datetime_vn(h.expires_at) if h.lapses else "Đến khi phân bổ (đã nộp đủ)" for h in held],
    }), hide_index=True, width="stretch")
    left, right = st.columns([2, 1])
    back = left.selectbox("Trả lại một hộ", [h.household_id for h in held], index=None, key="holds.release_pick",
                          format_func=lambda h: f"Hộ {h}", placeholder="Chọn hộ")
    if right.button("Trả lại", key="holds.release", disabled=back is None):
        _widgets.act(FLASH, lambda: holds.release(actor, code, back), lambda _: f"Đã trả lại hộ {back}.")

st.subheader("Hộ đang chờ trong phạm vi cam kết")
# the choices are drawn before the list they filter, from the same single read: the commune list is given the
# counts once they are known
left, right = st.columns([2, 1])
commune = st.session_state.get("holds.commune")
page = int(st.session_state.get("holds.page", 1))
shown = holds.browse(actor, code, commune=commune, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
names = {c: f"{name} ({count} hộ)" for c, name, count in shown.communes}
if commune is not None and commune not in names:  # its last household was just held: back to every commune
    st.session_state.pop("holds.commune", None)
    st.rerun()
left.selectbox("Xã/phường", [None, *names], format_func=lambda c: "Mọi xã" if c is None else names[c],
               key="holds.commune", placeholder="Chọn…")
right.number_input("Trang", min_value=1, value=1, step=1, key="holds.page")
households, total = shown.households, shown.total
st.caption(f"{total} hộ đang chờ; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}; ưu tiên cao trước (điểm ưu "
           "tiên không hiện vì nó cộng cả thông tin sức khỏe). "
           "Số tiền là phần nhà tài trợ trả cho những người trong hộ mà cam kết giúp, theo giá hôm nay.")
if not households:
    st.info("Không còn hộ nào chờ trong phạm vi và nhóm của cam kết này.")
    st.stop()
with st.form("holds.pick"):
    chosen = [household.household_id for household in households if st.checkbox(
        f"**{household.commune}** · {len(household.members)} người: {'; '.join(household.members)} · "
        f"{household.circumstances} · **{format_vnd(household.price)}**", key=f"holds.household.{household.household_id}")]
    if st.form_submit_button("Giữ chỗ các hộ đã chọn", type="primary"):
        try:
            result = holds.hold(actor, code, chosen)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            if result.held:  # redrawn with the households held, and what could not be
                st.session_state[FLASH] = result.message
                st.rerun()
            st.warning(result.message)  # nothing held: said in place, the ticks kept
