"""Money received (office staff): record a payment, confirm others' records, import a bank statement, and settle
the lines that did not match a pledge."""

import pandas as pd
import streamlit as st

from donation.common import mail
from donation.common.dates import parse_date, today_vn
from donation.common.errors import DonationError
from donation.common.money import format_vnd, parse_vnd
from donation.payments import payments, reconcile, statement_rows
from donation.pledges import overdue
from pages import _auth, _pick, _widgets
from pages._plain import plain

FLASH = "payments.flash"
PREVIEW_ROWS = 500  # lines of each kind a statement's preview shows (the counts say how many there are)
QUEUE_ROWS = 100
TABS = ["Ghi tiền nộp", "Chờ xác nhận", "Nhập sao kê", "Dòng chưa khớp", "Đợt nộp quá hạn"]
TAB_KEY = "muc"  # the address's ?muc=…: the tab open
actor = _auth.require_page(__file__)
st.title("Tiền nộp và sao kê")
with st.container():  # always there, message or not: what follows keeps its place (and its open tab)
    _widgets.show_flash(FLASH)
office = _widgets.office_picker(actor, "payments.office")


def recorded(row: payments.PaymentRow) -> str:
    for key in ("payments.code", "payments.amount", "payments.reference", "payments.decision", "payments.note"):
        del st.session_state[key]  # a fresh form for the next payment (kept as typed when refused)
    return f"Đã ghi {format_vnd(row.amount)} cho cam kết {row.pledge_code}: chờ cán bộ khác xác nhận."


def suggested(offers: tuple[reconcile.Suggestion, ...]) -> str:
    return "; ".join(f"Có thể là mã {o.code} ({o.donor}, còn phải nộp {format_vnd(o.due)})" for o in offers)


# keyed and bound to the address: the tab stays open across reruns, and the home page links straight to one
record, confirm, statement, queue, late = st.tabs(TABS, key=TAB_KEY, bind="query-params")

with record, st.form("payments.record"):
    st.caption("Tiền mặt tại văn phòng, chuyển khoản chưa có trên sao kê, hoặc tiền ngân sách qua Kho bạc. Khoản ghi "
               "tay chỉ được tính khi một cán bộ khác xác nhận.")
    left, right = st.columns(2)
    code = left.text_input("Mã cam kết", key="payments.code")
    amount = right.text_input("Số tiền (đồng)", key="payments.amount")
    method = left.selectbox("Hình thức", list(payments.METHODS), format_func=payments.METHODS.get,
                            key="payments.method", placeholder="Chọn…")
    paid_on = right.text_input("Ngày nộp (dd/mm/yyyy)", value=f"{today_vn():%d/%m/%Y}", key="payments.paid_on")
    reference = left.text_input("Mã giao dịch ngân hàng (bắt buộc với chuyển khoản)", key="payments.reference")
    decision = right.text_input("Số quyết định cấp kinh phí (tiền qua Kho bạc)", key="payments.decision")
    note = st.text_input("Ghi chú", key="payments.note")
    if st.form_submit_button("Ghi khoản nộp", type="primary"):
        _widgets.act(FLASH, lambda: payments.record_payment(
            actor, code, amount=parse_vnd(amount), method=method, paid_on=parse_date(paid_on, field="Ngày nộp"),
            today=today_vn(), bank_reference=reference, decision_number=decision, note=note), recorded)

with confirm:
    waiting = payments.awaiting_confirmation(actor, office=office)
    if not waiting:
        st.info("Không có khoản nộp nào chờ xác nhận.")
    else:
        st.caption("Chọn một dòng trong bảng để xác nhận hoặc từ chối. Khoản do chính bạn ghi cần một cán bộ khác "
                   "xác nhận.")
        chosen_id = _pick.picked_row("payments.waiting", pd.DataFrame({
            "Cam kết": [p.pledge_code for p in waiting], "Nhà tài trợ": [p.donor for p in waiting],
            "Số tiền": [format_vnd(p.amount) for p in waiting], "Hình thức": [p.method_name for p in waiting],
            "Ngày nộp": [f"{p.paid_on:%d/%m/%Y}" for p in waiting],
            "Mã giao dịch": [p.bank_reference or p.decision_number for p in waiting],
            "Người ghi": [p.recorder for p in waiting],
            "Bạn xác nhận được": ["Không: do bạn ghi" if p.recorded_by == actor.user_id else "Có" for p in waiting],
            "Ghi chú": [p.note for p in waiting],
        }), [p.id for p in waiting])
        chosen = next((p for p in waiting if p.id == chosen_id), None)
        if chosen is None:
            st.caption(f"{len(waiting)} khoản chờ xác nhận: chưa chọn khoản nào.")
        else:
            mine = chosen.recorded_by == actor.user_id
            with st.container(border=True):
                st.markdown(f"**{format_vnd(chosen.amount)}** cho cam kết **{chosen.pledge_code}** · "
                            f"{chosen.method_name} · ngày {chosen.paid_on:%d/%m/%Y}")
                st.caption(f"Nhà tài trợ: {plain(chosen.donor)} · người ghi: {plain(chosen.recorder)}"
                           + (f" · ghi chú: {plain(chosen.note)}" if chosen.note else ""))
                if mine:
                    st.info("Khoản này do chính bạn ghi: một cán bộ khác phải xác nhận. Bạn vẫn có thể từ chối "
                            "(rút lại) nếu ghi nhầm.")
                left, right = st.columns(2)
                if left.button(f"Xác nhận đã nhận {format_vnd(chosen.amount)}", type="primary",
                               key="payments.confirm", disabled=mine):
                    _widgets.act(FLASH, lambda: payments.confirm_payment(actor, chosen.id),
                                 lambda row: f"Đã xác nhận {format_vnd(row.amount)} cho cam kết {row.pledge_code}; "
                                             f"biên nhận số {row.receipt}. {row.receipt_mail}".rstrip())
                why = right.text_input("Lý do từ chối", key="payments.reject_reason")
                if right.button("Từ chối khoản này", key="payments.reject"):
                    _widgets.act(FLASH, lambda: payments.reject_payment(actor, chosen.id, why),
                                 lambda row: f"Đã từ chối khoản {format_vnd(row.amount)} cho cam kết "
                                             f"{row.pledge_code}.")

with statement:
    st.caption("Sao kê CSV hoặc Excel của tài khoản nhận tiền. Mỗi dòng có mã cam kết trong nội dung được ghi nhận "
               "ngay (sao kê là chứng từ); nhập lại cùng sao kê không thay đổi gì.")
    upload = st.file_uploader("Tệp sao kê", type=["csv", "xlsx", "xls", "ods"], key="payments.statement")
    if upload is not None:
        data = upload.getvalue()
        columns = None
        with st.expander("Cột của sao kê (ngân hàng khác mẫu)"):
            try:
                headers = reconcile.statement_headers(data, upload.name)
            except DonationError as exc:
                st.error(plain(exc))
                headers = []
            mapping = {field: st.selectbox(label, [None, *headers], key=f"payments.col.{field}",
                                           format_func=lambda h: "Mặc định" if h is None else h, placeholder="Chọn…")
                       for field, label in statement_rows.FIELDS.items()}
            columns = {field: header for field, header in mapping.items() if header} or None
        try:
            preview = reconcile.reconcile(actor, data, upload.name, office=office, columns=columns, dry_run=True,
                                          today=today_vn())
        except DonationError as exc:
            st.error(plain(exc))
        else:
            cells = st.columns(4)
            cells[0].metric("Dòng tiền vào", preview.lines)
            cells[1].metric("Khớp cam kết", preview.matched)
            cells[2].metric("Chưa khớp", preview.unmatched)
            cells[3].metric("Đã nhập trước", preview.duplicates)
            st.caption(f"Số tiền khớp: {format_vnd(preview.amount_matched)}; bỏ qua {preview.skipped} dòng tiền ra.")
            if preview.errors:
                st.warning("Các dòng không đọc được (không lưu):")
                st.dataframe(pd.DataFrame({"Dòng": [e.row for e in preview.errors],
                                           "Cột": [e.column for e in preview.errors],
                                           "Vấn đề": [e.message for e in preview.errors]}), hide_index=True)
            if preview.matched_lines:
                st.markdown(f"**Dòng khớp cam kết ({preview.matched})**")
                shown = preview.matched_lines[:PREVIEW_ROWS]
                st.dataframe(pd.DataFrame({
                    "Dòng": [m.entry.row for m in shown], "Ngày": [f"{m.entry.line_date:%d/%m/%Y}" for m in shown],
                    "Số tiền": [format_vnd(m.entry.amount) for m in shown],
                    "Cam kết": [m.pledge_code for m in shown], "Nhà tài trợ": [m.donor for m in shown],
                    "Còn phải nộp (trước dòng này)": [format_vnd(m.due) for m in shown],
                    "Nội dung": [m.entry.description for m in shown]}), hide_index=True, width="stretch")
                if len(preview.matched_lines) > PREVIEW_ROWS:
                    st.caption(f"Hiện {PREVIEW_ROWS} dòng đầu trong {len(preview.matched_lines)} dòng khớp.")
            if preview.unmatched_lines:
                st.markdown(f"**Dòng chưa khớp ({preview.unmatched})**: lưu vào mục «Dòng chưa khớp» để gắn vào cam "
                            "kết hoặc đánh dấu")
                shown = preview.unmatched_lines[:PREVIEW_ROWS]
                st.dataframe(pd.DataFrame({
                    "Dòng": [u.entry.row for u in shown], "Ngày": [f"{u.entry.line_date:%d/%m/%Y}" for u in shown],
                    "Số tiền": [format_vnd(u.entry.amount) for u in shown],
                    "Nội dung": [u.entry.description for u in shown], "Gợi ý": [suggested(u.suggestions) for u in shown],
                    "Vì sao chưa khớp": [u.reason for u in shown]}), hide_index=True, width="stretch")
                if any(u.suggestions for u in preview.unmatched_lines):
                    st.caption("Gợi ý là cam kết có mã chỉ khác một ký tự: không tự ghi vào cam kết; sau khi lưu, "
                               "cán bộ xác nhận ở mục «Dòng chưa khớp».")
                if len(preview.unmatched_lines) > PREVIEW_ROWS:
                    st.caption(f"Hiện {PREVIEW_ROWS} dòng đầu trong {len(preview.unmatched_lines)} dòng chưa khớp.")
            if preview.matched or preview.unmatched:
                if st.button(f"Lưu sao kê: {preview.matched} khoản khớp, {preview.unmatched} dòng chờ xử lý",
                             type="primary", key="payments.save_statement"):
                    _widgets.act(FLASH, lambda: reconcile.reconcile(actor, data, upload.name, office=office,
                                                                     columns=columns, today=today_vn()),
                                 lambda saved: f"Đã lưu sao kê: {saved.matched} khoản nộp "
                                               f"({format_vnd(saved.amount_matched)}, mỗi khoản một biên nhận), "
                                               f"{saved.unmatched} dòng chờ xử lý.")

with queue:
    lines, total = reconcile.unmatched_lines(actor, office=office, limit=QUEUE_ROWS)
    if not lines:
        st.info("Không có dòng sao kê nào chờ xử lý.")
    else:
        st.caption(f"{total} dòng sao kê chưa khớp với cam kết nào"
                   + (f" (hiện {QUEUE_ROWS} dòng cũ nhất)" if total > QUEUE_ROWS else "")
                   + ". Chọn một dòng để gắn vào cam kết hoặc đánh dấu không phải tiền tài trợ.")
        line_id = _pick.picked_row("payments.queue", pd.DataFrame({
            "Ngày": [f"{line.line_date:%d/%m/%Y}" for line in lines],
            "Số tiền": [format_vnd(line.amount) for line in lines], "Nội dung": [line.description for line in lines],
            "Gợi ý": [suggested(line.suggestions) for line in lines],
            "Vì sao chưa khớp": [line.reason for line in lines],
            "Mã giao dịch": [line.bank_reference for line in lines],
        }), [line.id for line in lines])
        line = next((q for q in lines if q.id == line_id), None)
        if line is not None:
            what = f"{format_vnd(line.amount)} ngày {line.line_date:%d/%m/%Y}"

            def linked(code: str):
                return lambda receipt: f"Đã gắn dòng sao kê {what} vào cam kết {code}; biên nhận số {receipt}."

            with st.container(border=True):
                st.markdown(f"**{what}** · mã giao dịch {plain(line.bank_reference)}")
                st.text(line.description)
                for offer in line.suggestions:
                    st.info(f"Có thể là mã {offer.code} (nội dung ghi {offer.typed}): {plain(offer.donor)}, còn phải "
                            f"nộp {format_vnd(offer.due)}.")
                    if st.button(f"Đúng, gắn vào cam kết {offer.code}", type="primary",
                                 key=f"payments.accept.{line.id}.{offer.code}"):
                        _widgets.act(FLASH, lambda code=offer.code: reconcile.link_line(actor, line.id, code),
                                     linked(offer.code))
                left, right = st.columns(2)
                pledge_code = left.text_input("Gắn với cam kết mã", key="payments.link_code")
                if left.button("Gắn vào cam kết", key="payments.link"):
                    _widgets.act(FLASH, lambda: reconcile.link_line(actor, line.id, pledge_code),
                                 linked(plain(pledge_code.strip().upper())))
                reason = right.text_input("Không phải tiền tài trợ vì", key="payments.not_ours_reason")
                if right.button("Không phải tiền tài trợ", key="payments.not_ours"):
                    _widgets.act(FLASH, lambda: reconcile.mark_not_ours(actor, line.id, reason),
                                 lambda _: f"Đã đánh dấu dòng sao kê {what}: không phải tiền tài trợ.")

with late:
    rows = overdue.overdue(actor, today=today_vn(), office=office)
    if not rows:
        st.info("Không có đợt nộp nào quá hạn.")
    else:
        st.dataframe(pd.DataFrame({
            "Cam kết": [r.pledge_code for r in rows], "Nhà tài trợ": [r.donor for r in rows],
            "Đợt": [r.number for r in rows], "Hạn": [f"{r.due_on:%d/%m/%Y}" for r in rows],
            "Còn thiếu": [format_vnd(r.owed) for r in rows], "Quá hạn (ngày)": [r.days_late for r in rows],
            "Liên hệ": [r.email or r.phone for r in rows],
            "Đã nhắc": [f"{r.reminded_on:%d/%m/%Y}" if r.reminded_on else "" for r in rows],
        }), hide_index=True, width="stretch")
        settings = mail.MailSettings.from_settings()
        if settings is None:
            st.caption("Chưa cấu hình máy chủ thư (BHYT_SMTP_HOST): danh sách này là lời nhắc, hãy gọi điện.")
        elif st.button("Gửi thư nhắc (mỗi đợt tối đa một lần một tuần)", key="payments.remind"):
            try:
                result = overdue.remind(actor, today=today_vn(), mail_settings=settings, office=office)
            except (DonationError, OSError) as exc:
                st.error(f"Không gửi được thư: {plain(exc)}")
            else:
                st.session_state[FLASH] = f"Đã gửi {result.emailed} thư nhắc."
                st.rerun()
