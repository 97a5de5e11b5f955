"""Small widgets several pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from donation.access import offices
from donation.access.actors import ADMIN, DONOR, Actor
from donation.allocation import allocation, explain
from donation.common.dates import today_vn
from donation.common.errors import DonationError
from donation.common.money import format_vnd
from donation.common.qr_images import qr_png
from donation.payments import payments, receipts
from donation.pledges import pledges
from donation.pledges.pledge_pdf import pledge_pdf
from donation.premium import quotes
from donation.premium.pledge_quote import CARD_NAMES
from donation.registry import nominations
from pages._copy import copy_buttons
from pages._plain import plain

T = TypeVar("T")


def show_flash(key: str) -> None:
    """The message an action left for the page it redrew."""
    if message := st.session_state.pop(key, None):
        st.success(message)


def act(flash_key: str, call: Callable[[], T], success: Callable[[T], str]) -> None:
    """One button's service call: a refusal is shown in place, as typed; a success redraws the page (drawn before
    the change) with its message on top, shown by `show_flash(flash_key)`."""
    try:
        result = call()
    except DonationError as exc:
        st.error(plain(exc))
        return
    st.session_state[flash_key] = success(result)
    st.rerun()


def office_picker(actor: Actor, key: str) -> int | None:
    """The office an administrator works on (None for office staff: their own office)."""
    if actor.role != ADMIN:
        return None
    names = {o.code: o.name for o in offices.list_offices(actor)}
    return st.selectbox("Văn phòng", list(names), format_func=names.get, key=key, placeholder="Chọn…")


def commune_picker(actor: Actor, key: str) -> int | None:
    """The commune to work in: a commune official's own, or one chosen inside the actor's scope."""
    communes = nominations.communes_in_scope(actor)
    if len(communes) == 1:
        st.caption(f"Xã: **{communes[0].name}**")
        return communes[0].code
    names = {c.code: c.name for c in communes}
    return st.selectbox("Xã/phường/đặc khu", list(names), format_func=names.get, key=key, index=None,
                        placeholder="Chọn xã")


def place_picker(key: str, *, allow_anywhere: bool = True, province: int | None = None) -> tuple[int | None, int | None]:
    """A pledge's scope: anywhere, a province, or a commune of it. `province` fixes the province (an officer's)."""
    provinces = {unit.code: unit.name for unit in quotes.calculator_options().provinces}
    left, right = st.columns(2)
    if province is None:
        choices = ([None] if allow_anywhere else []) + list(provinces)
        province = left.selectbox("Tỉnh/thành phố", choices, key=f"{key}.province",
                                  format_func=lambda c: "Cả nước (BHXH Việt Nam nhận)" if c is None else provinces[c], placeholder="Chọn…")
    else:
        left.caption(f"Tỉnh: **{provinces[province]}**")
    if province is None:
        return None, None
    communes = {unit.code: unit.name + (" (xã nghèo)" if unit.is_poor else "") for unit in quotes.communes_of(province)}
    commune = right.selectbox("Xã/phường/đặc khu (không bắt buộc)", [None, *communes], key=f"{key}.commune",
                              format_func=lambda c: "Cả tỉnh" if c is None else communes[c], placeholder="Chọn…")
    return province, commune


def pledge_sheet(actor: Actor, code: str) -> None:
    """A pledge's confirmation: what it buys, the VietQR for what is due (and each instalment's), the PDF."""
    sheet = pledges.confirmation(actor, code)
    pledge = sheet.pledge
    st.subheader(f"Cam kết {pledge.code}")
    first, second, third = st.columns(3)
    first.metric("Cam kết", format_vnd(pledge.amount))
    second.metric("Đã nộp", format_vnd(pledge.paid))
    third.metric("Trạng thái", pledge.status_name)
    st.caption(f"{plain(pledge.donor)} · {pledge.scope} · {pledge.months} tháng · giá theo quy định {pledge.rule_version} "
               f"ngày {pledge.quoted_on:%d/%m/%Y} · {sheet.office} nhận")
    if pledge.over:
        st.warning(f"Đã nhận nhiều hơn cam kết {format_vnd(pledge.over)}: văn phòng sẽ liên hệ để dùng thêm hoặc hoàn lại.")
    st.info(sheet.buys)
    if pledge.awaiting:
        st.warning(f"Văn phòng đang chờ xác nhận {format_vnd(pledge.awaiting)} đã nộp: "
                   + (f"mã dưới đây chỉ yêu cầu phần còn lại, {format_vnd(pledge.due_now)}." if pledge.due_now
                      else "khi được xác nhận, cam kết đã nộp đủ; không cần chuyển thêm."))
    if sheet.whole:
        payment_box(sheet.whole, f"ma-qr-{pledge.code}.png", key=f"pledge.qr.{pledge.code}")
    for part, part_code in sheet.instalments:
        with st.expander(f"Đợt {part.number}: {format_vnd(part.amount)}, hạn {part.due_on:%d/%m/%Y}"
                         + (" (đã nộp đủ)" if part.due == 0 else f" (còn {format_vnd(part.due)})")):
            if part_code:
                payment_box(part_code, f"ma-qr-{pledge.code}-dot-{part.number}.png",
                            key=f"pledge.qr.{pledge.code}.{part.number}", width=180)
            elif part.due:
                st.caption("Khoản đang chờ xác nhận đã đủ cho đợt này.")
    received = payments.payments_of(actor, code)
    if received:
        st.markdown("**Các khoản đã nộp**")
        st.dataframe(pd.DataFrame({
            "Ngày": [f"{p.paid_on:%d/%m/%Y}" for p in received], "Số tiền": [format_vnd(p.amount) for p in received],
            "Hình thức": [p.method_name for p in received], "Trạng thái": [p.status_name for p in received],
            "Biên nhận": [p.receipt for p in received],
        }), hide_index=True)
    st.download_button("Tải giấy xác nhận cam kết (PDF)", pledge_pdf(sheet), file_name=f"cam-ket-{pledge.code}.pdf",
                       mime="application/pdf", on_click="ignore", key=f"pledge.pdf.{pledge.code}")
    pledge_receipts(actor, pledge.code)
    bought = allocation.what_it_bought(actor, pledge.code)
    if bought:
        st.markdown(f"**Tiền của cam kết đã mua {sum(b.cards for b in bought)} thẻ BHYT** (không nêu tên người nhận)")
        st.dataframe(pd.DataFrame({
            "Xã": [b.commune for b in bought], "Nhóm": [CARD_NAMES.get(b.group, b.group) for b in bought],
            "Số thẻ": [b.cards for b in bought], "Thời hạn": [f"{b.months} tháng" for b in bought],
            "Số tiền": [format_vnd(b.amount) for b in bought], "Đã mua thẻ": [b.purchased for b in bought],
            "Đã có thẻ": [b.carded for b in bought],
        }), hide_index=True)
    if bought or pledge.paid:
        st.download_button("Tải bản kê sử dụng tiền tài trợ (PDF)", mime="application/pdf",
                           data=lambda: explain.statement(actor, pledge.code),
                           file_name=f"ban-ke-{pledge.code}.pdf", on_click="ignore",
                           key=f"pledge.statement.{pledge.code}")


def payment_box(code: pledges.PaymentCode, file_name: str, *, key: str, width: int = 220) -> None:
    """A VietQR with what it asks (amount, account, message) to copy on a phone, and its image to save: a QR cannot
    be scanned by the phone that shows it, but a banking app opens a saved image."""
    image = qr_png(code.payload)
    code_box, how = st.columns([1, 2])
    code_box.image(image, caption="Quét bằng ứng dụng ngân hàng", width=width, output_format="PNG")
    code_box.download_button("Lưu ảnh mã QR", image, file_name=file_name, mime="image/png", on_click="ignore",
                             icon=":material/download:", key=f"{key}.save")
    with how:
        st.markdown(f"**Chuyển khoản {format_vnd(code.amount)}**  \nNgân hàng: **{plain(code.bank)}**  \n"
                    f"Chủ tài khoản: **{plain(code.account_holder)}**")
        copy_buttons([("Số tài khoản", code.account_number, code.account_number),
                      ("Số tiền", format_vnd(code.amount), str(code.amount)),
                      ("Nội dung chuyển khoản", code.message, code.message)])
        st.caption("Giữ nguyên mã cam kết trong nội dung chuyển khoản để văn phòng đối chiếu tự động.")


def pledge_receipts(actor: Actor, code: str) -> None:
    """A pledge's receipts; its donor downloads each one, and the thank-you certificate."""
    issued = receipts.receipts_of_pledge(actor, code)
    if not issued:
        return
    st.markdown("**Biên nhận**")
    st.dataframe(pd.DataFrame({
        "Số": [r.number for r in issued], "Ngày nộp": [f"{r.paid_on:%d/%m/%Y}" for r in issued],
        "Số tiền": [format_vnd(r.amount) for r in issued], "Trạng thái": [r.status_name for r in issued],
        "Thư điện tử": [r.mail_state for r in issued],
    }), hide_index=True)
    if actor.role == DONOR:
        valid = [r.number for r in issued if r.status != "voided"]
        number = st.selectbox("Biên nhận để tải", valid, key=f"pledge.receipt.{code}", placeholder="Chọn…")
        if number:
            st.download_button(f"Tải biên nhận {number} (PDF)", receipts.receipt_pdf(actor, number),
                               file_name=f"bien-nhan-{number}.pdf", mime="application/pdf",
                               on_click="ignore", key=f"pledge.receipt_pdf.{code}")
    st.download_button("Tải giấy chứng nhận tài trợ (PDF)", receipts.certificate(actor, code, today=today_vn()),
                       file_name=f"giay-chung-nhan-{code}.pdf", mime="application/pdf",
                       on_click="ignore", key=f"pledge.certificate.{code}")
