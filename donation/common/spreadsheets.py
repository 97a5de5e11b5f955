"""Read uploaded spreadsheets (xlsx, xls, ods with python-calamine; csv) and write print-ready Excel files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import python_calamine
import xlsxwriter

from donation.common.errors import InvalidInput
from donation.common.money import format_number
from donation.common.upload_checks import MAX_BYTES, MAX_ROWS, MAX_SHEET_ROWS, check_shape, check_upload

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_rows(data: bytes, filename: str) -> list[list[object]]:
    """All rows of the first sheet, row 1 first, blank rows kept so that row numbers match the spreadsheet. Every
    upload comes through here: a workbook is measured (upload_checks) before calamine opens it."""
    if not data:
        raise InvalidInput("Tệp rỗng: chọn tệp Excel (.xlsx) hoặc CSV có danh sách")
    name = (filename or "").lower()
    if name.endswith(".csv"):
        if len(data) > MAX_BYTES:
            check_upload(data)  # says how big it is
        rows = _csv_rows(data)
    else:
        check_upload(data)
        try:
            sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        except Exception:  # noqa: BLE001  (calamine raises several kinds for one cause: not a spreadsheet)
            raise InvalidInput(f"Tệp '{filename}' không phải bảng tính đọc được: dùng .xlsx, .xls, .ods hoặc .csv"
                               ) from None
        check_shape(*(end + 1 for end in sheet.end or (-1, -1)))  # before Python gets a list per row
        rows = sheet.to_python(skip_empty_area=False)
    if not any(any(str(cell).strip() for cell in row) for row in rows):
        raise InvalidInput("Tệp không có dòng nào: kiểm tra lại trang tính đầu tiên")
    if len(rows) > MAX_SHEET_ROWS:
        raise InvalidInput(f"Tệp có {format_number(len(rows))} dòng, quá giới hạn {format_number(MAX_ROWS)} dòng: "
                           "chia thành nhiều tệp")
    return rows


def _csv_rows(data: bytes) -> list[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("Tệp CSV không phải UTF-8: trong Excel chọn Lưu thành “CSV UTF-8”") from None
    if "\x00" in text:
        raise InvalidInput("Tệp không phải bảng tính đọc được: dùng .xlsx, .xls, .ods hoặc .csv")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            while row and not row[-1].strip():
                row.pop()  # trailing separators are not columns
            rows.append(row)
            check_shape(len(rows), len(row), "tệp CSV")
    except csv.Error:  # a field longer than the csv module allows (128 KB), or a stray NUL
        raise InvalidInput("Tệp CSV có ô quá dài hoặc hỏng: mở lại trong Excel và lưu thành “CSV UTF-8”") from None
    return rows


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: optional title lines above the header row, which is repeated on every printed page.
    Columns in `money` hold integer đồng (and `numbers` other integers), written as numbers with thousands grouped."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    widths: Sequence[int] = ()
    money: Sequence[int] = ()
    numbers: Sequence[int] = ()
    heading: Sequence[str] = ()
    landscape: bool = True


def write_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]], *,
               widths: Sequence[int] = (), money: Sequence[int] = ()) -> bytes:
    """One sheet, print-ready: A4 landscape, one page wide, header row repeated, text cells never formulas. Columns
    in `money` hold integer đồng, written as numbers with thousands grouped (sums work on them)."""
    return write_workbook([Sheet(title, headers, rows, widths=widths, money=money)])


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """Several print-ready sheets (A4, one page wide, header row repeated, panes frozen under it), every text cell
    through `safe_cell`, values only: no formula is ever written."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#E8F1EC"})
    cell = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1, "num_format": "@"})
    amount = workbook.add_format({"valign": "top", "border": 1, "num_format": "#,##0"})
    heading_format = workbook.add_format({"bold": True, "font_size": 12})
    for spec in sheets:
        sheet = workbook.add_worksheet(spec.title[:31])
        for line, text in enumerate(spec.heading):
            sheet.write_string(line, 0, str(safe_cell(text)), heading_format)
        top = len(spec.heading)
        sheet.write_row(top, 0, [safe_cell(h) for h in spec.headers], bold)
        for index, row in enumerate(spec.rows, start=top + 1):
            sheet.write_row(index, 0, [safe_cell(value) for value in row], cell)
            for column in (*spec.money, *spec.numbers):
                if isinstance(row[column], int):
                    sheet.write_number(index, column, row[column], amount)
        for column, width in enumerate(spec.widths or [18] * len(spec.headers)):
            sheet.set_column(column, column, width)
        sheet.set_paper(9)
        if spec.landscape:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(top)
        sheet.freeze_panes(top + 1, 0)
    workbook.close()
    return buffer.getvalue()


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark (so that Excel reads the accents), text cells never formulas, numbers as
    numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(headers))
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
