"""The province's review queue: for each posted nomination whether it can be approved now and, if not, why; filters by
commune (by name) and by that; rows chosen in the table are approved, rejected with a reason or returned with a
comment; one chosen row opens the nomination's file (its household together, objections, review history)."""

import pandas as pd
import streamlit as st

from donation.common.dates import format_date, format_datetime_vn
from donation.common.errors import DonationError
from donation.premium.rule_data import GROUP_NAMES
from donation.registry import review
from donation.registry.nominations import STATUS_NAMES
from pages import _auth, _widgets
from pages._plain import plain

PAGE_SIZE = 50
DONE = {"approve": "Đã duyệt {} đề cử.", "reject": "Đã từ chối {} đề cử.",
        "return": "Đã trả lại {} đề cử để xã sửa rồi niêm yết lại."}

actor = _auth.require_page(__file__)
st.title("Xét duyệt đề cử")
_widgets.show_flash("review.flash")

# Labels that stay the same from run to run (counts in an option's label confuse the browser's select box)
communes = {c.code: c.name for c in review.queue_communes(actor)}
everywhere = "Cả tỉnh" if actor.province_code else "Mọi nơi"
left, middle, right = st.columns([4, 4, 1])
commune = left.selectbox("Xã/phường/đặc khu", [None, *communes], key="review.commune",
                         format_func=lambda code: everywhere if code is None else communes[code], placeholder="Chọn…")
show = middle.selectbox("Tình trạng", [None, *review.QUEUE_FILTERS], key="review.show",
                        format_func=lambda s: "Tất cả đang chờ duyệt" if s is None else review.QUEUE_FILTERS[s], placeholder="Chọn…")
counts = review.queue_counts(actor, commune_code=commune)
pages = max(1, -(-counts[show] // PAGE_SIZE))
page = min(int(right.number_input("Trang", min_value=1, value=1, step=1, key="review.page")), pages)
try:
    rows, total = review.review_queue(actor, commune_code=commune, show=show, limit=PAGE_SIZE,
                                      offset=(page - 1) * PAGE_SIZE)
except DonationError as exc:
    st.error(plain(exc))
    st.stop()
why_not = ", ".join(f"{counts[kind]} {words}" for kind, words in (
    (review.WINDOW, "còn thời gian niêm yết"), (review.OBJECTION, "còn ý kiến chưa xử lý"),
    (review.OWN, "do chính bạn đề cử hoặc sửa")) if counts[kind])
st.caption(f"{counts[None]} đề cử đang niêm yết chờ duyệt, {counts[review.APPROVABLE]} duyệt được ngay"
           + (f"; chưa duyệt được: {why_not}" if why_not else "") + f". Đang xem {total}, trang {page}/{pages}. "
           "Chọn các dòng trong bảng (ô đầu dòng) để xử lý; chọn một dòng để xem hồ sơ.")

# Another list, another selection; after each decision a new table, so that no row stays ticked in the browser
table_key = f"review.table.{commune}.{show}.{page}.{st.session_state.get('review.round', 0)}"
ready_rows = [index for index, row in enumerate(rows) if row.approvable]


def select_approvable() -> None:
    st.session_state[table_key] = {"selection": {"rows": ready_rows, "columns": []}}


st.button(f"Chọn tất cả đề cử duyệt được ({len(ready_rows)})" + (" trên trang này" if pages > 1 else ""),
          on_click=select_approvable, disabled=not ready_rows, key="review.select_approvable",
          icon=":material/done_all:")
table = pd.DataFrame({
    "Mã": [r.id for r in rows], "Họ và tên": [r.full_name for r in rows], "Năm sinh": [r.birth_year for r in rows],
    "Xã": [r.commune_name for r in rows], "Nhóm": [GROUP_NAMES[r.group] for r in rows],
    "Điểm": [r.priority_score for r in rows],
    "Duyệt được?": ["Được" if r.approvable else f"Chưa: {r.why_not_short}" for r in rows],
})
event = st.dataframe(
    table, key=table_key, on_select="rerun", selection_mode="multi-row", hide_index=True, width="stretch",
    column_config={
        "Mã": st.column_config.NumberColumn("Mã", width=55, format="%d"),
        "Họ và tên": st.column_config.TextColumn("Họ và tên", width=170),
        "Năm sinh": st.column_config.NumberColumn("Năm sinh", width=70, format="%d"),
        "Xã": st.column_config.TextColumn("Xã", width=140),
        "Nhóm": st.column_config.TextColumn("Nhóm", width=140),
        "Điểm": st.column_config.NumberColumn("Điểm", width=50, format="%d", help="Điểm ưu tiên: cao được mua trước"),
        "Duyệt được?": st.column_config.TextColumn("Duyệt được?", width=240,
                                                   help="Chưa duyệt được: vì sao; xem đủ ở hồ sơ khi chọn một dòng"),
    })
chosen = [rows[index] for index in event.selection.rows if index < len(rows)]
ready = [r for r in chosen if r.approvable]
blocked = [r for r in chosen if not r.approvable]

if chosen:
    st.markdown(f"**Đã chọn {len(chosen)} đề cử**, {len(ready)} duyệt được ngay.")
if blocked:
    st.warning(plain(f"{len(blocked)} đề cử đã chọn chưa duyệt được, nút Duyệt bỏ qua các đề cử này (vẫn từ chối "
                     "hoặc trả lại được):\n" + "\n".join(f"{r.id} · {r.full_name}: {r.why_not}" for r in blocked)))


def decide(decision: str, ids: list[int]) -> None:
    """The button's action, run before the page is drawn again (no st.rerun: a rerun would drop the wide layout)."""
    try:
        done = review.decide(actor, ids, decision, st.session_state.get("review.note", ""))
    except DonationError as exc:
        st.session_state["review.refused"] = str(exc)  # shown under the buttons; the choice and the note are kept
    else:
        st.session_state["review.flash"] = DONE[decision].format(done)
        st.session_state["review.round"] = st.session_state.get("review.round", 0) + 1
        st.session_state["review.note"] = ""


st.text_input("Lý do từ chối hoặc nội dung cần sửa (bắt buộc khi từ chối hay trả lại)", key="review.note")
approve, reject, send_back = st.columns(3)
buttons = (
    (approve, "approve", f"Duyệt {len(ready)} đề cử", [r.id for r in ready], "primary"),
    (reject, "reject", f"Từ chối {len(chosen)} đề cử", [r.id for r in chosen], "secondary"),
    (send_back, "return", f"Trả lại {len(chosen)} đề cử để sửa", [r.id for r in chosen], "secondary"),
)
for column, decision, label, ids, kind in buttons:
    column.button(label, disabled=not ids, key=f"review.{decision}", type=kind, width="stretch", on_click=decide,
                  args=(decision, ids))
if refused := st.session_state.pop("review.refused", None):
    st.error(plain(refused))

if len(chosen) > 1:
    st.caption("Chọn đúng một dòng để xem hồ sơ đề cử.")
elif chosen:
    details = review.nomination_details(actor, chosen[0].id)
    st.subheader(f"Hồ sơ đề cử {details.id}: {plain(details.full_name)}")
    facts, times = st.columns(2)
    facts.markdown(
        f"**Xã:** {plain(details.commune_name)}, {plain(details.village or 'không ghi thôn')}  \n"
        f"**Nhóm:** {GROUP_NAMES[details.group]}  \n**Trạng thái:** {STATUS_NAMES[details.status]}  \n"
        f"**Điểm ưu tiên:** {details.priority_score}: {plain(details.priority_explanation)}  \n"
        f"**Lý do xã đề cử:** {plain(details.reason or 'không ghi')}")
    times.markdown(
        f"**Đề cử:** {plain(details.nominated_by)}, {format_datetime_vn(details.nominated_at)}  \n"
        + (f"**Sửa lần cuối:** {plain(details.updated_by)}  \n" if details.updated_by else "")
        + (f"**Niêm yết:** từ {format_date(details.posted_on)}, nhận ý kiến đến hết "
           f"{format_date(details.objection_until)}  \n" if details.posted_on and details.objection_until else "")
        + (f"**Ghi chú xét duyệt gần nhất:** {plain(details.review_note)}" if details.review_note else ""))
    if details.blockers:
        st.warning(plain("Chưa duyệt được: " + "; ".join(b.text for b in details.blockers)))
    elif details.status == "posted":
        st.success("Duyệt được ngay.")
    st.markdown(f"**Cả hộ ({len(details.members)} người)**")
    st.dataframe(pd.DataFrame({
        "Họ và tên": [m.full_name + (" (đề cử này)" if m.is_this else "") for m in details.members],
        "Ngày sinh": [m.birth for m in details.members], "Giấy tờ": [m.identifier for m in details.members],
        "Quan hệ với chủ hộ": [m.relation for m in details.members],
        "Nhóm": [GROUP_NAMES[m.group] for m in details.members],
        "Trạng thái": [STATUS_NAMES[m.status] for m in details.members],
    }), hide_index=True, width="stretch")
    st.markdown("**Ý kiến khi niêm yết**")
    if details.objections:
        st.dataframe(pd.DataFrame({
            "Ngày nhận": [format_date(o.raised_on) for o in details.objections],
            "Người nêu": [o.raised_by for o in details.objections], "Nội dung": [o.content for o in details.objections],
            "Kết quả xử lý": [o.resolution or "Chưa xử lý" for o in details.objections],
        }), hide_index=True, width="stretch")
    else:
        st.caption("Không có ý kiến nào.")
    st.markdown("**Lịch sử xét duyệt**")
    if details.history:
        st.dataframe(pd.DataFrame({
            "Lúc": [format_datetime_vn(h.at) for h in details.history], "Người làm": [h.by for h in details.history],
            "Việc": [h.action for h in details.history], "Ghi chú": [h.note for h in details.history],
        }), hide_index=True, width="stretch")
    else:
        st.caption("Chưa có quyết định hay thay đổi nào sau khi đề cử.")
