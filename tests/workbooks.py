"""Build nomination workbooks for tests, the way officials' spreadsheets really look; read exports back."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
from collections.abc import Iterable
from datetime import date, datetime

import xlsxwriter
from python_calamine import CalamineWorkbook

from donation.cards.d03_form import D03_CODES, D03_HEADERS

HEADERS = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã số BHXH", "Mã hộ", "Quan hệ với chủ hộ", "Nhóm",
           "Hoàn cảnh", "Mức thiệt hại", "Thôn/Tổ", "Trường", "Nơi KCB ban đầu", "Hạn thẻ hiện tại", "Lý do"]


def person(name, birth, gender, cccd, household, group, **extra) -> list:
    row = dict.fromkeys(HEADERS, "")
    row.update({"Họ và tên": name, "Ngày sinh": birth, "Giới tính": gender, "Số CCCD": cccd, "Mã hộ": household,
                "Nhóm": group})
    row.update({k.replace("_", " "): v for k, v in extra.items()})
    return [row[h] for h in HEADERS]


def workbook(rows: list[list], *, title_rows: int = 2) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    if title_rows:
        sheet.write(0, 0, "DANH SÁCH ĐỀ CỬ TẶNG THẺ BHYT")
    sheet.write_row(title_rows, 0, HEADERS)
    for index, row in enumerate(rows, start=title_rows + 1):
        for column, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(index, column, datetime(value.year, value.month, value.day), dates)
            elif value is not None and value != "":
                sheet.write(index, column, value)
    book.close()
    return buffer.getvalue()


def corrected(rows: list[list], changes: dict[tuple[int, str], object]) -> bytes:
    """A sheet read back (`sheets(...)[name]`, header first) saved again as an official does after correcting cells:
    `changes` maps (row index in `rows`, header) to the new value."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách đề cử")
    for index, row in enumerate(rows):
        values = list(row)
        for (number, column), value in changes.items():
            if index == number:
                values[rows[0].index(column)] = value
        sheet.write_row(index, 0, values)
    book.close()
    return buffer.getvalue()


# A file with every kind of trouble; row numbers are as the spreadsheet shows them (the header is row 3).
MIXED = [
    person("nguyễn  văn AN", "02/03/1985", "Nam", 66085000123.0, "H01", "Hộ gia đình", **{"Hoàn cảnh": "Khuyết tật"}),
    person("Trần Thị Bình", date(1987, 5, 1), "Nữ", "066187000124", "H01", "hộ gia đình"),
    person("Nguyễn Văn Cường", "2015", "Nam", "", "H01", "Học sinh", **{"Mã số BHXH": "0123456789"}),
    [""] * len(HEADERS),
    person("Lê Văn Dũng", "01/01/2030", "Nam", "066230000001", "H02", "Hộ gia đình"),
    person("Phạm Thị E", "12/12/1990", "Nam", "066190000125", "H03", "Cận nghèo"),
    person("Võ Văn F", "12/12/1990", "Nam", "066090000126", "H04", "Hộ khá giả"),
    person("Trần Thị Bình", "01/05/1987", "Nữ", "066187000124", "H05", "Hộ gia đình"),
    person("Hồ Thị G", 1950, "Nữ", "066150000127", "H06", "Hộ nghèo"),
    person("Đặng Văn H", "03/04/1975", "Nam", "066075000128", "H07", "Hộ cận nghèo",
           **{"Hạn thẻ hiện tại": "31/12/2026", "Mức thiệt hại": "Nhà bị sập"}),
]
# accepted: rows 4, 5, 6, 13; refused: 8 (future), 9 (gender), 10 (group), 11 (duplicate of 5), 12 (state pays all)
MIXED_ACCEPTED_ROWS = [4, 5, 6, 13]
MIXED_REFUSED = {8: "future_date", 9: "cccd_mismatch", 10: "unknown_group", 11: "duplicate_in_file",
                 12: "state_pays_all"}

# Header on row 3: H10's head (row 4) is valid, his wife's birth date (row 5) is in the future; H11 (row 6) is whole.
H10 = [
    person("Phan Văn Long", "10/10/1980", "Nam", "066080000301", "H10", "Hộ gia đình", **{"Quan hệ với chủ hộ": "Chủ hộ"}),
    person("Phan Thị Hạnh", "01/01/2082", "Nữ", "066182000302", "H10", "Hộ gia đình", **{"Quan hệ với chủ hộ": "Vợ"}),
    person("Lò Văn Sáu", "05/05/1970", "Nam", "066070000303", "H11", "Hộ gia đình"),
]


_CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '<Override PartName="/xl/worksheets/sheet1.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELATIONSHIPS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/{kind}" Target="{target}"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>')
SHEET_START = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b"<sheetData>")
SHEET_END = b"</sheetData></worksheet>"


def raw_xlsx(sheet_data: Iterable[bytes]) -> bytes:
    """A minimal workbook whose first sheet's <sheetData> is the given XML, streamed into the archive (so that a
    sheet of a gigabyte costs seconds and a few megabytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELATIONSHIPS.format(kind="officeDocument", target="xl/workbook.xml"))
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _RELATIONSHIPS.format(kind="worksheet",
                                                                             target="worksheets/sheet1.xml"))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START)
            for piece in sheet_data:
                sheet.write(piece)
            sheet.write(SHEET_END)
    return buffer.getvalue()


@functools.cache
def zip_bomb(inflated_mb: int) -> bytes:
    """A workbook of a few megabytes whose sheet inflates to `inflated_mb` MB of repeated rows."""
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 20 + b"</row>"
    block = row * (1024 * 1024 // len(row))
    return raw_xlsx(block for _ in range(inflated_mb))


def far_cell_workbook(reference: str = "XFD1048576") -> bytes:
    """1.5 KB: a cell in A1 and one at `reference`. calamine makes one rectangle of both: 512 GB for XFD1048576."""
    return raw_xlsx([b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="'
                     + reference.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").encode() + b'"><c r="' + reference.encode()
                     + b'" t="inlineStr"><is><t>b</t></is></c></row>'])


def biff_record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def ole_file(stream: bytes, name: str = "Workbook") -> bytes:
    """An OLE (compound) file holding one stream, as an .xls holds its BIFF records: 512-byte sectors, the stream
    padded past 4,096 bytes so that it lives in ordinary sectors (sector 0 the FAT, 1 the directory)."""
    stream = stream.ljust(4096, b"\0")
    sectors = -(-len(stream) // 512)
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
              + struct.pack("<H6xIIIIIIIII", 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *[free] * 108))
    fat = [0xFFFFFFFD, end, *range(3, 2 + sectors), end]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")

    def entry(title: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (title + "\0").encode("utf-16-le") if title else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, free, free, child)
                + bytes(36) + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(name, 2, free, 2, len(stream))
                 + entry("", 0, free, 0, 0) * 2)
    return header + fat_sector + directory + stream.ljust(sectors * 512, b"\0")


def sheets(data: bytes) -> dict[str, list[list]]:
    """Every sheet of an Excel file, by name, as rows of values."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def d03_people(data: bytes) -> dict[str, list[list]]:
    """The people of a D03-TS workbook, by sheet (one sheet per participant group): the rows under the form's
    header and column-number rows, between the "I Tăng" part's title and its "Cộng tăng" line."""
    found = {}
    for name, rows in sheets(data).items():
        if not name.startswith("D03-TS"):
            continue
        header = next(i for i, row in enumerate(rows) if tuple(row[:len(D03_HEADERS)]) == D03_HEADERS)
        assert tuple(rows[header + 1][:len(D03_CODES)]) == D03_CODES, name
        assert rows[header + 2][:2] == ["I", "Tăng"], name
        end = next(i for i, row in enumerate(rows) if str(row[0]).startswith("Cộng tăng"))
        found[name] = rows[header + 3:end]
    return found
