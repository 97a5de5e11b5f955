"""The pledge confirmation a donor downloads: the pledge, what it buys, and a VietQR for what is still due."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from donation.common.money import amount_in_words, format_vnd
from donation.common.pdf import BOLD, REGULAR, nfc, register_fonts
from donation.common.qr_images import qr_png
from donation.pledges.donors import KINDS
from donation.pledges.pledges import Confirmation, PaymentCode
from donation.premium.pledge_quote import CARD_NAMES

QR_SIZE = 38 * mm


def _qr(code: PaymentCode, size: float = QR_SIZE) -> Image:
    return Image(io.BytesIO(qr_png(code.payload, module_px=4)), width=size, height=size)


def pledge_pdf(sheet: Confirmation) -> bytes:
    register_fonts()
    pledge = sheet.pledge
    title = ParagraphStyle("title", fontName=BOLD, fontSize=14, alignment=1, leading=18)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=14)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"Cam kết {pledge.code}")
    groups = ", ".join(CARD_NAMES[g] for g in pledge.groups) or "mọi nhóm cần nhà tài trợ"
    facts = [
        ["Mã cam kết", pledge.code],
        ["Nhà tài trợ", f"{pledge.donor} ({KINDS[pledge.donor_kind].lower()})"],
        ["Phạm vi", pledge.scope],
        ["Nhóm được giúp", groups],
        ["Thời hạn thẻ", f"{pledge.months} tháng"],
        ["Số tiền cam kết", f"{format_vnd(pledge.amount)}" + (f" ({pledge.cards} thẻ)" if pledge.cards else "")],
        ["Bằng chữ", amount_in_words(pledge.amount)],
        ["Đã nộp", format_vnd(pledge.paid)],
        ["Trạng thái", pledge.status_name],
        ["Giá tính theo", f"quy định {pledge.rule_version}, ngày {pledge.quoted_on:%d/%m/%Y}"],
        ["Dự kiến mua được", sheet.buys],
    ]
    # escape(): names and scopes are text, never markup (a "<" in a company name must not break the page)
    table = Table([[nfc(k), Paragraph(nfc(escape(v)), body)] for k, v in facts], colWidths=[42 * mm, 132 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (0, -1), BOLD, 10), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey)]))
    story = [Paragraph(nfc("GIẤY XÁC NHẬN CAM KẾT TÀI TRỢ THẺ BẢO HIỂM Y TẾ"), title),
             Paragraph(nfc(escape(sheet.office)), ParagraphStyle("office", parent=body, alignment=1)),
             Spacer(1, 5 * mm), table, Spacer(1, 6 * mm)]
    if sheet.whole:
        code = sheet.whole
        how = Paragraph(nfc(
            f"<b>Chuyển khoản {format_vnd(code.amount)}</b> bằng ứng dụng ngân hàng: quét mã VietQR, hoặc chuyển vào "
            f"tài khoản <b>{escape(code.account_number)}</b> tại <b>{escape(code.bank)}</b>, chủ tài khoản "
            f"<b>{escape(code.account_holder)}</b>, nội dung <b>{escape(code.message)}</b> (giữ nguyên mã cam kết để "
            "văn phòng đối chiếu)."), body)
        box = Table([[_qr(code), how]], colWidths=[QR_SIZE + 6 * mm, 174 * mm - QR_SIZE - 6 * mm])
        box.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.6,
                                                                             colors.HexColor("#1B6B45"))]))
        story += [box, Spacer(1, 5 * mm)]
    if sheet.instalments:
        rows = [["Đợt", "Hạn nộp", "Số tiền", "Còn phải nộp", "Mã VietQR của đợt"]]
        for part, code in sheet.instalments:
            rows.append([str(part.number), f"{part.due_on:%d/%m/%Y}", format_vnd(part.amount), format_vnd(part.due),
                         _qr(code, 26 * mm) if code else ("Đã nộp đủ" if part.due == 0 else pledge.status_name)])
        plan = Table(rows, colWidths=[14 * mm, 26 * mm, 36 * mm, 36 * mm, 62 * mm], repeatRows=1)
        plan.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 9), ("FONT", (0, 0), (-1, 0), BOLD, 9),
                                  ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story += [Paragraph(nfc("<b>Các đợt nộp</b>"), body), Spacer(1, 2 * mm), plan]
    story += [Spacer(1, 6 * mm), Paragraph(nfc(
        "Tiền nhận được sẽ được phân bổ cho người được đề cử và xét duyệt theo quy tắc công khai; nhà tài trợ nhận "
        "biên nhận có mã QR kiểm tra được cho mỗi khoản nộp. Giấy này không phải biên nhận."), small)]
    doc.build(story)
    return buffer.getvalue()
