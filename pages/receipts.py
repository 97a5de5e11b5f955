"""Receipts (office staff): find one and print it, print a batch, record the office's collection receipt number, and
void a receipt with a second officer's confirmation (the payment gets a new one)."""

import pandas as pd
import streamlit as st

from donation.common.dates import parse_date
from donation.common.errors import DonationError, InvalidInput
from donation.common.money import format_vnd
from donation.common.pdf import PAPERS
from donation.common.wording import in_sentence
from donation.payments import payments, receipts
from pages import _auth, _pick, _widgets
from pages._plain import plain

FLASH = "receipts.flash"
PAGE_SIZE = 50
TABS = ["Danh sách", "In theo lô", "Chờ xác nhận hủy"]
TAB_KEY = "muc"  # the address's ?muc=…: the tab open
actor = _auth.require_page(__file__)
st.title("Biên nhận")
st.caption("Mỗi khoản nộp được xác nhận có một biên nhận đánh số liên tục theo năm, có mã QR kiểm tra được. "
           "Biên nhận in lần thứ hai trở đi ghi «Bản sao».")
with st.container():  # always there, message or not: what follows keeps its place
    _widgets.show_flash(FLASH)
office = _widgets.office_picker(actor, "receipts.office")


def done(message: str) -> str:
    """A change's message; the PDFs made before it are dropped (they may show a receipt now voided)."""
    st.session_state.pop("receipts.one", None)
    st.session_state.pop("receipts.printed", None)
    return message


def print_batch(since_text: str, until_text: str, numbers_text: str, **choices) -> receipts.Printed:
    numbers = [n for part in numbers_text.replace(",", "\n").splitlines() if (n := part.strip())]
    if not (since_text.strip() or until_text.strip() or numbers):
        raise InvalidInput("Chọn khoảng ngày nộp tiền hoặc ghi danh sách số biên nhận cần in")
    bar = st.progress(0.0, text="Đang chuẩn bị…")

    def show(count: int, total: int) -> None:
        if count == total or count % max(1, total // 50) == 0:  # about fifty updates, however large the batch
            bar.progress(count / total, text=f"Đã in {count}/{total} biên nhận")

    printed = receipts.print_receipts(
        actor, office=office, since=parse_date(since_text, field="Từ ngày") if since_text.strip() else None,
        until=parse_date(until_text, field="Đến ngày") if until_text.strip() else None, numbers=numbers,
        progress=show, **choices)
    bar.progress(1.0, text=f"Xong: {printed.count} biên nhận")
    return printed


listing, batch, voiding = st.tabs(TABS, key=TAB_KEY, bind="query-params")  # stays open; linked from home

with listing:
    left, middle, right = st.columns(3)
    text = left.text_input("Số biên nhận, mã cam kết hoặc mã giao dịch", key="receipts.text")
    status = middle.selectbox("Trạng thái", [None, *receipts.STATUSES], key="receipts.status",
                              format_func=lambda s: "Tất cả" if s is None else receipts.STATUSES[s], placeholder="Chọn…")
    page = right.number_input("Trang", min_value=1, value=1, step=1, key="receipts.page")
    rows, total = receipts.list_receipts(actor, office=office, status=status, text=text, limit=PAGE_SIZE,
                                         offset=(int(page) - 1) * PAGE_SIZE)
    st.caption(f"{total} biên nhận; trang {int(page)}/{max(1, -(-total // PAGE_SIZE))}; số mới nhất trước")
    if rows:
        chosen = _pick.picked_row("receipts.list", pd.DataFrame({
            "Số": [r.number for r in rows], "Ngày nộp": [f"{r.paid_on:%d/%m/%Y}" for r in rows],
            "Số tiền": [format_vnd(r.amount) for r in rows], "Nhà tài trợ": [r.donor for r in rows],
            "Cam kết": [r.pledge_code for r in rows], "Hình thức": [payments.METHODS[r.method] for r in rows],
            "Mã giao dịch": [r.bank_reference for r in rows], "Biên lai thu": [r.official_number for r in rows],
            "Trạng thái": [r.status_name for r in rows], "Đã in": [r.print_count for r in rows],
            "Thư điện tử": [r.mail_state for r in rows],
        }), [r.number for r in rows])
        row = next((r for r in rows if r.number == chosen), None)
        if row is None:
            st.caption("Chọn một dòng trong bảng để in, ghi số biên lai thu hoặc đề nghị hủy biên nhận đó.")
        else:
            with st.container(border=True):
                st.markdown(f"**Biên nhận {row.number}** · {format_vnd(row.amount)} · nộp ngày "
                            f"{row.paid_on:%d/%m/%Y} · {in_sentence(row.status_name)}")
                st.caption(f"Nhà tài trợ: {plain(row.donor)} · cam kết {row.pledge_code} · "
                           f"{payments.METHODS[row.method]}"
                           + (f" · mã giao dịch {plain(row.bank_reference)}" if row.bank_reference else "")
                           + f" · đã in {row.print_count} lần")
                if st.button("Tạo PDF để in (lần in thứ hai trở đi ghi «Bản sao»)", key="receipts.print_one"):
                    try:
                        st.session_state["receipts.one"] = (office, row.number, receipts.receipt_pdf(actor, row.number))
                    except DonationError as exc:
                        st.error(plain(exc))
                made = st.session_state.get("receipts.one")
                if made and made[:2] == (office, row.number):
                    st.download_button(f"Tải biên nhận {row.number} (PDF)", made[2],
                                       file_name=f"bien-nhan-{row.number}.pdf", mime="application/pdf",
                                       on_click="ignore", key="receipts.one_download")
                if row.status != "voided" and st.button("Gửi lại biên nhận tới thư điện tử của nhà tài trợ",
                                                        key="receipts.mail_one"):
                    _widgets.act(FLASH, lambda: receipts.mail_receipts(actor, [row.number]),
                                 lambda sent: done(sent.sentence or "Nhà tài trợ không ghi thư điện tử: gửi biên nhận "
                                                                    "theo cách khác (in, hoặc nhà tài trợ tải ở trang "
                                                                    "cam kết)."))
                if row.status == "valid":
                    left, right = st.columns(2)
                    with left.form("receipts.official"):
                        official = st.text_input("Số biên lai thu của văn phòng", key="receipts.official_number")
                        if st.form_submit_button("Ghi số biên lai thu"):
                            _widgets.act(FLASH, lambda: receipts.set_official_number(actor, row.number, official),
                                         lambda _: done(f"Đã ghi biên lai thu số {plain(' '.join(official.split()))} "
                                                        f"cho biên nhận {row.number}."))
                    with right.form("receipts.void"):
                        reason = st.selectbox("Lý do hủy (hiện trên trang kiểm tra công khai)",
                                              list(receipts.VOID_REASONS), format_func=receipts.VOID_REASONS.get,
                                              key="receipts.void_reason", placeholder="Chọn…")
                        note = st.text_input("Điều cần sửa (chỉ văn phòng xem)", key="receipts.void_note")
                        if st.form_submit_button("Đề nghị hủy biên nhận"):
                            _widgets.act(FLASH, lambda: receipts.request_void(actor, row.number, reason, note),
                                         lambda _: done(f"Đã đề nghị hủy biên nhận {row.number}: chờ cán bộ khác "
                                                        "xác nhận."))
                elif row.status == "void_requested":
                    st.info("Biên nhận này đang chờ xác nhận hủy: xem mục «Chờ xác nhận hủy».")
    else:
        st.info("Chưa có biên nhận nào khớp điều kiện.")

with batch, st.form("receipts.batch"):
    st.caption("In mọi biên nhận còn hiệu lực trong khoảng ngày nộp tiền, hoặc theo danh sách số; trang đầu là biên "
               "nhận đầu tiên, theo thứ tự số.")
    left, right = st.columns(2)
    since = left.text_input("Từ ngày nộp (dd/mm/yyyy)", key="receipts.since")
    until = right.text_input("Đến ngày nộp (dd/mm/yyyy)", key="receipts.until")
    numbers = st.text_area("Hoặc danh sách số biên nhận (mỗi dòng một số, hoặc cách nhau bằng dấu phẩy)",
                           key="receipts.numbers")
    left, right = st.columns(2)
    as_zip = left.radio("Dạng tệp", [False, True], key="receipts.as_zip", horizontal=True,
                        format_func=lambda z: "Một tệp PDF" if not z else "ZIP, mỗi biên nhận một PDF")
    paper = right.selectbox("Khổ giấy", [None, *PAPERS], key="receipts.paper",
                            format_func=lambda p: "Theo thiết lập" if p is None else PAPERS[p], placeholder="Chọn…")
    voided = st.checkbox("In cả biên nhận đã hủy (có đánh dấu «ĐÃ HỦY»)", key="receipts.voided")
    if st.form_submit_button("In biên nhận", type="primary"):
        st.session_state.pop("receipts.printed", None)
        try:
            st.session_state["receipts.printed"] = (office, print_batch(since, until, numbers, include_voided=voided,
                                                                        as_zip=as_zip, paper=paper))
        except DonationError as exc:
            st.error(plain(exc))
if (printed := st.session_state.get("receipts.printed")) and printed[0] == office:
    printed = printed[1]
    batch.download_button(f"Tải {printed.filename} ({printed.count} biên nhận)", printed.data,
                          file_name=printed.filename, mime=printed.mime, on_click="ignore",
                          key="receipts.batch_download")

with voiding:
    waiting = receipts.void_requests(actor, office=office)
    if not waiting:
        st.info("Không có biên nhận nào chờ xác nhận hủy.")
    else:
        st.caption("Chọn một dòng để xác nhận hủy (cấp biên nhận mới) hoặc giữ biên nhận. Đề nghị do chính bạn "
                   "gửi cần một cán bộ khác xác nhận; bạn vẫn rút lại được.")
        chosen_void = _pick.picked_row("receipts.voiding", pd.DataFrame({
            "Số": [r.number for r in waiting], "Số tiền": [format_vnd(r.amount) for r in waiting],
            "Nhà tài trợ": [r.donor for r in waiting], "Lý do hủy": [r.void_reason_name for r in waiting],
            "Điều cần sửa": [r.void_note for r in waiting],
            "Bạn xác nhận được": ["Không: do bạn đề nghị" if r.void_requested_by == actor.user_id else "Có"
                                  for r in waiting],
        }), [r.number for r in waiting])
        mine = any(r.number == chosen_void and r.void_requested_by == actor.user_id for r in waiting)
        new_official = st.text_input("Số biên lai thu cho biên nhận cấp lại (để trống: giữ số cũ)",
                                     key="receipts.new_official")
        left, right = st.columns(2)
        if left.button("Xác nhận hủy và cấp biên nhận mới", type="primary", key="receipts.void_confirm",
                       disabled=chosen_void is None or mine):
            _widgets.act(FLASH, lambda: receipts.decide_void(actor, chosen_void, confirm=True,
                                                              official_number=new_official or None),
                         lambda number: done(f"Đã hủy biên nhận {chosen_void}; cấp lại số {number}."))
        if right.button("Không hủy (hoặc rút đề nghị của mình)", key="receipts.void_reject",
                        disabled=chosen_void is None):
            _widgets.act(FLASH, lambda: receipts.decide_void(actor, chosen_void, confirm=False),
                         lambda _: done(f"Biên nhận {chosen_void} vẫn còn hiệu lực."))
