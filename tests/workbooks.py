"""Build nomination workbooks for tests, the way officials' spreadsheets really look."""

from __future__ import annotations

import io
from datetime import date, datetime

import xlsxwriter

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
