"""Every export (Excel and CSV) writes text a spreadsheet would run as a formula with a leading apostrophe; numbers
stay numbers; CSV is UTF-8 with a byte-order mark."""

import csv
import io
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from donation.common.spreadsheets import Sheet, safe_cell, write_csv, write_workbook, write_xlsx
from tests.workbooks import sheets

DANGEROUS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_starts_like_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Nguyễn Văn An", "Xã Hòa Thịnh", "", "1.263.600 ₫", 1_263_600, -5, 0, None])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


def test_the_excel_file_holds_the_texts_as_texts_and_the_numbers_as_numbers():
    rows = [[text, 1_263_600 + index] for index, text in enumerate(DANGEROUS)]
    data = write_xlsx("Thử", ["Nội dung", "Số tiền"], rows, money=[1])
    read = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert read[0] == ["Nội dung", "Số tiền"]
    assert [r[0] for r in read[1:]] == ["'" + t for t in DANGEROUS]
    assert [r[1] for r in read[1:]] == [1_263_600 + i for i in range(len(DANGEROUS))]
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<v>1263600</v>" in sheet  # no formula anywhere; the amounts as numbers


def test_csv_has_a_byte_order_mark_and_neutralised_text():
    data = write_csv(["Nội dung", "Số tiền"], [[t, 7] for t in DANGEROUS])
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read[0] == ["Nội dung", "Số tiền"]
    assert [r[0] for r in read[1:]] == ["'" + t for t in DANGEROUS] and {r[1] for r in read[1:]} == {"7"}


def test_report_cells_are_never_formulas():
    data = write_workbook([Sheet("Tổng hợp", ("=Chỉ tiêu", "Số"), [["=HYPERLINK(\"x\")", 5], ["@SUM(A1)", 7]],
                                 numbers=(1,), heading=("+tiêu đề",))])
    rows = sheets(data)["Tổng hợp"]
    assert rows[0][0] == "'+tiêu đề" and rows[1][0] == "'=Chỉ tiêu"
    assert rows[2] == ["'=HYPERLINK(\"x\")", 5] and rows[3] == ["'@SUM(A1)", 7]
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
