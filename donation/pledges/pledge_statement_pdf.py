"""A pledge's statement for its donor: what its money bought (cards by commune, group and length; never who), after
Decree 30/2020's layout. Pure: plain data in, PDF bytes out."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from donation.common.money import amount_in_words, format_number, format_vnd
from donation.common.pdf import BOLD, REGULAR, OfficeHeader, nfc, register_fonts

WIDTH = 174 * mm  # A4 less 18 mm margins


@dataclass(frozen=True)
class StatementLine:
    commune: str
    group: str  # its Vietnamese name
    cards: int
    months: int
    amount: int
    purchased: int = 0  # of those cards, paid to BHXH in a purchase batch
    carded: int = 0  # issued by BHXH and imported back


@dataclass(frozen=True)
class StatementDoc:
    office: OfficeHeader
    pledge_code: str
    donor: str
    donor_kind: str  # its Vietnamese name
    public: bool  # named on public pages, or anonymous there
    scope: str
    groups: str  # the groups it helps, in Vietnamese
    months: int
    amount: int
    paid: int
    allocated: int
    lines: tuple[StatementLine, ...]
    cover_from: date | None
    cover_to: date | None
    on: date
    cover_expected: bool = False  # some of its cards are not bought yet: their dates are expected ones


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # escape(): names and places are text, never markup
    return Paragraph(nfc(escape(text)), style)


def statement_pdf(doc: StatementDoc) -> bytes:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13.5)
    centre = ParagraphStyle("centre", parent=body, alignment=1, fontSize=9, leading=12)
    centre_bold = ParagraphStyle("centre_bold", parent=centre, fontName=BOLD)
    title = ParagraphStyle("title", fontName=BOLD, fontSize=14, alignment=1, leading=18)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5)
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=nfc(f"Bản kê sử dụng tiền tài trợ {doc.pledge_code}"),
                            author="Tặng thẻ BHYT", invariant=True)
    office = doc.office
    left = ([_p(office.parent, centre)] if office.parent else []) + [
        _p(office.name, centre_bold), _p("———", centre), _p(f"Cam kết: {doc.pledge_code}", centre)]
    right = [_p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", centre_bold), _p("Độc lập - Tự do - Hạnh phúc", centre_bold),
             _p("———", centre),
             _p(f"{office.place}, ngày {doc.on.day:02d} tháng {doc.on.month:02d} năm {doc.on.year}", centre)]
    heading = Table([[left, right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    left_over = doc.paid - doc.allocated
    cards = sum(line.cards for line in doc.lines)
    cover = (f"từ {doc.cover_from:%d/%m/%Y} đến {doc.cover_to:%d/%m/%Y}"
             + (" (dự kiến: thẻ tính từ ngày chuyển tiền mua thẻ cho BHXH)" if doc.cover_expected else "")
             if doc.cover_from and doc.cover_to else "chưa có thẻ nào")
    facts = [
        ("Nhà tài trợ", f"{doc.donor} ({doc.donor_kind.lower()})"
         + ("" if doc.public else "; trên trang công khai ghi là nhà tài trợ ẩn danh")),
        ("Mã cam kết", doc.pledge_code),
        ("Phạm vi", doc.scope),
        ("Nhóm được giúp", doc.groups),
        ("Thời hạn thẻ", f"{doc.months} tháng"),
        ("Số tiền cam kết", format_vnd(doc.amount)),
        ("Đã nộp", f"{format_vnd(doc.paid)} ({amount_in_words(doc.paid).rstrip('.')})"),
        ("Đã dùng mua thẻ", format_vnd(doc.allocated)),
        ("Còn lại chưa phân bổ", format_vnd(left_over) + (" (chưa đủ một thẻ, hoặc chờ lần phân bổ tới)"
                                                          if left_over else "")),
        ("Số thẻ BHYT đã mua", format_number(cards)),
        ("Đã chuyển tiền cho BHXH", f"{format_number(sum(li.purchased for li in doc.lines))} thẻ"),
        ("BHXH đã cấp thẻ", f"{format_number(sum(li.carded for li in doc.lines))} thẻ"),
        ("Thẻ có hiệu lực", cover),
    ]
    table = Table([[_p(k, ParagraphStyle("key", parent=body, fontName=BOLD)), _p(v, body)] for k, v in facts],
                  colWidths=[48 * mm, WIDTH - 48 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey)]))
    story = [heading, Spacer(1, 6 * mm), _p("BẢN KÊ SỬ DỤNG TIỀN TÀI TRỢ", title),
             _p("Tiền tài trợ mua thẻ bảo hiểm y tế cho người có hoàn cảnh khó khăn", centre), Spacer(1, 5 * mm),
             table, Spacer(1, 6 * mm)]
    if doc.lines:
        head = ParagraphStyle("head", parent=cell, fontName=BOLD)
        rows = [[_p(h, head) for h in ("Xã/phường/đặc khu", "Nhóm", "Số thẻ", "Thời hạn", "Đã có thẻ", "Số tiền")]]
        rows += [[_p(line.commune, cell), _p(line.group, cell), format_number(line.cards), f"{line.months} tháng",
                  format_number(line.carded), format_vnd(line.amount)] for line in doc.lines]
        rows.append([_p("Cộng", head), "", format_number(cards), "", format_number(sum(li.carded for li in doc.lines)),
                     format_vnd(sum(li.amount for li in doc.lines))])
        bought = Table(rows, colWidths=[52 * mm, 40 * mm, 16 * mm, 18 * mm, 18 * mm, 30 * mm], repeatRows=1)
        bought.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), REGULAR, 9), ("FONT", (0, -1), (-1, -1), BOLD, 9),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (2, 1), (2, -1), "RIGHT"), ("ALIGN", (4, 1), (5, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8F1EC")), ("SPAN", (0, -1), (1, -1))]))
        story += [_p("Thẻ BHYT đã mua bằng tiền của cam kết", ParagraphStyle("h2", parent=body, fontName=BOLD)),
                  Spacer(1, 2 * mm), bought]
    else:
        story.append(_p("Chưa có thẻ nào được mua bằng tiền của cam kết này: tiền đã nộp sẽ được phân bổ theo quy tắc "
                        "công khai.", body))
    story += [Spacer(1, 4 * mm), _p(
        "Bản kê không nêu tên và giấy tờ của người được tài trợ (Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân). "
        "Người được tài trợ do xã đề cử, niêm yết công khai và BHXH tỉnh xét duyệt; tiền được phân bổ theo quy tắc "
        "công khai: điểm ưu tiên cao trước, cả hộ cùng được tài trợ, tiền nộp trước dùng trước.", small),
        Spacer(1, 5 * mm)]
    signature = [_p(office.signer_title, centre_bold), _p("(Ký, ghi rõ họ tên, đóng dấu)", centre),
                 Spacer(1, 16 * mm)] + ([_p(office.signer_name, centre_bold)] if office.signer_name else [])
    block = Table([["", signature]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(KeepTogether([block]))
    pdf.build(story)
    return buffer.getvalue()
