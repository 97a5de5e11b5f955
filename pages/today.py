"""Each signed-in role's home page: its scope, what waits for the visitor (office staff: by kind, with the page that
does it), today's figures and what needs attention."""

import pandas as pd
import streamlit as st

from donation.common.dates import format_date, today_vn
from donation.common.money import format_number
from donation.reporting import today
from pages import _auth
from pages._plain import plain

# where each kind of office work is done: the page, its menu title, the tab it opens (its ?muc=…), the link's words
WORK_PAGES = {"review": ("pages/review.py", "Xét duyệt đề cử", None, "Xét duyệt"),
              "payments": ("pages/payments.py", "Tiền nộp và sao kê", "Chờ xác nhận", "Xác nhận khoản nộp"),
              "statement": ("pages/payments.py", "Tiền nộp và sao kê", "Dòng chưa khớp", "Xử lý dòng sao kê"),
              "holds": ("pages/pledges.py", "Danh sách cam kết", None, "Xem cam kết"),
              "overdue": ("pages/payments.py", "Tiền nộp và sao kê", "Đợt nộp quá hạn", "Xem và nhắc nộp"),
              "voids": ("pages/receipts.py", "Biên nhận", "Chờ xác nhận hủy", "Xử lý đề nghị hủy")}

actor = _auth.require_page(__file__)
on = today_vn()
view = today.overview(actor, on)
st.title("Việc hôm nay")
st.caption(f"{plain(actor.display_name)} · {actor.role_name} · {view.scope} · {format_date(on)}")

waiting = [item for item in view.work if item.count]
if view.work:
    st.subheader("Việc đang chờ bạn")
    for row in range(0, len(waiting), 3):
        for cell, item in zip(st.columns(3), waiting[row:row + 3], strict=False):
            box = cell.container(border=True)
            box.metric(item.title, format_number(item.count))
            if item.detail:
                box.caption(plain(item.detail))
            page, title, tab, words = WORK_PAGES[item.key]
            box.page_link(page, label=words, icon=":material/arrow_forward:", query_params={"muc": tab} if tab else None,
                          help=f"Trang «{title}»" + (f", mục «{tab}»" if tab else ""))
    if not waiting:
        st.success("Không có việc nào đang chờ bạn.")
    elif idle := [item.title.lower() for item in view.work if not item.count]:
        st.caption("Không có: " + ", ".join(idle) + ".")

for item in view.attention:
    st.warning(plain(item))
if not view.attention and not view.work:
    st.success("Không có việc nào cần xử lý gấp.")
# a table that wraps its text (a dataframe cuts the figures off on a phone); its cells are Markdown: escaped
st.table(pd.DataFrame([(plain(label), plain(value)) for label, value in view.facts], columns=["Nội dung", "Số liệu"]),
         border="horizontal")
