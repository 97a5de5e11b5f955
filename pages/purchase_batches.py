"""Buying the cards (provincial officer): funded people into a purchase batch, BHXH's D03-TS list, the transfer to
BHXH that spends the money, and the issued cards imported back."""

import pandas as pd
import streamlit as st

from donation.access.actors import ADMIN
from donation.allocation import allocation
from donation.cards import cards
from donation.common.dates import format_date, parse_date, today_vn
from donation.common.errors import DonationError
from donation.common.money import format_number, format_vnd
from donation.common.wording import in_sentence
from pages import _auth, _widgets
from pages._plain import plain

FLASH = "cards.flash"
REPRICED = "cards.repriced"  # what paying a batch changed: cards priced again, people who wait for the next batch
actor = _auth.require_page(__file__)
st.title("Mua thẻ BHYT")
st.caption("Gom người đã được tài trợ thành đợt mua, tải danh sách D03-TS gửi BHXH, ghi lần chuyển tiền cho BHXH "
           "(tiền được tính là đã chi), rồi nhập thẻ BHXH đã cấp: mỗi thẻ được đối chiếu với đúng người.")
_widgets.show_flash(FLASH)
if repriced := st.session_state.pop(REPRICED, None):
    st.warning(plain(repriced))  # names typed by communes: shown as text
province = None
if actor.role == ADMIN:
    names = {code: name for code, name in allocation.provinces(actor).items() if code}
    province = st.selectbox("Tỉnh", list(names), format_func=names.get, key="cards.province", placeholder="Chọn…")

waiting = cards.waiting(actor, province=province)
st.subheader("Chờ vào đợt mua")
left, right = st.columns(2)
left.metric("Người đã được tài trợ", format_number(waiting.people))
right.metric("Tiền mua thẻ", format_vnd(waiting.amount))
if waiting.people:
    st.dataframe(pd.DataFrame({"Xã": [row[1] for row in waiting.by_commune],
                               "Số người": [row[2] for row in waiting.by_commune],
                               "Số tiền": [format_vnd(row[3]) for row in waiting.by_commune]}),
                 hide_index=True, width="stretch")
    communes = {row[0]: row[1] for row in waiting.by_commune}
    chosen = st.multiselect("Chỉ các xã (để trống: cả tỉnh)", list(communes), format_func=communes.get,
                            key="cards.communes", placeholder="Cả tỉnh")
    note = st.text_input("Ghi chú của đợt (không bắt buộc)", key="cards.note")
    def made(batch: cards.BatchRow) -> str:
        st.session_state["cards.batch"] = batch.id  # the new batch is the one shown next
        return f"Đã lập {batch.label}: {format_number(batch.people)} người, {format_vnd(batch.amount)}."

    if st.button("Lập đợt mua", type="primary", key="cards.create"):
        _widgets.act(FLASH, lambda: cards.create_batch(actor, province=province, communes=chosen or None, note=note),
                     made)
else:
    st.info("Không có ai đã được tài trợ mà chưa vào đợt mua. Phân bổ tiền ở trang Phân bổ tiền tài trợ.")

batches = cards.list_batches(actor, province=province)
st.subheader("Các đợt mua")
if not batches:
    st.info("Chưa có đợt mua nào.")
else:
    st.dataframe(pd.DataFrame({
        "Đợt": [b.label for b in batches], "Trạng thái": [b.status_name for b in batches],
        "Số người": [b.people for b in batches], "Số tiền": [format_vnd(b.amount) for b in batches],
        "Đã có thẻ": [b.carded for b in batches], "Ngày lập": [format_date(b.created_on) for b in batches],
        "Ngày chuyển tiền": [format_date(b.paid_on) if b.paid_on else "" for b in batches],
        "Chứng từ": [b.payment_reference for b in batches],
    }), hide_index=True, width="stretch")
    by_id = {b.id: b for b in batches if b.status != "cancelled"}
    if by_id:
        # the label only: a status in it would stay as first drawn in the browser after the batch moves on
        picked = st.selectbox("Đợt", list(by_id), format_func=lambda i: by_id[i].label, key="cards.batch", placeholder="Chọn…")
        batch = by_id[picked]
        st.caption(f"{batch.label}: {in_sentence(batch.status_name)}, {format_number(batch.people)} người, "
                   f"{format_vnd(batch.amount)}" + (f", {format_number(batch.carded)} đã có thẻ" if batch.carded else ""))
        gaps = cards.unit_gaps(actor, province=batch.province_code)
        if gaps:
            st.warning("Danh sách D03-TS in trống " + ", ".join(gaps) + " của BHXH tỉnh: quản trị viên ghi ở trang "
                       "Thiết lập, thẻ «Đơn vị trên D03-TS».")
        if batch.status == "open":
            st.caption("Hạn thẻ trong danh sách là dự kiến, tính từ ngày chuyển tiền cho BHXH; sau khi ghi chuyển "
                       "tiền, tải lại danh sách để có hạn thẻ và số biên lai thật.")
        one, two = st.columns(2)
        one.download_button("Tải danh sách D03-TS (Excel)", on_click="ignore", key=f"cards.d03.{batch.id}",
                            data=lambda: cards.export_batch(actor, batch.id)[1], file_name=f"D03-TS-{batch.slug}.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        two.download_button("Tải mẫu nhập thẻ (Excel)", on_click="ignore", key=f"cards.template.{batch.id}",
                            data=lambda: cards.card_template(actor, batch.id)[1], file_name=f"nhap-the-{batch.slug}.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        if batch.status == "open":
            def paid(row: cards.BatchRow) -> str:
                if row.repriced is not None and row.repriced.changed:
                    st.session_state[REPRICED] = row.repriced.message()
                return (f"{row.label}: đã ghi chuyển {format_vnd(row.amount)} cho BHXH ngày "
                        f"{format_date(row.paid_on)}, {format_number(row.people)} người.")

            day_text = st.text_input("Ngày sẽ chuyển tiền (dd/mm/yyyy)", value=f"{today_vn():%d/%m/%Y}",
                                     key=f"cards.preview_on.{batch.id}")
            if st.button("Tính số tiền cần chuyển theo ngày này", key=f"cards.preview.{batch.id}"):
                try:
                    day = parse_date(day_text, field="Ngày sẽ chuyển tiền")
                    preview = cards.payment_preview(actor, batch.id, paid_on=day)
                except DonationError as exc:
                    st.error(plain(exc))
                else:
                    st.info(f"Nếu chuyển ngày {format_date(day)}: {format_number(preview.people)} người, cần chuyển "
                            f"{format_vnd(preview.amount)}.")
                    if preview.changed:
                        st.warning(plain(preview.message()))
            with st.form(f"cards.pay.{batch.id}"):
                st.markdown(f"**Ghi chuyển tiền {format_vnd(batch.amount)} cho BHXH ({batch.label})**")
                st.caption("Giá thẻ tính theo quy định ngày chuyển tiền: nếu mức lương cơ sở hoặc mức tỉnh hỗ trợ đã "
                           "đổi từ ngày phân bổ, phần chênh lấy từ chính các cam kết đã tài trợ rồi từ cam kết khác "
                           "cùng phạm vi (hoặc trả lại cam kết); thẻ không đủ tiền ra khỏi đợt, chờ đợt sau. Hạn thẻ "
                           "tính từ ngày chuyển tiền (người tham gia lần đầu: sau 30 ngày).")
                paid_text = st.text_input("Ngày chuyển (dd/mm/yyyy)", value=f"{today_vn():%d/%m/%Y}")
                reference = st.text_input("Số ủy nhiệm chi hoặc biên lai BHXH")
                if st.form_submit_button("Ghi đã chuyển tiền", type="primary"):
                    try:
                        paid_on = parse_date(paid_text, field="Ngày chuyển")
                    except DonationError as exc:
                        st.error(plain(exc))
                    else:
                        _widgets.act(FLASH, lambda: cards.record_payment(actor, batch.id, paid_on=paid_on,
                                                                         reference=reference), paid)
            if st.button(f"Hủy {batch.label}", key=f"cards.cancel.{batch.id}"):
                _widgets.act(FLASH, lambda: cards.cancel_batch(actor, batch.id),
                             lambda _: f"Đã hủy {batch.label}: {format_number(batch.people)} người chờ đợt sau.")

st.subheader("Nhập thẻ BHXH đã cấp")
st.caption("Tệp Excel hoặc CSV có Họ và tên, Mã số BHXH hoặc Số CCCD, Ngày sinh, Mã thẻ BHYT (10 hoặc 15 ký tự), "
           "Mã đối tượng, Mức hưởng, Hạn thẻ từ ngày, Hạn thẻ đến ngày. Một dòng sai thì không lưu dòng nào.")
upload = st.file_uploader("Tệp thẻ", type=["xlsx", "xls", "ods", "csv"], key="cards.upload")
if upload is not None and st.button("Nhập thẻ", type="primary", key="cards.import"):
    _widgets.act(FLASH, lambda: cards.import_cards(actor, upload.getvalue(), upload.name),
                 lambda r: f"Đã nhập {format_number(r.cards)} thẻ" + (f" ({r.already} thẻ đã có)" if r.already else "")
                 + (f"; {', '.join(r.batches_carded)} đã đủ thẻ" if r.batches_carded else "") + ".")
