"""Receipts and thank-you certificates as PDF (reportlab's canvas, drawn directly: thousands of pages a run).

Layout after Decree 30/2020: the issuing office top left with the number under it, the national motto top right with
the place and date, the title, the body, the signature block. A receipt is A5 landscape; two of them fit on an A4
sheet with a cut line between. The QR (at least 30 mm) holds the signed verify link, drawn as a 1-bit image.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat

from reportlab.lib.colors import Color, HexColor, black
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from donation.common import qr_worker
from donation.common.money import amount_in_words, format_vnd
from donation.common.pdf import BOLD, PAPERS, REGULAR, OfficeHeader, nfc, register_fonts

RECEIPT_W, RECEIPT_H = landscape(A5)  # 210 × 148 mm
QR_SIZE = 32 * mm  # the symbol; white space around it is the quiet zone
MARGIN = 11 * mm
RED = HexColor("#B3261E")
GREEN = HexColor("#1B6B45")


@dataclass(frozen=True)
class ReceiptDoc:
    """Everything one receipt shows, as plain data."""

    number: str
    office: OfficeHeader
    paid_on: date
    amount: int
    donor: str
    donor_kind: str  # its Vietnamese name
    donor_reference: str  # tax code, or the budget's decision; "" for individuals
    pledge_code: str
    method: str  # its Vietnamese name
    bank_reference: str
    official_number: str
    purpose: str  # what the money funds: cards, months, groups, place
    link: str  # the signed verify link the QR holds
    copy: bool = False  # a reprint: it says so
    voided_reason: str | None = None  # set for a voided receipt, printed only on request


def _date_line(place: str, day: date) -> str:
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _centred(canvas: Canvas, text: str, x: float, y: float, font: str, size: float) -> float:
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)
    return canvas.stringWidth(text, font, size)


def _wrapped(canvas: Canvas, label: str, text: str, x: float, y: float, width: float, size: float = 9.5) -> float:
    """`label` in bold then `text`, wrapped to `width`; returns the y below it."""
    canvas.setFont(BOLD, size)
    canvas.drawString(x, y, label)
    indent = canvas.stringWidth(label + " ", BOLD, size)
    lines = simpleSplit(text, REGULAR, size, width - indent) or [""]
    canvas.setFont(REGULAR, size)
    for index, line in enumerate(lines):
        canvas.drawString(x + indent, y - index * size * 1.35, line)
    return y - len(lines) * size * 1.35 - 1.2 * mm


def _stamp(canvas: Canvas, text: str, x: float, y: float, colour: Color, size: float) -> None:
    canvas.saveState()
    canvas.setFillColor(colour)
    canvas.setStrokeColor(colour)
    width = canvas.stringWidth(text, BOLD, size)
    canvas.setLineWidth(1.2)
    canvas.rect(x - width / 2 - 2 * mm, y - 1.8 * mm, width + 4 * mm, size + 2.6 * mm)
    canvas.setFont(BOLD, size)
    canvas.drawCentredString(x, y, text)
    canvas.restoreState()


def _heading(canvas: Canvas, office: OfficeHeader, number: str, day: date) -> float:
    """Decree 30's header: office and number on the left, motto and place-date on the right."""
    top = RECEIPT_H - MARGIN - 3 * mm
    left_x, right_x = MARGIN + 38 * mm, RECEIPT_W - MARGIN - 50 * mm
    if office.parent:
        _centred(canvas, nfc(office.parent), left_x, top, REGULAR, 8)
    name_y = top - 4 * mm if office.parent else top
    width = _centred(canvas, nfc(office.name), left_x, name_y, BOLD, 8)
    canvas.setLineWidth(0.5)
    canvas.line(left_x - width / 6, name_y - 1.6 * mm, left_x + width / 6, name_y - 1.6 * mm)
    _centred(canvas, f"Số: {number}", left_x, name_y - 6 * mm, REGULAR, 9)
    _centred(canvas, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right_x, top, BOLD, 8)
    width = _centred(canvas, "Độc lập - Tự do - Hạnh phúc", right_x, top - 4 * mm, BOLD, 8.5)
    canvas.line(right_x - width / 2, top - 5.6 * mm, right_x + width / 2, top - 5.6 * mm)
    _centred(canvas, nfc(_date_line(office.place, day)), right_x, top - 10 * mm, REGULAR, 8.5)
    return top - 19 * mm


def _draw_qr(canvas: Canvas, code: tuple[int, bytes], x: float, y: float, size: float) -> None:
    """The QR as an inline 1-bit image in the page's content (a few hundred bytes, hex-encoded): cheaper than an
    image object, and reportlab's drawImage would first turn it into 8-bit RGB and compress it."""
    width, bits = code
    canvas._code.append(f"q {size:.2f} 0 0 {size:.2f} {x:.2f} {y:.2f} cm BI /W {width} /H {width} /BPC 1 /CS /G "
                        f"/F /AHx ID {bits.hex()}> EI Q")


def draw_receipt(canvas: Canvas, doc: ReceiptDoc, code: tuple[int, bytes] | None) -> None:
    """One receipt in the A5-landscape box whose bottom-left corner is the canvas's origin; `code` is its QR
    (`qr_bits(doc.link)`), None to leave it out."""
    y = _heading(canvas, doc.office, nfc(doc.number), doc.paid_on)
    _centred(canvas, "BIÊN NHẬN TÀI TRỢ", RECEIPT_W / 2, y, BOLD, 14)
    _centred(canvas, "Tiền mua thẻ bảo hiểm y tế cho người có hoàn cảnh khó khăn", RECEIPT_W / 2, y - 5.5 * mm,
             REGULAR, 9)
    y -= 13 * mm
    width = RECEIPT_W - 2 * MARGIN - QR_SIZE - 6 * mm
    x = MARGIN
    who = f"{doc.donor} ({doc.donor_kind.lower()})" + (f", {doc.donor_reference}" if doc.donor_reference else "")
    y = _wrapped(canvas, "Nhận của:", nfc(who), x, y, width)
    y = _wrapped(canvas, "Số tiền:", format_vnd(doc.amount), x, y, width, 10.5)
    y = _wrapped(canvas, "Bằng chữ:", nfc(amount_in_words(doc.amount)), x, y, width)
    paid = f"{doc.method}" + (f", mã giao dịch {doc.bank_reference}" if doc.bank_reference else "")
    y = _wrapped(canvas, "Hình thức:", nfc(f"{paid}, ngày {doc.paid_on:%d/%m/%Y}"), x, y, width)
    y = _wrapped(canvas, "Nội dung:", nfc(f"Tài trợ thẻ BHYT theo cam kết {doc.pledge_code}"), x, y, width)
    y = _wrapped(canvas, "Dùng để:", nfc(doc.purpose), x, y, width)
    if doc.official_number:
        _wrapped(canvas, "Biên lai thu số:", nfc(doc.official_number), x, y, width)
    qr_x, qr_y = RECEIPT_W - MARGIN - QR_SIZE, RECEIPT_H - MARGIN - 58 * mm
    if code is not None:
        _draw_qr(canvas, code, qr_x, qr_y, QR_SIZE)
    canvas.setFont(REGULAR, 7)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 5 * mm, "Quét mã để kiểm tra biên nhận")
    sign_x = RECEIPT_W - MARGIN - 38 * mm
    _centred(canvas, nfc(doc.office.signer_title), sign_x, MARGIN + 24 * mm, BOLD, 9)
    _centred(canvas, "(Ký, ghi rõ họ tên, đóng dấu)", sign_x, MARGIN + 20 * mm, REGULAR, 7.5)
    if doc.office.signer_name:
        _centred(canvas, nfc(doc.office.signer_name), sign_x, MARGIN + 3 * mm, BOLD, 9)
    canvas.setFont(REGULAR, 6.5)
    canvas.drawString(MARGIN, MARGIN - 4 * mm, "Biên nhận xác nhận khoản tài trợ, không phải hóa đơn. Kiểm tra số "
                                                "biên nhận tại trang «Kiểm tra biên nhận» của Tặng thẻ BHYT.")
    if doc.copy:
        _stamp(canvas, "BẢN SAO", MARGIN + 14 * mm, RECEIPT_H - MARGIN - 24 * mm, RED, 10)
    if doc.voided_reason is not None:
        canvas.saveState()
        canvas.setFillColor(RED)
        canvas.setFont(BOLD, 9)
        canvas.drawString(MARGIN, MARGIN + 10 * mm, nfc(f"ĐÃ HỦY: {doc.voided_reason}"[:110]))
        canvas.translate(RECEIPT_W / 2, RECEIPT_H / 2)
        canvas.rotate(20)
        canvas.setFillColor(Color(0.70, 0.15, 0.12, alpha=0.35))
        canvas.setFont(BOLD, 54)
        canvas.drawCentredString(0, 0, "ĐÃ HỦY")
        canvas.restoreState()


def _cut_line(canvas: Canvas) -> None:
    """A dashed line across the middle of an A4 sheet, with marks in the margins where to cut."""
    middle = A4[1] / 2
    canvas.saveState()
    canvas.setLineWidth(0.4)
    canvas.setStrokeColor(black)
    canvas.line(0, middle, 6 * mm, middle)
    canvas.line(A4[0] - 6 * mm, middle, A4[0], middle)
    canvas.setDash(3, 3)
    canvas.setStrokeColorRGB(0.55, 0.55, 0.55)
    canvas.line(8 * mm, middle, A4[0] - 8 * mm, middle)
    canvas.restoreState()


def receipts_pdf(docs: Sequence[ReceiptDoc], *, paper: str = "a5", qr: bool = True, title: str = "Biên nhận",
                 progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF of the receipts in order: the first page holds the first receipt. `progress(n)` after each."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}")
    register_fonts()
    buffer = io.BytesIO()
    size = landscape(A5) if paper == "a5" else A4
    canvas = Canvas(buffer, pagesize=size, pageCompression=0, invariant=True)
    canvas.setTitle(title)
    canvas.setAuthor("Tặng thẻ BHYT")
    on_page = 0
    count = 0
    codes = qr_worker.codes([doc.link for doc in docs]) if qr else repeat(None)
    for count, (doc, code) in enumerate(zip(docs, codes, strict=False), start=1):
        if paper == "a4_two":
            canvas.saveState()
            if on_page == 0:
                canvas.translate(0, A4[1] - RECEIPT_H)
            draw_receipt(canvas, doc, code)
            canvas.restoreState()
            on_page += 1
            if on_page == 2:
                _cut_line(canvas)
                canvas.showPage()
                on_page = 0
        else:
            draw_receipt(canvas, doc, code)
            canvas.showPage()
        if progress:
            progress(count)
    if on_page:
        _cut_line(canvas)
        canvas.showPage()
    if count == 0:
        raise ValueError("no receipts to print")
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class CertificateDoc:
    """A thank-you certificate for one pledge's money."""

    office: OfficeHeader
    donor: str
    amount: int
    pledge_code: str
    receipts: tuple[str, ...]
    purpose: str
    on: date


def certificate_pdf(doc: CertificateDoc) -> bytes:
    """Giấy chứng nhận: A4 landscape, the office thanks the donor for the money received on a pledge."""
    register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True)
    canvas.setTitle(f"Giấy chứng nhận {doc.pledge_code}")
    canvas.setStrokeColor(GREEN)
    canvas.setLineWidth(3)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(13 * mm, 13 * mm, width - 26 * mm, height - 26 * mm)
    top = height - 26 * mm
    left_x, right_x = 70 * mm, width - 80 * mm
    if doc.office.parent:
        _centred(canvas, nfc(doc.office.parent), left_x, top, REGULAR, 10)
    _centred(canvas, nfc(doc.office.name), left_x, top - 5 * mm, BOLD, 10)
    _centred(canvas, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right_x, top, BOLD, 10)
    _centred(canvas, "Độc lập - Tự do - Hạnh phúc", right_x, top - 5 * mm, BOLD, 10.5)
    canvas.setFillColor(GREEN)
    _centred(canvas, "GIẤY CHỨNG NHẬN", width / 2, top - 30 * mm, BOLD, 30)
    canvas.setFillColor(black)
    _centred(canvas, nfc(f"{doc.office.name.title()} trân trọng cảm ơn"), width / 2, top - 45 * mm, REGULAR, 14)
    _centred(canvas, nfc(doc.donor), width / 2, top - 60 * mm, BOLD, 22)
    lines = simpleSplit(nfc(f"đã tài trợ {format_vnd(doc.amount)} ({amount_in_words(doc.amount).rstrip('.')}) theo "
                            f"cam kết {doc.pledge_code} để {doc.purpose[0].lower()}{doc.purpose[1:]}, giúp người có "
                            "hoàn cảnh khó khăn có thẻ bảo hiểm y tế."), REGULAR, 13, width - 80 * mm)
    for index, line in enumerate(lines):
        _centred(canvas, line, width / 2, top - 75 * mm - index * 7 * mm, REGULAR, 13)
    below = top - 75 * mm - len(lines) * 7 * mm
    if doc.receipts:
        shown = ", ".join(doc.receipts[:8]) + (f" và {len(doc.receipts) - 8} biên nhận khác"
                                               if len(doc.receipts) > 8 else "")
        _centred(canvas, f"Biên nhận số: {shown}", width / 2, below - 2 * mm, REGULAR, 9)
    _centred(canvas, nfc(_date_line(doc.office.place, doc.on)), right_x, 52 * mm, REGULAR, 11)
    _centred(canvas, nfc(doc.office.signer_title), right_x, 45 * mm, BOLD, 11)
    if doc.office.signer_name:
        _centred(canvas, nfc(doc.office.signer_name), right_x, 22 * mm, BOLD, 11)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
