"""Allocation (office staff): choose the scope and date, preview what the money buys by the published rules, with
totals by commune and by group, then save it in one go."""

import pandas as pd
import streamlit as st

from donation.access.actors import ADMIN
from donation.allocation import allocation
from donation.common.dates import parse_date, today_vn
from donation.common.errors import DonationError
from donation.common.money import format_vnd
from donation.premium.pledge_quote import CARD_NAMES
from pages import _auth, _widgets
from pages._plain import plain

FLASH = "allocation.flash"
actor = _auth.require_page(__file__)
st.title("Phân bổ tiền tài trợ")
st.caption("Tiền đã nộp được dùng mua thẻ cho người đã được duyệt theo quy tắc công khai: điểm ưu tiên cao trước; "
           "cùng điểm thì xã đang được ít hộ nhất đi trước; tiền nộp trước dùng trước; cả hộ cùng được tài trợ hoặc "
           "cùng chờ. Xem trước rồi mới lưu.")
_widgets.show_flash(FLASH)
st.page_link("pages/allocation_explain.py", label="Giải trình: ai được tài trợ và vì sao, ai còn chờ và vì sao",
             icon=":material/help_center:")
left, right = st.columns(2)
province = None
if actor.role == ADMIN:
    names = allocation.provinces(actor)
    province = left.selectbox("Văn phòng", [None, *names], key="allocation.province",
                              format_func=lambda c: "Mọi văn phòng" if c is None else names[c], placeholder="Chọn…")
on_text = right.text_input("Ngày phân bổ (dd/mm/yyyy)", value=f"{today_vn():%d/%m/%Y}", key="allocation.on")


def show(report: allocation.AllocationReport) -> None:
    cells = st.columns([1, 1, 2, 1])  # the amount needs room for "1.234.567.890 ₫"
    cells[0].metric("Người được tài trợ", f"{report.people_funded:,}".replace(",", "."))
    cells[1].metric("Hộ", f"{report.households_funded:,}".replace(",", "."))
    cells[2].metric("Số tiền", format_vnd(report.amount_allocated))
    cells[3].metric("Người còn chờ", f"{report.people_waiting:,}".replace(",", "."))
    st.caption(f"Từ {report.pledges_used} cam kết; còn {format_vnd(report.remainder_total)} chưa phân bổ (phần lẻ "
               "không đủ một thẻ ở lại cam kết).")
    if not report.sponsorships:
        st.info("Không có ai được tài trợ thêm: hết tiền phù hợp hoặc hết người chờ trong phạm vi này.")
        return
    communes = pd.DataFrame(
        [{"Xã": report.commune_names.get(code, str(code)), "Số người": people, "Số tiền": amount}
         for code, (people, amount) in report.by_commune.items()]).sort_values("Số người", ascending=False)
    groups = pd.DataFrame([{"Nhóm": CARD_NAMES.get(g, g), "Số người": people, "Số tiền": amount}
                           for g, (people, amount) in report.by_group.items()]).sort_values("Số người", ascending=False)
    for title, frame, label in (("Theo xã (20 xã nhiều nhất)", communes.head(20), "Xã"), ("Theo nhóm", groups, "Nhóm")):
        st.markdown(f"**{title}**")
        chart, table = st.columns(2)
        chart.bar_chart(frame, x=label, y="Số người", horizontal=True)
        table.dataframe(frame.assign(**{"Số tiền": frame["Số tiền"].map(format_vnd)}), hide_index=True)


def run(dry_run: bool) -> allocation.AllocationReport | None:
    try:
        on = parse_date(on_text, field="Ngày phân bổ")
        bar = st.progress(0.0, text="Bắt đầu…")
        report = allocation.allocate(actor, on=on, province=province, dry_run=dry_run,
                                     progress=lambda share, step: bar.progress(share, text=step))
    except DonationError as exc:
        st.error(plain(exc))
        return None
    return report


if st.button("Xem trước", key="allocation.preview"):
    st.session_state["allocation.shown"] = (province, on_text, run(dry_run=True))
preview = st.session_state.get("allocation.shown")
if preview and preview[:2] == (province, on_text) and preview[2] is not None:
    report = preview[2]
    st.subheader("Xem trước (chưa lưu)")
    show(report)
    if report.sponsorships and st.button(f"Lưu phân bổ: {report.people_funded} người, "
                                         f"{format_vnd(report.amount_allocated)}", type="primary",
                                         key="allocation.save"):
        saved = run(dry_run=False)
        if saved is not None:
            st.session_state.pop("allocation.shown", None)
            same = "" if saved.result_digest == report.result_digest else " (dữ liệu đã đổi từ lúc xem trước)"
            st.session_state[FLASH] = (f"Đã lưu phân bổ: {saved.people_funded} người, "
                                       f"{format_vnd(saved.amount_allocated)}{same}.")
            st.rerun()
