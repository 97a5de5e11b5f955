"""Check an uploaded spreadsheet before any parser sees it: its size, its parts and what they inflate to, its shape.

python-calamine reads a whole sheet into one rectangle (rows x columns) before Python gets a row: a 1.5 KB workbook
with a cell in A1 and one in XFD1048576 asks for 512 GB and the process aborts (a Rust allocation failure, not an
exception), and a 4 MB workbook that inflates to 1 GB holds 2.7 GB. So the archive's parts and the sheets' furthest
cells are measured here with the standard library, streaming and bounded, and calamine only opens what passed.
Declared sizes are trusted because calamine's zip reader refuses a part that inflates past its declared size (as
Python's zipfile does): measured, see tests/unit/test_upload_checks.py.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.parsers import expat

import olefile

from donation.common.errors import InvalidInput
from donation.common.money import format_number

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000  # data rows of one file
MAX_SHEET_ROWS = MAX_ROWS + 50  # and the title lines and the header above them
MAX_COLUMNS = 50
MAX_PARTS = 1_000
MAX_PART_BYTES = 200 * 1024 * 1024  # 100,000 rows of 15 columns inflate to about 40 MB
MAX_INFLATED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 100  # spreadsheet XML compresses 5 to 20 times; zip bombs a thousand
_RATIO_GRACE = 1024 * 1024  # small parts may compress better (a sheet of blank cells)
_CHUNK = 1024 * 1024
ADVICE = (f"Hãy lưu lại tệp chỉ với bảng danh sách (không quá {format_number(MAX_ROWS)} dòng và {MAX_COLUMNS} cột), "
          "hoặc chia thành nhiều tệp.")

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ATTRIBUTES = rb"((?:[^>\"']+|\"[^\"]*\"|'[^']*')*)"
# Tags named as calamine matches them: <row> and <c> by local name in xlsx, table:… by full name in ods.
_XLSX_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])" + _ATTRIBUTES + rb">")
_ODS_TAG = re.compile(rb"<(/?)(table:table-row|table:table-cell|table:covered-table-cell|table:table)(?=[\s/>])"
                      + _ATTRIBUTES + rb">")
# Cells as every spreadsheet program writes them, r="B12" first: found with plain byte counts and one literal regex.
_NOT_CELL = re.compile(rb"<c[^\s/>]")  # <cols>, <col>, <cfRule>…
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_ROW_OF_CELL = re.compile(rb'<c r="[A-Za-z]{1,7}([0-9]{1,10})"')
_COLUMN_OF_CELL = re.compile(rb'<c r="([A-Za-z]{1,7})[0-9]{1,10}"')
_REFERENCE = re.compile(rb"(?:^|\s)r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REFERENCE = re.compile(rb"([A-Za-z]{0,7})([0-9]{1,10})")
_ROWS_REPEATED = re.compile(rb"table:number-rows-repeated\s*=\s*[\"']\s*([0-9]{1,12})\s*[\"']")
_COLUMNS_REPEATED = re.compile(rb"table:number-columns-repeated\s*=\s*[\"']\s*([0-9]{1,12})\s*[\"']")
_VALUED = re.compile(rb"office:value-type|table:formula")
# BIFF records that calamine turns into cells: Number, Label, RString, BoolErr, Rk, LabelSst, Formula; then MulRk.
_XLS_CELLS = frozenset((0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006))
_XLS_MULRK, _XLS_DIMENSIONS = 0x00BD, 0x0200


def refuse(reason: str) -> InvalidInput:
    """The error for a file refused before reading: what was refused, why, and what to do."""
    return InvalidInput(f"Tệp bị từ chối: {reason}. {ADVICE}")


def size_text(count: int) -> str:
    """Bytes the way people read them: '2,5 GB', '200 MB'."""
    for unit, size in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if count >= size:
            return f"{count / size:.1f}".replace(".", ",").removesuffix(",0") + f" {unit}"
    return f"{count} byte"


def check_shape(rows: int, columns: int, where: str = "trang tính") -> None:
    """A sheet of at most MAX_SHEET_ROWS rows and MAX_COLUMNS columns (counted to the furthest filled cell)."""
    if rows > MAX_SHEET_ROWS:
        raise refuse(f"{where} có {format_number(rows)} dòng, vượt giới hạn {format_number(MAX_ROWS)} dòng")
    if columns > MAX_COLUMNS:
        raise refuse(f"{where} có ô ở cột thứ {format_number(columns)}, vượt giới hạn {MAX_COLUMNS} cột")


def check_upload(data: bytes) -> None:
    """Refuse, with the reason, a workbook whose parts or sheets are too big to read safely. CSV is capped as it is
    read (spreadsheets.read_rows); anything that is neither a ZIP (xlsx, ods) nor an OLE file (xls) is refused."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"Tệp {size_text(len(data))}, quá giới hạn {size_text(MAX_BYTES)}: chia thành nhiều tệp")
    # calamine tries .xls, then .xlsx, .xlsb and .ods on the same bytes: a file that is both is checked as both
    is_xls, is_zip = data.startswith(_CFB_MAGIC), zipfile.is_zipfile(io.BytesIO(data))
    if not is_xls and not is_zip:
        raise InvalidInput("Tệp không phải bảng tính đọc được: dùng .xlsx, .xls, .ods hoặc .csv")
    if is_xls:
        _check_xls(data)
    if is_zip:
        _check_zip(data)


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if "xl/workbook.bin" in archive.namelist():  # binary sheets: nothing here can measure them
                raise InvalidInput("Tệp .xlsb chưa được nhận: trong Excel chọn Lưu thành, kiểu .xlsx")
            _check_parts(parts)
            for part in parts:  # calamine reads a sheet from whatever part the workbook names: measure them all
                _check_part_shape(archive, part)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, ValueError,
            expat.ExpatError):
        raise InvalidInput("Tệp hỏng hoặc không phải bảng tính đọc được: mở lại trong Excel và lưu thành .xlsx"
                           ) from None


def _check_part_shape(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    with archive.open(part) as stream:
        shape = _referenced_shape(stream)
    for measure in ((_ods_shape,) if part.filename == "content.xml" else ()) + ((_counted_shape,) if shape is None
                                                                                 else ()):
        with archive.open(part) as stream:
            _well_formed(stream)
        with archive.open(part) as stream:
            counted = measure(stream)
        shape = counted if shape is None else (max(shape[0], counted[0]), max(shape[1], counted[1]))
    check_shape(*shape, f"phần {part.filename}")


def _well_formed(stream: io.BufferedIOBase) -> None:
    parser = expat.ParserCreate()
    while chunk := stream.read(_CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _check_parts(parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        raise refuse(f"tệp nén có {format_number(len(parts))} phần, vượt giới hạn {format_number(MAX_PARTS)} phần")
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise refuse(f"phần {part.filename} giải nén ra {size_text(part.file_size)}, vượt giới hạn "
                         f"{size_text(MAX_PART_BYTES)}")
        if part.file_size > _RATIO_GRACE and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise refuse(f"phần {part.filename} nén {format_number(part.file_size // max(part.compress_size, 1))} "
                         f"lần, vượt giới hạn {MAX_RATIO} lần (dấu hiệu tệp nén độc hại)")
    total = sum(part.file_size for part in parts)
    if total > MAX_INFLATED_BYTES:
        raise refuse(f"tệp giải nén ra {size_text(total)}, vượt giới hạn {size_text(MAX_INFLATED_BYTES)}")


def _chunks(stream: io.BufferedIOBase) -> Iterator[bytes]:
    """The stream in pieces that each end before a tag: a tag cut by a chunk's end goes with the next piece."""
    tail = b""
    while chunk := stream.read(_CHUNK):
        text = tail + chunk
        cut = text.rfind(b"<")
        cut = len(text) if cut <= 0 else cut
        yield text[:cut]
        tail = text[cut:]
    yield tail


def _tags(stream: io.BufferedIOBase, pattern: re.Pattern[bytes]) -> Iterator[tuple[bool, bytes, bytes, bool]]:
    """(closing, name, attributes, self-closing) of every tag the pattern names."""
    for text in _chunks(stream):
        for match in pattern.finditer(text):
            attributes = match[3].rstrip()
            yield match[1] == b"/", match[2], attributes, attributes.endswith(b"/")


def _column_number(letters: bytes) -> int:
    column = 0
    for letter in letters.upper():
        column = column * 26 + letter - 64
    return column


def _referenced_shape(stream: io.BufferedIOBase) -> tuple[int, int] | None:
    """Rows and columns up to the furthest cell (blank ones too) when every cell starts <c r="B12" (calamine then
    places it there whatever surrounds it); None for any other cell, to be counted the slow way."""
    rows = columns = 0
    for text in _chunks(stream):
        starts = text.count(b"<c") - len(_NOT_CELL.findall(text))
        if not starts:
            continue
        found = _ROW_OF_CELL.findall(text)
        if len(found) != starts or _PREFIXED_CELL.search(text):
            return None
        rows = max(rows, max(map(int, found)))
        columns = max(columns, max(map(_column_number, set(_COLUMN_OF_CELL.findall(text)))))
    return rows, columns


def _reference(attributes: bytes) -> tuple[int, int] | None:
    """The 0-based (row, column) of an r="B12" attribute (a row's r="12" gives column -1), None without one."""
    found = _REFERENCE.search(attributes)
    if found is None:
        return None
    cell = _CELL_REFERENCE.fullmatch(found[1] if found[1] is not None else found[2])
    if cell is None:
        raise ValueError("an unreadable cell reference")
    return int(cell[2]) - 1, _column_number(cell[1]) - 1


def _counted_shape(stream: io.BufferedIOBase) -> tuple[int, int]:
    """Rows and columns up to the furthest cell with content, cells without a reference placed by counting rows and
    cells as calamine does (which only well-formed XML guarantees: checked as well)."""
    rows = columns = 0
    row = column = 0
    in_cell = False
    for closing, name, attributes, empty in _tags(stream, _XLSX_TAG):
        if in_cell and not (closing and name == b"c"):
            raise ValueError("a row or a cell inside a cell")  # calamine would not count it
        if name == b"row":
            if not closing:
                at = _reference(attributes)
                row = at[0] if at else row
            if closing or empty:
                row, column = row + 1, 0
        elif closing:
            in_cell = False
        else:
            at = _reference(attributes)
            if at is not None:
                if at[1] < 0:
                    raise ValueError("a cell reference without a column")
                column = at[1]
            if not empty:
                rows, columns = max(rows, (at[0] if at else row) + 1), max(columns, column + 1)
                in_cell = True
            column += 1
    return rows, columns


def _repeated(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found[1]) if found else 1


def _ods_shape(stream: io.BufferedIOBase) -> tuple[int, int]:
    """Rows of all tables of content.xml together (repeated rows counted) up to the last row with content, and the
    widest row (repeated cells counted) up to its last cell with content."""
    rows = columns = 0
    row = column = row_columns = 0
    repeats, in_cell = 1, False
    for closing, name, attributes, empty in _tags(stream, _ODS_TAG):
        if in_cell and not (closing and name != b"table:table-row" and name != b"table:table"):
            raise ValueError("a table, a row or a cell inside a cell")  # calamine would not count it
        if name == b"table:table-row":
            if not closing:
                repeats, column, row_columns = _repeated(_ROWS_REPEATED, attributes), 0, 0
            if closing or empty:
                if row_columns:
                    rows, columns = row + repeats, max(columns, row_columns)
                row += repeats
        elif name == b"table:table":
            row = 0 if not closing else row
        elif closing:
            in_cell = False
        else:
            width = _repeated(_COLUMNS_REPEATED, attributes)
            if not empty or _VALUED.search(attributes):
                row_columns = column + width
            in_cell = not empty
            column += width
    return rows, columns


def _check_xls(data: bytes) -> None:
    try:
        with olefile.OleFileIO(data) as ole:
            name = next((name for name in ("Workbook", "Book") if ole.exists(name)), None)
            if name is None:
                raise InvalidInput("Tệp .xls không có bảng tính: mở lại trong Excel và lưu thành .xlsx")
            stream = ole.openstream(name).read()
    except (OSError, ValueError, struct.error):  # olefile's errors for a damaged OLE file
        raise InvalidInput("Tệp hỏng hoặc không phải bảng tính đọc được: mở lại trong Excel và lưu thành .xlsx"
                           ) from None
    check_shape(*_xls_shape(stream), "tệp .xls")


def _xls_shape(stream: bytes) -> tuple[int, int]:
    """Rows and columns up to the furthest cell or declared dimension in any sheet of a BIFF stream."""
    rows = columns = 0
    at, end = 0, len(stream)
    while at + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4: at + 4 + length]
        at += 4 + length
        if kind in _XLS_CELLS and length >= 4:
            row, column = struct.unpack_from("<HH", body)
        elif kind == _XLS_MULRK and length >= 6:
            row, column = struct.unpack_from("<H", body)[0], struct.unpack_from("<H", body, length - 2)[0]
        elif kind == _XLS_DIMENSIONS and length in (10, 14):
            # calamine reserves room for the declared rectangle (its ends are exclusive): a lie is refused too
            row, column = (stop - 1 for stop in struct.unpack_from("<IIHH" if length == 14 else "<HHHH", body)[1::2])
        else:
            continue
        rows, columns = max(rows, row + 1), max(columns, column + 1)
    return rows, columns
