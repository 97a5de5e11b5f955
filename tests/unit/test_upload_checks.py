"""An uploaded workbook is measured before python-calamine opens it: a zip bomb, a cell far away, too many rows or
columns are refused with a Vietnamese reason, and the workbooks people really send still pass."""

import io
import resource
import signal
import struct
import subprocess
import sys
import zipfile

import pytest
import xlsxwriter

from donation.common.errors import InvalidInput
from donation.common.spreadsheets import read_rows
from donation.common.upload_checks import MAX_COLUMNS, MAX_ROWS, check_upload, size_text
from tests.workbooks import HEADERS, biff_record, far_cell_workbook, ole_file, raw_xlsx, workbook, zip_bomb

_UNGUARDED_READ = """
import io, resource, sys
limit = 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import python_calamine
book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
book.get_sheet_by_index(0).to_python(skip_empty_area=False)
"""


def _read_unguarded(data: bytes) -> subprocess.CompletedProcess:
    """python-calamine alone on `data`, in a process held to 1 GB of address space."""
    return subprocess.run([sys.executable, "-c", _UNGUARDED_READ], input=data, capture_output=True, timeout=120,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)))


def _refusal(data: bytes) -> str:
    with pytest.raises(InvalidInput) as refused:
        read_rows(data, "ds.xlsx")
    return str(refused.value)


def test_a_zip_bomb_is_refused_by_the_size_its_sheet_declares():
    data = zip_bomb(250)
    assert len(data) < 2 * 1024 * 1024
    assert _refusal(data) == ("Tệp bị từ chối: phần xl/worksheets/sheet1.xml giải nén ra 250 MB, vượt giới hạn "
                              "200 MB. Hãy lưu lại tệp chỉ với bảng danh sách (không quá 100.000 dòng và 50 cột), "
                              "hoặc chia thành nhiều tệp.")


def test_a_part_that_compresses_like_a_bomb_is_refused_below_the_size_limit():
    assert "nén 2" in _refusal(zip_bomb(120)) and "vượt giới hạn 100 lần" in _refusal(zip_bomb(120))


def test_a_cell_far_away_kills_an_unguarded_reader_and_is_refused_here():
    data = far_cell_workbook()
    unguarded = _read_unguarded(data)
    assert unguarded.returncode == -signal.SIGABRT  # no Python exception that a page could catch
    assert b"memory allocation of 549755813888 bytes failed" in unguarded.stderr
    assert "có 1.048.576 dòng, vượt giới hạn 100.000 dòng" in _refusal(data)


def test_too_many_columns_are_refused():
    assert "có ô ở cột thứ 51, vượt giới hạn 50 cột" in _refusal(far_cell_workbook("AY1"))
    assert read_rows(far_cell_workbook("AX2"), "ds.xlsx")[1][MAX_COLUMNS - 1] == "b"


def test_cells_without_references_are_counted_as_calamine_places_them():
    def row(cells: int) -> bytes:
        return b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * cells + b"</row>"

    assert "cột thứ 51" in _refusal(raw_xlsx([row(3), row(51)]))
    assert read_rows(raw_xlsx([row(50)] * 3), "ds.xlsx") == [["x"] * 50] * 3


def test_a_row_end_hidden_in_a_cell_is_refused():
    # calamine would skip the </row> inside the text and keep counting columns on one row; the check would not
    hidden = b'<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is></c></row></is></c></row>'
    assert "Tệp hỏng" in _refusal(raw_xlsx([hidden]))


def test_a_part_that_lies_about_its_size_stops_where_it_said():
    """Declared sizes are enough: calamine's zip reader, like Python's, stops a part that inflates past its declared
    size with an error, after a few kilobytes instead of filling memory."""
    sheet = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 20 + b"</row>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, zipfile.ZipFile(io.BytesIO(workbook([]))) as model:
        for part in model.infolist():
            archive.writestr(part.filename, sheet * 50_000 if part.filename.endswith("sheet1.xml")
                             else model.read(part))
    data = bytearray(buffer.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name.decode()).header_offset
    data[local + 22: local + 26] = data[central + 24: central + 28] = (5000).to_bytes(4, "little")
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name.decode()).file_size == 5000
    unguarded = _read_unguarded(bytes(data))
    assert unguarded.returncode == 1 and b"File is larger than its declared uncompressed size" in unguarded.stderr
    assert "Tệp hỏng" in _refusal(bytes(data))  # Python's zipfile stops there too and finds the checksum wrong


def test_an_ods_with_a_row_repeated_a_million_times_is_refused():
    content = ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
               'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:'
               'names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="DS">'
               '{rows}</table:table></office:spreadsheet></office:body></office:document-content>')
    full = ('<table:table-row table:number-rows-repeated="{n}"><table:table-cell office:value-type="string">'
            '<text:p>x</text:p></table:table-cell></table:table-row>')
    trailing = '<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'

    def ods(rows: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                             'opendocument:xmlns:manifest:1.0"/>')
            archive.writestr("content.xml", content.format(rows=rows))
        return buffer.getvalue()

    with pytest.raises(InvalidInput, match="^Tệp bị từ chối: phần content.xml có 1.000.000 dòng"):
        read_rows(ods(full.format(n=1_000_000)), "ds.ods")
    assert read_rows(ods(full.format(n=3) + trailing), "ds.ods") == [["x"]] * 3  # LibreOffice's trailing rows


def test_too_many_parts_and_unknown_files_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(1001):
            archive.writestr(f"x/{index}.xml", "<a/>")
    with pytest.raises(InvalidInput, match="có 1.001 phần, vượt giới hạn 1.000 phần"):
        check_upload(buffer.getvalue())
    with pytest.raises(InvalidInput, match="không phải bảng tính đọc được"):
        check_upload(b"not a workbook")


def test_a_csv_with_too_many_columns_or_rows_is_refused():
    with pytest.raises(InvalidInput, match="tệp CSV có ô ở cột thứ 51"):
        read_rows(("a," * 51).encode(), "ds.csv")
    assert read_rows(("a," * 50 + ",,,,\r\n").encode(), "ds.csv") == [["a"] * 50]  # trailing separators
    with pytest.raises(InvalidInput, match="tệp CSV có 100.051 dòng"):
        read_rows(b"a\r\n" * (MAX_ROWS + 51), "ds.csv")


def test_a_nomination_workbook_of_the_largest_size_passes():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for index in range(1, MAX_ROWS + 1):
        sheet.write_row(index, 0, [f"Nguyễn Văn {index}", "01/02/1980", "Nam", f"0660800{index:05d}", "",
                                   f"H{index // 3}", "", "Hộ gia đình", "", "", "Thôn 1", "", "", "", "Lũ"])
    book.close()
    rows = read_rows(buffer.getvalue(), "ds.xlsx")
    assert len(rows) == MAX_ROWS + 1 and len(rows[0]) == len(HEADERS)


def test_the_ordinary_workbook_passes_and_sizes_read_in_vietnamese():
    check_upload(workbook([]))
    assert [size_text(n) for n in (2_684_354_560, 200 * 1024 * 1024, 1536, 12)] == ["2,5 GB", "200 MB", "1,5 KB",
                                                                                    "12 byte"]


@pytest.mark.parametrize(("records", "reason"), [
    (biff_record(0x0203, struct.pack("<HHHd", 65_535, 65_535, 0, 1.0)), "có ô ở cột thứ 65.536, vượt giới hạn 50"),
    (biff_record(0x0200, struct.pack("<IIHHH", 0, 4_000_000_000, 0, 2, 0)), "có 4.000.000.000 dòng"),
], ids=["far cell", "declared dimensions"])
def test_an_xls_reaching_far_is_refused_from_its_records(records, reason):
    """calamine reads every sheet of an .xls when it opens it, and reserves the declared rectangle first."""
    with pytest.raises(InvalidInput, match=f"^Tệp bị từ chối: tệp .xls {reason}"):
        read_rows(ole_file(biff_record(0x0809, bytes(16)) + records), "ds.xls")
    near = biff_record(0x0200, struct.pack("<IIHHH", 0, 3, 0, 2, 0)) + biff_record(0x0203, struct.pack(
        "<HHHd", 2, 1, 0, 1.0))
    check_upload(ole_file(biff_record(0x0809, bytes(16)) + near))
