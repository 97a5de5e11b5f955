"""BHXH's form D03-TS (list of people who take part in health insurance only) and the TK1-TS lines of people without a
BHXH code, laid out as the forms are printed: plain data in, a print-ready workbook out (A4 landscape, one page wide,
the column headers repeated on every page).

Sources, read 7/12/2026:
- vssid.net, "Tải mẫu D03-TS theo Quyết định 490/QĐ-BHXH" (https://vssid.net/tai-mau-d03-ts-theo-quyet-dinh-490-qd-bhxh):
  the form as amended by Decision 490/QĐ-BHXH of 28/3/2023 (which amends Decision 595/QĐ-BHXH of 14/4/2017, itself
  amended by 505/QĐ-BHXH of 2020); the header block (unit name, unit code, tax code, address, phone, email,
  participant group, funding source, the base salary at the time of the list, the state's support rate "as
  regulated", e.g. 70% for the near-poor) and that 490 added column (2) "CCCD/CMND/ĐDCN/hộ chiếu" and column (14)
  "Mã số nhân viên thu".
- A collection agent's import template of the 490 form, in public code: 17 columns A, B, 1-15 in the order of
  `D03_COLUMNS` below (its column P, the 14th numbered one, is the collector's code, as vssid.net says).
- cdn.ketoan.vn on the 595 form: column A numbers the rows under "Tăng" (increase) and "Giảm" (decrease) parts.
The form's own column guidance (what each numbered column holds, word for word) was not read here: the column
meanings below are the template's headers. The form has no "Tỷ lệ đóng" column: the state's rate is in the header;
a household member's place on the ladder (100/70/60/50/40%) is written in the notes column.

TK1-TS (Decision 505/QĐ-BHXH, amended by 490): the fields numbered [01]-[13] for a person without a BHXH code and
the household appendix. Only [06] (birth registration: commune, province) and [07] (address) were seen numbered in
public code; the other numbers follow the form's order as collection programs show it (to confirm).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter

from donation.common.money import format_number
from donation.common.spreadsheets import safe_cell

FORM_NOTE = ("(Ban hành kèm theo QĐ số 595/QĐ-BHXH ngày 14/4/2017, sửa đổi theo QĐ số 490/QĐ-BHXH ngày "
             "28/3/2023 của BHXH Việt Nam)")
TITLE = "DANH SÁCH NGƯỜI CHỈ THAM GIA BẢO HIỂM Y TẾ"
# (column code, header) in the form's order.
D03_COLUMNS: tuple[tuple[str, str], ...] = (
    ("A", "STT"), ("B", "Họ và tên"), ("1", "Mã số BHXH"), ("2", "Số CCCD/CMND/ĐDCN/Hộ chiếu"),
    ("3", "Ngày, tháng, năm sinh"), ("4", "Giới tính"), ("5", "Địa chỉ"), ("6", "Nơi đăng ký KCB ban đầu"),
    ("7", "Ngày biên lai"), ("8", "Số biên lai"), ("9", "Số tiền đóng (₫)"), ("10", "Hỗ trợ thêm: NSĐP (₫)"),
    ("11", "Hỗ trợ thêm: khác (₫)"), ("12", "Từ ngày"), ("13", "Số tháng"), ("14", "Mã số nhân viên thu"),
    ("15", "Ghi chú"),
)
D03_HEADERS = tuple(header for _, header in D03_COLUMNS)
D03_CODES = tuple(code for code, _ in D03_COLUMNS)
_WIDTHS = (5, 22, 11, 13, 10, 6, 30, 22, 10, 12, 11, 11, 11, 10, 6, 12, 30)
_MONEY = (10, 11, 12)  # zero-based places of the numbered columns 9, 10 and 11
TK1_COLUMNS: tuple[tuple[str, str], ...] = (
    ("", "STT"), ("[01]", "Họ và tên"), ("[02]", "Ngày, tháng, năm sinh"), ("[03]", "Giới tính"),
    ("[04]", "Quốc tịch"), ("[05]", "Dân tộc"), ("[06]", "Nơi đăng ký khai sinh"), ("[07]", "Địa chỉ"),
    ("[08]", "Số CCCD/ĐDCN/Hộ chiếu"), ("[09]", "Số điện thoại liên hệ"),
    ("[10]", "Họ tên cha/mẹ/người giám hộ (trẻ dưới 6 tuổi)"), ("[11]", "Mức tiền đóng (₫)"),
    ("[12]", "Phương thức đóng"), ("[13]", "Nơi đăng ký KCB ban đầu"),
)
TK1_HEADERS = tuple(header for _, header in TK1_COLUMNS)
_TK1_WIDTHS = (5, 22, 11, 7, 10, 8, 20, 30, 13, 12, 20, 12, 12, 22)
MEMBER_HEADERS = ("STT", "Họ và tên", "Mã số BHXH", "Ngày, tháng, năm sinh", "Giới tính", "Nơi cấp giấy khai sinh",
                  "Mối quan hệ với chủ hộ", "Số CCCD/ĐDCN/Hộ chiếu", "Ghi chú")
_MEMBER_WIDTHS = (5, 22, 11, 11, 7, 20, 14, 13, 30)


@dataclass(frozen=True)
class Unit:
    """The unit that makes the list (here the provincial BHXH office that buys): empty fields print empty."""

    name: str
    code: str = ""
    tax_code: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    place: str = ""  # where it is signed, e.g. "Đắk Lắk"
    signer_name: str = ""  # the head of the unit (thủ trưởng đơn vị), printed under the signature


@dataclass(frozen=True)
class D03Row:
    full_name: str
    social_insurance_code: str
    national_id: str
    birth: str
    gender: str
    address: str
    health_facility: str
    receipt_date: str
    receipt_number: str
    amount: int
    local_budget: int
    other: int
    starts_on: str
    months: int
    collector: str
    note: str


@dataclass(frozen=True)
class D03List:
    """The list of one participant group: the header names one group and one state rate."""

    sheet: str
    group: str
    base_salary: int
    state_rate: str
    funding: str
    number: str  # "Số: … tháng … năm …"
    rows: Sequence[D03Row]
    notes: Sequence[str] = ()


@dataclass(frozen=True)
class Tk1Line:
    full_name: str
    birth: str
    gender: str
    nationality: str
    ethnicity: str
    birth_place: str
    address: str
    national_id: str
    phone: str
    guardian: str
    amount: int
    method: str
    health_facility: str


@dataclass(frozen=True)
class Member:
    full_name: str
    social_insurance_code: str
    birth: str
    gender: str
    birth_place: str
    relation: str
    national_id: str
    note: str


@dataclass(frozen=True)
class Household:
    """A household appendix (phụ lục thành viên hộ gia đình) of the TK1-TS."""

    title: str
    members: Sequence[Member]


@dataclass(frozen=True)
class Tk1:
    lines: Sequence[Tk1Line]
    households: Sequence[Household]
    notes: Sequence[str] = ()


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        base = {"font_name": "Times New Roman", "font_size": 10, "valign": "vcenter"}

        def fmt(**extra) -> object:
            return book.add_format({**base, **extra})

        self.text = fmt()
        self.bold = fmt(bold=True)
        self.italic = fmt(italic=True)
        self.right_bold = fmt(bold=True, align="right")
        self.right_italic = fmt(italic=True, align="right", text_wrap=True)
        self.title = fmt(bold=True, font_size=13, align="center")
        self.centre = fmt(align="center")
        self.centre_bold = fmt(bold=True, align="center")
        self.centre_italic = fmt(italic=True, align="center")
        self.header = fmt(bold=True, align="center", text_wrap=True, border=1, bg_color="#E8F1EC")
        self.code = fmt(italic=True, align="center", border=1)
        self.cell = fmt(text_wrap=True, border=1, num_format="@")
        self.cell_centre = fmt(align="center", border=1, num_format="@")
        self.money = fmt(border=1, num_format="#,##0")
        self.section = fmt(bold=True, border=1)
        self.section_money = fmt(bold=True, border=1, num_format="#,##0")


def _text(value: object) -> str:
    return str(safe_cell(value if value is not None else ""))


def _setup(sheet, widths: Sequence[int], header_row: int, last_column: int) -> None:
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.repeat_rows(header_row, header_row + 1)
    sheet.print_area(0, 0, 10_000, last_column)
    sheet.set_footer("&CTrang &P/&N")


def _unit_block(sheet, f: _Formats, unit: Unit, last: int) -> int:
    sheet.write_string(0, 0, _text(f"Tên đơn vị: {unit.name}"), f.bold)
    sheet.write_string(0, last, "Mẫu D03-TS", f.right_bold)
    sheet.write_string(1, 0, _text(f"Mã đơn vị: {unit.code}"), f.text)
    sheet.merge_range(1, last - 5, 2, last, FORM_NOTE, f.right_italic)
    sheet.write_string(2, 0, _text(f"Mã số thuế: {unit.tax_code}"), f.text)
    sheet.write_string(3, 0, _text(f"Địa chỉ: {unit.address}"), f.text)
    sheet.write_string(4, 0, _text(f"Điện thoại: {unit.phone}"), f.text)
    sheet.write_string(4, 6, _text(f"Email: {unit.email}"), f.text)
    return 5


def _signatures(sheet, f: _Formats, unit: Unit, row: int, last: int, dated: str) -> None:
    sheet.write_string(row, last - 4, _text(dated), f.centre_italic)
    left, right = (1, 3), (last - 6, last)
    for (start, end), title, hint, name in (
            (left, "NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", ""),
            (right, "THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)", unit.signer_name)):
        sheet.merge_range(row + 1, start, row + 1, end, title, f.centre_bold)
        sheet.merge_range(row + 2, start, row + 2, end, hint, f.centre_italic)
        if name:
            sheet.merge_range(row + 6, start, row + 6, end, _text(name), f.centre_bold)


def _d03_sheet(book, f: _Formats, unit: Unit, form: D03List, dated: str) -> None:
    sheet = book.add_worksheet(form.sheet[:31])
    last = len(D03_COLUMNS) - 1
    row = _unit_block(sheet, f, unit, last)
    sheet.merge_range(row, 0, row, last, TITLE, f.title)
    sheet.merge_range(row + 1, 0, row + 1, last, _text(form.number), f.centre_italic)
    sheet.write_string(row + 2, 0, _text(f"Đối tượng tham gia: {form.group}"), f.bold)
    sheet.write_string(row + 2, _MONEY[0], f"Lương cơ sở: {format_number(form.base_salary)} đồng", f.text)
    sheet.write_string(row + 3, 0, _text(f"Nguồn đóng: {form.funding}"), f.text)
    sheet.write_string(row + 3, _MONEY[0], _text(f"Tỷ lệ NSNN hỗ trợ theo quy định: {form.state_rate}"), f.text)
    row += 4
    for note in form.notes:
        sheet.write_string(row, 0, _text(note), f.italic)
        row += 1
    header = row
    sheet.set_row(header, 42)
    sheet.write_row(header, 0, D03_HEADERS, f.header)
    sheet.write_row(header + 1, 0, D03_CODES, f.code)
    row = header + 2
    totals = [0, 0, 0]

    def section(code: str, name: str) -> None:
        sheet.write_string(row, 0, code, f.section)
        sheet.merge_range(row, 1, row, last, name, f.section)

    def subtotal(name: str, people: int, sums: Sequence[int]) -> None:
        sheet.merge_range(row, 0, row, _MONEY[0] - 1, f"{name} ({format_number(people)} người)", f.section)
        for column, value in zip(_MONEY, sums, strict=True):
            sheet.write_number(row, column, value, f.section_money)
        for column in range(_MONEY[-1] + 1, last + 1):
            sheet.write_blank(row, column, None, f.section)

    section("I", "Tăng")
    row += 1
    for number, line in enumerate(form.rows, start=1):
        values = [number, line.full_name, line.social_insurance_code, line.national_id, line.birth, line.gender,
                  line.address, line.health_facility, line.receipt_date, line.receipt_number]
        sheet.write_number(row, 0, number, f.cell_centre)
        for column, value in enumerate(values[1:], start=1):
            sheet.write_string(row, column, _text(value), f.cell_centre if column in (2, 3, 4, 5, 8) else f.cell)
        for column, value in zip(_MONEY, (line.amount, line.local_budget, line.other), strict=True):
            sheet.write_number(row, column, value, f.money)
        sheet.write_string(row, 13, _text(line.starts_on), f.cell_centre)
        sheet.write_number(row, 14, line.months, f.cell_centre)
        sheet.write_string(row, 15, _text(line.collector), f.cell_centre)
        sheet.write_string(row, 16, _text(line.note), f.cell)
        totals = [totals[0] + line.amount, totals[1] + line.local_budget, totals[2] + line.other]
        row += 1
    subtotal("Cộng tăng", len(form.rows), totals)
    row += 1
    section("II", "Giảm")
    row += 1
    subtotal("Cộng giảm", 0, (0, 0, 0))
    row += 1
    subtotal("Tổng cộng", len(form.rows), totals)
    _setup(sheet, _WIDTHS, header, last)
    sheet.freeze_panes(header + 2, 2)
    _signatures(sheet, f, unit, row + 2, last, dated)


def _tk1_sheet(book, f: _Formats, unit: Unit, tk1: Tk1, dated: str) -> None:
    sheet = book.add_worksheet("TK1-TS")
    last = len(TK1_COLUMNS) - 1
    sheet.write_string(0, 0, _text(f"Tên đơn vị: {unit.name}"), f.bold)
    sheet.write_string(0, last, "Mẫu TK1-TS", f.right_bold)
    sheet.merge_range(1, 0, 1, last, "TỜ KHAI THAM GIA, ĐIỀU CHỈNH THÔNG TIN BẢO HIỂM XÃ HỘI, BẢO HIỂM Y TẾ",
                      f.title)
    sheet.merge_range(2, 0, 2, last, "Phần I: người tham gia chưa được cấp mã số BHXH, mỗi dòng một người",
                      f.centre_italic)
    row = 3
    for note in tk1.notes:
        sheet.write_string(row, 0, _text(note), f.italic)
        row += 1
    header = row
    sheet.set_row(header, 42)
    sheet.write_row(header, 0, TK1_HEADERS, f.header)
    sheet.write_row(header + 1, 0, [code for code, _ in TK1_COLUMNS], f.code)
    row = header + 2
    for number, line in enumerate(tk1.lines, start=1):
        sheet.write_number(row, 0, number, f.cell_centre)
        texts = (line.full_name, line.birth, line.gender, line.nationality, line.ethnicity, line.birth_place,
                 line.address, line.national_id, line.phone, line.guardian)
        for column, value in enumerate(texts, start=1):
            sheet.write_string(row, column, _text(value), f.cell)
        sheet.write_number(row, 11, line.amount, f.money)
        sheet.write_string(row, 12, _text(line.method), f.cell)
        sheet.write_string(row, 13, _text(line.health_facility), f.cell)
        row += 1
    row += 1
    sheet.write_string(row, 0, "PHỤ LỤC: THÀNH VIÊN HỘ GIA ĐÌNH (dùng cho người tham gia tính giảm trừ mức đóng "
                       "BHYT theo hộ)", f.bold)
    row += 1
    for household in tk1.households:
        sheet.write_string(row, 0, _text(household.title), f.bold)
        sheet.write_row(row + 1, 0, MEMBER_HEADERS, f.header)
        row += 2
        for number, member in enumerate(household.members, start=1):
            sheet.write_number(row, 0, number, f.cell_centre)
            for column, value in enumerate((member.full_name, member.social_insurance_code, member.birth,
                                            member.gender, member.birth_place, member.relation, member.national_id,
                                            member.note), start=1):
                sheet.write_string(row, column, _text(value), f.cell)
            row += 1
        row += 1
    # the appendix shares the sheet's first columns: each as wide as the wider of its two uses
    widths = [max(width, _MEMBER_WIDTHS[i] if i < len(_MEMBER_WIDTHS) else 0) for i, width in enumerate(_TK1_WIDTHS)]
    _setup(sheet, widths, header, last)
    _signatures(sheet, f, unit, row + 1, last, dated)


def write_d03(unit: Unit, lists: Sequence[D03List], tk1: Tk1 | None, *, dated: str) -> bytes:
    """The workbook: one D03-TS sheet per participant group, then the TK1-TS sheet when someone has no BHXH code.
    Values only (never a formula), every text cell through `safe_cell`."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    formats = _Formats(book)
    for form in lists:
        _d03_sheet(book, formats, unit, form, dated)
    if tk1 is not None and tk1.lines:
        _tk1_sheet(book, formats, unit, tk1, dated)
    book.close()
    return buffer.getvalue()
