"""Public posting at the commune: post the waiting nominations, print the list, record objections about people on
the list (chosen by name) and resolve them from the list of objections (a row chosen in the table)."""

import pandas as pd
import streamlit as st

from donation.common.dates import format_date, parse_date, today_vn
from donation.common.errors import DonationError
from donation.registry import review
from donation.registry.posting_pdf import posting_pdf
from pages import _auth, _widgets
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Niêm yết và ý kiến")
_widgets.show_flash("posting.flash")
commune = _widgets.commune_picker(actor, "posting.commune")
if commune is None:
    st.stop()

if st.button("Niêm yết các đề cử đang chờ", type="primary", key="posting.post"):
    try:
        posting = review.post_list(actor, commune_code=commune)
    except DonationError as exc:
        st.error(plain(exc))
    else:
        st.success(f"Đã niêm yết {posting.count} người từ {format_date(posting.posted_on)}; nhận ý kiến đến hết "
                   f"{format_date(posting.objection_until)}.")

st.subheader("In danh sách niêm yết")
posted_text = st.text_input("Ngày niêm yết (dd/mm/yyyy)", value=format_date(today_vn()), key="posting.date")
try:
    name, until, lines = review.posted_lines(actor, commune_code=commune,
                                             posted_on=parse_date(posted_text, field="Ngày niêm yết"))
except DonationError as exc:
    st.info(plain(exc))
else:
    posted_on = parse_date(posted_text)
    st.download_button(f"Tải danh sách {len(lines)} người (PDF)", on_click="ignore", key="posting.pdf",
                       mime="application/pdf",
                       data=lambda: posting_pdf(name, posted_on, until, lines),
                       file_name=f"niem-yet-{commune}-{posted_on:%Y%m%d}.pdf")

st.subheader("Ghi ý kiến")
posted = review.posted_people(actor, commune_code=commune)
if not posted:
    st.caption("Không có đề cử nào đang niêm yết: ý kiến chỉ ghi cho người trong danh sách đang niêm yết.")
else:
    people = {p.id: f"{p.full_name} · sinh năm {p.birth_year} · {p.village or 'không ghi thôn'}" for p in posted}
    with st.form("posting.objection", clear_on_submit=True):
        nomination = st.selectbox("Người được đề cử mà ý kiến nói đến", list(people), format_func=people.get,
                                  index=None, placeholder="Chọn người trong danh sách niêm yết",
                                  key="posting.nomination")
        raised_by = st.text_input("Người nêu ý kiến", key="posting.raised_by")
        content = st.text_area("Nội dung", key="posting.content")
        raised_on = st.text_input("Ngày nhận (dd/mm/yyyy)", value=format_date(today_vn()), key="posting.raised_on")
        if st.form_submit_button("Ghi ý kiến"):
            if nomination is None:
                st.error("Chọn người được đề cử mà ý kiến nói đến")
            else:
                _widgets.act("posting.flash", lambda: review.record_objection(
                    actor, nomination, raised_by=raised_by, content=content,
                    raised_on=parse_date(raised_on, field="Ngày nhận")),
                    lambda number: f"Đã ghi ý kiến số {number}; đề cử chưa được duyệt cho đến khi ý kiến được xử lý.")

st.subheader("Ý kiến đã nhận")
every = st.toggle("Xem cả ý kiến đã xử lý", key="posting.every_objection")
listed = review.objections_of(actor, commune_code=commune, open_only=not every)
if not listed:
    st.caption("Không có ý kiến nào." if every else "Không có ý kiến nào chưa xử lý.")
else:
    # after each resolution a new table, so that no row stays ticked in the browser
    table_key = f"posting.objections.{commune}.{every}.{st.session_state.get('posting.round', 0)}"
    event = st.dataframe(pd.DataFrame({
        "Số": [o.id for o in listed], "Người được đề cử": [o.full_name for o in listed],
        "Người nêu": [o.raised_by for o in listed], "Nội dung": [o.content for o in listed],
        "Ngày nhận": [format_date(o.raised_on) for o in listed],
        "Kết quả xử lý": [o.resolution or "Chưa xử lý" for o in listed],
    }), key=table_key, on_select="rerun", selection_mode="single-row", hide_index=True, width="stretch",
        column_config={"Số": st.column_config.NumberColumn("Số", width=50, format="%d")})
    picked = next((listed[index] for index in event.selection.rows if index < len(listed)), None)
    if picked is None:
        st.caption("Chọn một ý kiến trong bảng (ô đầu dòng) để ghi kết quả xử lý.")
    elif not picked.is_open:
        st.info(plain(f"Ý kiến số {picked.id} đã xử lý ngày {format_date(picked.resolved_on)}: {picked.resolution}"))
    else:
        with st.form("posting.resolve", clear_on_submit=True):
            st.markdown(f"**Ý kiến số {picked.id}** về {plain(picked.full_name)}, do {plain(picked.raised_by)} nêu "
                        f"ngày {format_date(picked.raised_on)}:  \n{plain(picked.content)}")
            resolution = st.text_area("Kết quả xử lý", key="posting.resolution")
            if st.form_submit_button("Ghi kết quả xử lý"):
                def resolved(_) -> str:
                    st.session_state["posting.round"] = st.session_state.get("posting.round", 0) + 1
                    return f"Đã ghi kết quả xử lý ý kiến số {picked.id}."

                _widgets.act("posting.flash", lambda: review.resolve_objection(actor, picked.id, resolution), resolved)
