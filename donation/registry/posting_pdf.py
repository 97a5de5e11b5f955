"""The printable public list of a commune's nominations: names, birth years, villages and groups; no identifiers."""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from donation.common.identity import vietnamese_name_order
from donation.common.pdf import BOLD, REGULAR, nfc, register_fonts
from donation.premium.rule_data import GROUP_NAMES
from donation.registry.review import PostedLine


def posting_pdf(commune: str, posted_on: date, objection_until: date, lines: list[PostedLine]) -> bytes:
    register_fonts()
    title = ParagraphStyle("title", fontName=BOLD, fontSize=13, alignment=1, leading=17)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=14)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=nfc(f"Danh sách niêm yết {commune}"))
    rows = [["STT", "Họ và tên", "Năm sinh", "Thôn/Tổ", "Nhóm"]]
    rows += [[str(i), nfc(line.full_name), str(line.birth_year), nfc(line.village), GROUP_NAMES[line.group]]
             for i, line in enumerate(sorted(lines, key=lambda line: vietnamese_name_order(line.full_name)), start=1)]
    table = Table(rows, colWidths=[12 * mm, 62 * mm, 20 * mm, 38 * mm, 48 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), REGULAR, 9), ("FONT", (0, 0), (-1, 0), BOLD, 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8F1EC")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = [
        Paragraph(nfc(f"DANH SÁCH ĐỀ CỬ NHẬN THẺ BHYT DO NHÀ TÀI TRỢ TẶNG<br/>{commune.upper()}"), title),
        Spacer(1, 4 * mm),
        Paragraph(nfc(f"Niêm yết công khai từ ngày {posted_on:%d/%m/%Y}. Mọi ý kiến về danh sách xin gửi Ủy ban "
                      f"nhân dân xã đến hết ngày {objection_until:%d/%m/%Y}."), body),
        Spacer(1, 4 * mm), table,
    ]
    doc.build(story)
    return buffer.getvalue()
