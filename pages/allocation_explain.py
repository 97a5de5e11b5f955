"""Explanations (office staff): who is funded and why (score, rule, pledges), who still waits and why not yet, with a
commune filter, paging, reason counts and the whole lists as Excel or CSV."""

import functools

import pandas as pd
import streamlit as st

from donation.access.actors import ADMIN, NATIONAL_OFFICER
from donation.allocation import allocation, explain
from donation.common.dates import today_vn
from donation.common.errors import DonationError
from donation.common.money import format_number, format_vnd
from donation.premium.rule_data import GROUP_NAMES
from pages import _auth, _widgets
from pages._plain import plain

PAGE_SIZE = 50
FLASH = "explain.flash"
actor = _auth.require_page(__file__)
st.title("Giải trình phân bổ")
_widgets.show_flash(FLASH)
st.caption("Vì sao mỗi người được tài trợ (điểm ưu tiên, quy tắc, cam kết trả tiền) và vì sao người đã được duyệt "
           "chưa được tài trợ, theo quy tắc công khai, tính đến hôm nay." + (
               " BHXH Việt Nam xem những gì tiền của mình đã mua, và số người còn chờ theo tỉnh." if
               actor.role == NATIONAL_OFFICER else ""))
today = today_vn()
left, right = st.columns(2)
province = None
province_picker = actor.role in (ADMIN, NATIONAL_OFFICER)
if province_picker:
    provinces = explain.provinces(actor)
    province = left.selectbox("Tỉnh/thành phố", [None, *provinces], key="explain.province",
                              format_func=lambda c: "Mọi tỉnh" if c is None else provinces[c], placeholder="Chọn…")
communes = explain.communes(actor, province=province)
commune = (right if province_picker else left).selectbox("Xã/phường/đặc khu", [None, *communes], key="explain.commune",
                          format_func=lambda c: "Mọi xã" if c is None else communes[c], placeholder="Chọn…") if communes else None


def pages_caption(number: int, total: int, what: str) -> None:
    pages = max(1, -(-total // PAGE_SIZE))
    st.caption(f"{format_number(total)} {what}; trang {number}/{pages}; điểm cao trước. Giấy tờ luôn được che.")


def label(by_id: dict, nomination: int) -> str:
    row = by_id.get(nomination)
    return f"{row.name} · {row.commune}" if row else str(nomination)


def downloads(kind: str) -> None:
    first, second = st.columns(2)
    stem = f"{'da-tai-tro' if kind == 'funded' else 'chua-tai-tro'}-{today:%Y%m%d}"
    first.download_button("Tải Excel (toàn bộ danh sách)", on_click="ignore", key=f"explain.{kind}.xlsx",
                          file_name=f"{stem}.xlsx",
                          data=lambda: explain.export(actor, kind, "xlsx", on=today, province=province,
                                                      commune=commune),
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    second.download_button("Tải CSV", on_click="ignore", key=f"explain.{kind}.csv", file_name=f"{stem}.csv",
                           mime="text/csv",
                           data=lambda: explain.export(actor, kind, "csv", on=today, province=province,
                                                       commune=commune))


def show_funded() -> None:
    # the pager is drawn under the figures, only when there is more than a page; its value is known before. It is
    # keyed by the filters, so that another commune starts on its first page.
    pager = f"explain.funded_page.{province}.{commune}"
    number = max(1, int(st.session_state.get(pager, 1)))
    funded = explain.funded(actor, on=today, province=province, commune=commune, limit=PAGE_SIZE,
                            offset=(number - 1) * PAGE_SIZE)
    cells = st.columns([1, 2, 1, 1])
    cells[0].metric("Người được tài trợ", format_number(funded.total))
    cells[1].metric("Số tiền", format_vnd(funded.amount))
    cells[2].metric("Theo thứ tự ưu tiên", format_number(funded.by_rule.get("priority", 0)))
    cells[3].metric("Cam kết giữ suất", format_number(funded.by_rule.get("held", 0)))
    if not funded.total:
        st.info("Chưa có ai được tài trợ trong phạm vi này.")
        return
    if funded.total > PAGE_SIZE:
        st.number_input("Trang", min_value=1, value=1, step=1, key=pager)
    pages_caption(number, funded.total, "người")
    rows = funded.rows
    table = pd.DataFrame({
        "Họ và tên": [r.name for r in rows], "Xã": [r.commune for r in rows], "Điểm": [r.score for r in rows],
        "Vì sao có điểm này": [r.score_reason for r in rows], "Quy tắc": [r.rule_name for r in rows],
        "Cam kết trả tiền": [r.pledges_text for r in rows], "Nhóm": [GROUP_NAMES.get(r.group, r.group) for r in rows],
        "Thẻ": [f"{r.months} tháng, {r.period}" for r in rows],
        "Giá": [format_vnd(r.price) for r in rows], "Giấy tờ": [r.identifier for r in rows],
    })
    if not any(r.score_reason for r in rows):  # outside the actor's scope the reason is not given
        table = table.drop(columns="Vì sao có điểm này")
    st.dataframe(table, hide_index=True, width="stretch")
    by_id = {r.nomination_id: r for r in rows}
    # keyed by the filters and the page, so that a choice never outlives the rows it was made among
    opened = st.selectbox("Vì sao người này được tài trợ", list(by_id), index=None, format_func=functools.partial(
        label, by_id), key=f"explain.funded_person.{province}.{commune}.{number}",
        placeholder="Chọn một người của trang này")
    if opened in by_id:
        r = by_id[opened]
        st.info(f"**{plain(r.name)}** ({r.commune}, {GROUP_NAMES.get(r.group, r.group)}): **{r.score} điểm** "
                + (f"({r.score_reason}). " if r.score_reason else ". ") + f"{r.rule_name}. Thẻ {r.months} "
                f"tháng {r.period}, {format_vnd(r.price)}, trả bằng: "
                f"{r.pledges_text}.")
        release_form(r)
    downloads("funded")


def release_form(r: explain.FundedRow) -> None:
    """Before the card is bought, the sponsorship is given back with a reason; the money returns to its pledges."""
    with st.form(f"explain.release.{r.sponsorship_id}"):
        reason = st.text_input("Trả lại suất tài trợ này (trước khi mua thẻ): lý do", key="explain.release_reason",
                               placeholder="Ví dụ: người được tài trợ đã có thẻ BHYT khác, đã chuyển đi nơi khác")
        if st.form_submit_button("Trả lại suất tài trợ"):
            _widgets.act(FLASH, lambda: allocation.release(actor, r.sponsorship_id, reason),
                         lambda _: f"Đã trả lại suất tài trợ của {plain(r.name)}: {format_vnd(r.price)} về lại "
                                   f"cam kết {r.pledges_text}. Đề cử đã được rút khỏi danh sách chờ; nếu người này "
                                   "vẫn cần thẻ, cán bộ xã đề cử lại.")


def show_waiting() -> None:
    summary = st.container()  # the counts above the filters they are chosen from
    people = actor.role != NATIONAL_OFFICER  # BHXH Việt Nam sees how many wait, by province, not who
    reason, number = None, 1
    if people:
        left, right = st.columns(2)
        reason = left.selectbox("Lý do", [None, *explain.REASONS], key="explain.reason",
                                format_func=lambda k: "Mọi lý do" if k is None else explain.REASONS[k], placeholder="Chọn…")
        number = int(right.number_input("Trang", min_value=1, value=1, step=1,
                                        key=f"explain.waiting_page.{province}.{commune}.{reason}"))
    waiting = explain.waiting(actor, on=today, province=province, commune=commune, reason=reason, limit=PAGE_SIZE,
                              offset=(number - 1) * PAGE_SIZE)
    if not waiting.counts:
        summary.info("Không có người đã duyệt nào còn chờ trong phạm vi này.")
        return
    summary.markdown(f"**{format_number(sum(waiting.counts.values()))} người đã duyệt chưa được tài trợ**")
    summary.dataframe(pd.DataFrame({"Lý do": [explain.REASONS[k] for k in waiting.counts],
                                    "Số người": list(waiting.counts.values())}), hide_index=True)
    if not waiting.people:
        summary.dataframe(pd.DataFrame([{"Tỉnh/thành phố": name, **{explain.REASONS[k]: c.get(k, 0)
                                                                   for k in waiting.counts}}
                                        for name, c in waiting.by_province.items()]), hide_index=True,
                          width="stretch")
        downloads("waiting")
        return
    pages_caption(number, waiting.total, "người" if reason is None else f"người: {explain.REASONS[reason]}")
    rows = waiting.rows
    st.dataframe(pd.DataFrame({
        "Họ và tên": [r.name for r in rows], "Xã": [r.commune for r in rows], "Điểm": [r.score for r in rows],
        "Lý do": [r.reason_name for r in rows], "Chi tiết": [r.detail for r in rows],
        "Nhóm": [GROUP_NAMES.get(r.group, r.group) for r in rows],
        "Thẻ sẽ bắt đầu (dự kiến)": [f"{r.starts_on:%d/%m/%Y}" if r.starts_on else "" for r in rows],
        "Giá thẻ 12 tháng": [format_vnd(r.price) if r.price else "" for r in rows],
        "Giấy tờ": [r.identifier for r in rows],
    }), hide_index=True, width="stretch")
    by_id = {r.nomination_id: r for r in rows}
    opened = st.selectbox("Vì sao người này chưa được tài trợ", list(by_id), index=None,
                          format_func=functools.partial(label, by_id),
                          key=f"explain.waiting_person.{province}.{commune}.{reason}.{number}",
                          placeholder="Chọn một người của trang này")
    if opened in by_id:
        r = by_id[opened]
        st.warning(f"**{plain(r.name)}** ({r.commune}, {r.score} điểm): **{r.reason_name}**. {r.detail}.")
    downloads("waiting")


# Only the open tab is worked out: each is a scan of the country's allocation for an administrator.
funded_tab, waiting_tab = st.tabs(["Đã được tài trợ", "Chưa được tài trợ"], key="explain.tab", on_change="rerun")
try:
    if funded_tab.open:
        with funded_tab:
            show_funded()
    if waiting_tab.open:
        with waiting_tab:
            show_waiting()
except DonationError as exc:
    st.error(plain(exc))
