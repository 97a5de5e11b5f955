"""The daily or weekly report as a print-ready Excel workbook and as a PDF (Decree 30/2020's header, DejaVu Sans
embedded), holding the same figures as its JSON, as values: `xlsx` and `pdf` are pure (a `Report` in, bytes out),
`export` reads the report and the office's header for the acting user."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from db.uow import UnitOfWork
from donation.access.actors import Actor
from donation.access.audit_checkpoints import HASH_SHOWN
from donation.access.offices import NATIONAL
from donation.common.dates import VN_TZ
from donation.common.errors import NotFound
from donation.common.money import format_number, format_vnd
from donation.common.pdf import BOLD, REGULAR, OfficeHeader, nfc, register_fonts
from donation.common.spreadsheets import Sheet, write_workbook
from donation.payments.receipts import office_header
from donation.pledges.donors import KINDS
from donation.premium.rule_data import GROUP_NAMES
from donation.reporting import reports
from donation.reporting.reports import FIGURE_NAMES, FIGURES, MONEY, Report

TITLE = "BÁO CÁO KẾT QUẢ VẬN ĐỘNG MUA THẺ BHYT CHO NGƯỜI CÓ HOÀN CẢNH KHÓ KHĂN"
LEFT = "Tiền đã nhận chưa phân bổ"
SHORT = {"pledged": "Cam kết (đồng)", "received": "Đã nhận (đồng)", "allocated": "Đã phân bổ (đồng)",
         "spent": "Đã chi mua thẻ (đồng)", "cards_funded": "Thẻ được tài trợ", "people_nominated": "Đề cử",
         "people_approved": "Được duyệt", "people_funded": "Được tài trợ", "people_carded": "Đã có thẻ"}


def share_text(share_bp: int | None) -> str:
    """4294 -> '42,94%'; None (no approved need) -> '—'."""
    if share_bp is None:
        return "—"
    whole, rest = divmod(share_bp, 100)
    return f"{whole},{rest:02d}%"


def period_text(report: Report) -> str:
    if report.kind == "weekly":
        return (f"Tuần từ thứ Bảy {report.since:%d/%m/%Y} đến thứ Sáu {report.on:%d/%m/%Y}; số liệu tính đến hết ngày "
                f"{report.on:%d/%m/%Y}; thay đổi so với tuần trước (hết ngày {report.previous:%d/%m/%Y})")
    return (f"Số liệu tính đến hết ngày {report.on:%d/%m/%Y} (giờ Việt Nam); thay đổi so với hết ngày "
            f"{report.previous:%d/%m/%Y}")


def checkpoint_text(report: Report) -> str:
    """The newest audit checkpoint as printed on a report: number, time and the start of its hash."""
    mark = report.audit_checkpoint
    if mark is None:
        return "Nhật ký thay đổi: chưa có điểm kiểm tra."
    return (f"Điểm kiểm tra nhật ký thay đổi mới nhất: sự kiện số {format_number(mark.seq)}, ghi lúc "
            f"{mark.at.astimezone(VN_TZ):%H:%M ngày %d/%m/%Y}, mã băm {mark.hash[:HASH_SHOWN]}.")


def summary_rows(report: Report) -> list[list[object]]:
    """Figure, its key, the value, the change: the rows of the summary, in the Excel file and the PDF alike."""
    rows: list[list[object]] = [[FIGURE_NAMES[key], key, getattr(report.figures, key), getattr(report.change, key)]
                                for key in FIGURES]
    rows.insert(4, [LEFT, "left", report.figures.left, report.change.left])  # the change of received less allocated
    return rows


def area_rows(report: Report) -> list[list[object]]:
    """The national report's provinces, then the national office, then the nation."""
    rows = [[r.code, r.name, *(getattr(r.figures, k) for k in FIGURES)] for r in report.provinces]
    office = report.national_office
    rows.append([office.code, f"{office.name} (cam kết cả nước)", *(getattr(office.figures, k) for k in FIGURES)])
    rows.append(["", "Cả nước", *(getattr(report.figures, k) for k in FIGURES)])
    return rows


def xlsx(report: Report) -> bytes:
    """The workbook: summary, donors by kind, cards by group, ranking and, for the nation, every province."""
    heading = (f"{TITLE}", f"{report.title}: {report.name}", period_text(report), checkpoint_text(report))
    sheets = [
        Sheet("Tổng hợp", ("Chỉ tiêu", "Mã", "Số liệu", "Thay đổi"), summary_rows(report), widths=(34, 16, 20, 20),
              numbers=(2, 3), heading=heading, landscape=False),
        Sheet("Nhà tài trợ", ("Loại nhà tài trợ", "Mã", "Số nhà tài trợ", "Tiền cam kết (đồng)",
                              "Tiền đã nhận (đồng)"),
              [[KINDS[k], k, v.donors, v.pledged, v.received] for k, v in report.donors_by_kind.items()],
              widths=(28, 14, 16, 20, 20), numbers=(2,), money=(3, 4), heading=heading, landscape=False),
        Sheet("Thẻ theo nhóm", ("Nhóm", "Mã", "Thẻ được tài trợ"),
              [[GROUP_NAMES.get(g, g), g, n] for g, n in report.cards_by_group.items()], widths=(34, 16, 18),
              numbers=(2,), heading=heading, landscape=False),
        Sheet("Xếp hạng", ("Hạng", "Mã tỉnh", "Tỉnh/thành phố", "Người được duyệt", "Người được tài trợ",
                           "Tỷ lệ được tài trợ"),
              [[r.rank, r.province, r.name, r.people_approved, r.people_funded, share_text(r.share_bp)]
               for r in report.ranking], widths=(7, 9, 26, 16, 18, 16), numbers=(0, 1, 3, 4), heading=heading,
              landscape=False),
    ]
    if report.province is None:
        sheets.insert(1, Sheet("Theo tỉnh", ("Mã", "Tỉnh/thành phố", *(SHORT[k] for k in FIGURES)),
                               area_rows(report), widths=(6, 26, 16, 16, 16, 16, 10, 10, 10, 10, 10),
                               numbers=(0, 6, 7, 8, 9, 10), money=(2, 3, 4, 5), heading=heading))
    return write_workbook(sheets)


def _value(key: str, value: int, *, change: bool = False) -> str:
    sign = "+" if change and value > 0 else ""
    return sign + (format_vnd(value) if key in (*MONEY, "left") else format_number(value))


def pdf(report: Report, office: OfficeHeader) -> bytes:
    """A4 landscape: Decree 30's header, the summary with its change, donors by kind, cards by group, every
    province (for the nation) and the ranking."""
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    centre = ParagraphStyle("centre", parent=body, alignment=1, fontSize=9, leading=12)
    centre_bold = ParagraphStyle("centre_bold", parent=centre, fontName=BOLD)
    title = ParagraphStyle("title", fontName=BOLD, fontSize=13, alignment=1, leading=17)
    h2 = ParagraphStyle("h2", parent=body, fontName=BOLD, spaceBefore=4, spaceAfter=2)
    width = landscape(A4)[0] - 30 * mm

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(nfc(escape(str(text))), style)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=nfc(f"{report.title}: {report.name}"),
                            author="Tặng thẻ BHYT", invariant=True)
    left = ([p(office.parent, centre)] if office.parent else []) + [p(office.name, centre_bold), p("———", centre)]
    made = report.made_at
    right = [p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", centre_bold), p("Độc lập - Tự do - Hạnh phúc", centre_bold),
             p("———", centre), p(f"{office.place}, ngày {report.on.day:02d} tháng {report.on.month:02d} năm "
                                 f"{report.on.year}", centre)]
    heading = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    grid = [("FONT", (0, 0), (-1, -1), REGULAR, 8.5), ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8F1EC"))]

    def table(rows: list[list[str]], widths: list[float], right_from: int = 1) -> Table:
        made_table = Table([[nfc(c) for c in row] for row in rows], colWidths=widths, repeatRows=1)
        made_table.setStyle(TableStyle([*grid, ("ALIGN", (right_from, 1), (-1, -1), "RIGHT")]))
        return made_table

    story = [heading, Spacer(1, 4 * mm), p(TITLE, title), p(f"{report.title}: {report.name}", centre_bold),
             p(period_text(report), centre), Spacer(1, 4 * mm), p("1. Số liệu chung", h2),
             table([["Chỉ tiêu", "Số liệu", "Thay đổi"]] + [
                 [name, _value(key, value), _value(key, change, change=True)]
                 for name, key, value, change in summary_rows(report)], [90 * mm, 45 * mm, 45 * mm]),
             p("2. Nhà tài trợ theo loại", h2),
             table([["Loại nhà tài trợ", "Số nhà tài trợ", "Tiền cam kết", "Tiền đã nhận"]] + [
                 [KINDS[k], format_number(v.donors), format_vnd(v.pledged), format_vnd(v.received)]
                 for k, v in report.donors_by_kind.items()], [70 * mm, 35 * mm, 45 * mm, 45 * mm]),
             p("3. Thẻ được tài trợ theo nhóm", h2),
             table([["Nhóm", "Thẻ được tài trợ"]] + [[GROUP_NAMES.get(g, g), format_number(n)]
                                                     for g, n in report.cards_by_group.items()]
                   + [["Cộng", format_number(report.figures.cards_funded)]], [70 * mm, 35 * mm])]
    number = 4
    if report.province is None:
        rows = [["Mã", "Tỉnh/thành phố", *(SHORT[k].replace(" (đồng)", "") for k in FIGURES)]]
        rows += [[str(r[0]), r[1], *(format_number(v) for v in r[2:])] for r in area_rows(report)]
        story += [p(f"{number}. Theo tỉnh (tiền tính ở văn phòng nhận cam kết; người và thẻ ở tỉnh của người được "
                    "tài trợ; tiền: đồng)", h2),
                  table(rows, [9 * mm, 44 * mm] + [(width - 53 * mm) / 9] * 9, right_from=2)]
        number += 1
    story += [p(f"{number}. Xếp hạng các tỉnh theo tỷ lệ người được duyệt đã được tài trợ", h2),
              table([["Hạng", "Tỉnh/thành phố", "Người được duyệt", "Người được tài trợ", "Tỷ lệ"]] + [
                  [str(r.rank), r.name, format_number(r.people_approved), format_number(r.people_funded),
                   share_text(r.share_bp)] for r in report.ranking], [14 * mm, 60 * mm, 35 * mm, 35 * mm, 25 * mm],
                  right_from=2),
              Spacer(1, 3 * mm),
              p(f"Lập lúc {made.astimezone(VN_TZ):%H:%M ngày %d/%m/%Y}"
                " từ hệ thống Tặng thẻ BHYT. Không nêu tên người được tài trợ.", body),
              p(checkpoint_text(report), body)]
    signature = [p(office.signer_title, centre_bold), p("(Ký, ghi rõ họ tên, đóng dấu)", centre),
                 Spacer(1, 14 * mm)] + ([p(office.signer_name, centre_bold)] if office.signer_name else [])
    block = Table([["", signature]], colWidths=[width * 0.55, width * 0.45])
    story.append(KeepTogether([block]))
    doc.build(story)
    return buffer.getvalue()


FORMATS = ("xlsx", "pdf")


def export(actor: Actor, kind: str, fmt: str, *, on=None, province: int | None = None,
           uow: UnitOfWork | None = None) -> tuple[str, bytes]:
    """The report (`kind` daily or weekly) as a file: its name and bytes."""
    if kind not in reports.KINDS_OF_REPORT or fmt not in FORMATS:
        raise NotFound(f"Không có báo cáo '{kind}' dạng '{fmt}': dùng daily hoặc weekly, xlsx hoặc pdf")
    read = reports.daily if kind == "daily" else reports.weekly
    report = read(actor, on=on, province=province, uow=uow)
    return file_name(report, fmt), xlsx(report) if fmt == "xlsx" else pdf(report, office_of(report, uow=uow))


def office_of(report: Report, *, uow: UnitOfWork | None = None) -> OfficeHeader:
    """The header of the office the report is for: the province's BHXH, or BHXH Việt Nam."""
    with uow or UnitOfWork() as work:
        return office_header(work.session, NATIONAL if report.province is None else report.province)


def file_name(report: Report, fmt: str) -> str:
    where = "ca-nuoc" if report.province is None else f"tinh-{report.province:02d}"
    kind = "bao-cao-ngay" if report.kind == "daily" else "bao-cao-tuan"
    return f"{kind}-{where}-{report.on:%Y%m%d}.{fmt}"
