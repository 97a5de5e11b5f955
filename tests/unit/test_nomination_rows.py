"""The nomination spreadsheet's rows: every bad case with the row, column and reason it reports."""

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from donation.common.errors import InvalidInput
from donation.registry.nomination_rows import COLUMNS, match_header, read_date, template_header, validate_row

TODAY = date(2026, 11, 25)
GOOD = {"full_name": "Nguyễn Văn An", "birth_date": "02/03/1985", "gender": "Nam", "national_id": "066085000123",
        "household_key": "H01", "group": "Hộ gia đình"}


def check(**changes):
    return validate_row(7, {**GOOD, **changes}, TODAY)


def test_a_good_row():
    candidate, errors = check()
    assert errors == [] and candidate.full_name == "Nguyễn Văn An" and candidate.group == "household"
    assert candidate.birth_date == date(1985, 3, 2) and candidate.national_id == "066085000123"


@pytest.mark.parametrize(
    ("changes", "column", "code", "message"),
    [
        ({"full_name": "  "}, "Họ và tên", "required", "Thiếu họ và tên"),
        ({"full_name": "Nguyễn Văn 2"}, "Họ và tên", "invalid_name", "chữ số"),
        ({"full_name": "Nguyễn \u202eVăn An"}, "Họ và tên", "invalid_name", "ký tự điều khiển hoặc ký tự ẩn"),
        ({"full_name": "Nguyễn\x00Văn An"}, "Họ và tên", "invalid_name", "ký tự điều khiển hoặc ký tự ẩn"),
        ({"birth_date": ""}, "Ngày sinh", "required", "Thiếu ngày sinh"),
        ({"birth_date": "31/02/1985"}, "Ngày sinh", "invalid_date", "không đọc được"),
        ({"birth_date": "hôm qua"}, "Ngày sinh", "invalid_date", "không đọc được"),
        ({"birth_date": "01/01/2030"}, "Ngày sinh", "future_date", "ở tương lai"),
        ({"gender": "Khác"}, "Giới tính", "invalid_gender", "ghi Nam hoặc Nữ"),
        ({"national_id": "099085000123"}, "Số CCCD", "invalid_cccd", "không phải mã tỉnh"),
        ({"national_id": "06608500012"[:-1]}, "Số CCCD", "invalid_cccd", "đúng 12 chữ số"),
        ({"national_id": "066086000123"}, "Số CCCD", "cccd_mismatch", "năm sinh 1986"),
        ({"national_id": "066185000123"}, "Số CCCD", "cccd_mismatch", "giới tính Nữ"),
        ({"national_id": "", "social_insurance_code": ""}, "Số CCCD", "missing_identifier", "CCCD hoặc Mã số BHXH"),
        ({"social_insurance_code": "12345"}, "Mã số BHXH", "invalid_bhxh", "đúng 10 chữ số"),
        ({"household_key": ""}, "Mã hộ", "required", "Thiếu mã hộ"),
        ({"group": ""}, "Nhóm", "required", "Thiếu nhóm"),
        ({"group": "Hộ khá giả"}, "Nhóm", "unknown_group", "'Hộ khá giả' không có"),
        ({"need_flags": "Khuyết tật; Nghèo khó"}, "Hoàn cảnh", "unknown_flag", "'Nghèo khó' không có"),
        ({"flood_damage": "Mất mái"}, "Mức thiệt hại", "unknown_damage_level", "'Mất mái' không có"),
        ({"current_card_until": "sang năm"}, "Hạn thẻ hiện tại", "invalid_date", "không đọc được"),
    ],
)
def test_bad_rows_say_where_and_why(changes, column, code, message):
    candidate, errors = check(**changes)
    assert candidate is None
    assert [(e.row, e.column, e.code) for e in errors] == [(7, column, code)]
    assert message in errors[0].message


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"national_id": 66085000123.0}, ("066085000123", "cccd_repaired")),  # typed as a number
        ({"national_id": "", "social_insurance_code": 123456789.0}, ("0123456789", "bhxh_repaired")),
    ],
)
def test_lost_leading_zeros_are_repaired_with_a_warning(changes, expected):
    candidate, errors = check(**changes)
    assert errors == []
    assert expected[0] in (candidate.national_id, candidate.social_insurance_code)
    assert [w.code for w in candidate.warnings] == [expected[1]]


@pytest.mark.parametrize(
    ("cell", "value", "year_only"),
    [
        ("02/03/1985", date(1985, 3, 2), False), ("2/3/1985", date(1985, 3, 2), False),
        ("1985-03-02", date(1985, 3, 2), False), (31108.0, date(1985, 3, 2), False),
        (datetime(1985, 3, 2), date(1985, 3, 2), False), (date(1985, 3, 2), date(1985, 3, 2), False),
        ("1945", date(1945, 1, 1), True), (1945.0, date(1945, 1, 1), True),
    ],
)
def test_dates_as_spreadsheets_hold_them(cell, value, year_only):
    assert read_date(cell, TODAY, allow_year=True) == (value, year_only)


def test_year_alone_for_the_elderly_checks_the_cccd_year():
    candidate, errors = check(birth_date="1945", national_id="066045000123")
    assert errors == [] and candidate.birth_year_only
    _, errors = check(birth_date="1946", national_id="066045000123")
    assert errors[0].code == "cccd_mismatch"


@pytest.mark.parametrize(("text", "group"), [("Hộ cận nghèo", "near_poor"), ("CẬN NGHÈO", "near_poor"),
                                              ("hoc sinh", "pupil"), ("Sinh viên", "student"), ("GD", "household"),
                                              ("Hộ nông lâm ngư diêm nghiệp", "farm_household"), ("near_poor", "near_poor")])
def test_group_names_in_vietnamese_or_keys(text, group):
    assert check(group=text)[0].group == group


@pytest.mark.parametrize("shown", ["Nhà bị sập, cuốn trôi", "Hư hỏng nặng", "Hư hỏng một phần", "Mất sinh kế"])
def test_the_damage_names_the_pages_show_are_accepted(shown):
    assert check(flood_damage=shown)[0].flood_damage is not None


def test_names_and_flags_are_normalised():
    candidate, _ = check(full_name="  nguye\u0302\u0303n   VĂN  an ", need_flags="khuyet tat;Dân tộc thiểu số; ",
                         flood_damage="NHÀ BỊ SẬP")
    assert candidate.full_name == "Nguyễn Văn An" and candidate.name_key == "nguyen van an"
    assert candidate.need_flags == ("disability", "ethnic_minority") and candidate.flood_damage == "destroyed"


def test_flags_on_separate_lines_of_one_cell_are_read_apart():
    candidate, errors = check(need_flags="Khuyết tật\nMồ côi\r\n  Bệnh mãn tính")
    assert errors == [] and candidate.need_flags == ("disability", "orphan", "chronic_illness")


def test_header_found_below_title_rows_ignoring_case_accents_and_spacing():
    rows = [["DANH SÁCH ĐỀ CỬ"], [], ["ho va ten", "NGÀY  SINH", "số cccd", "Mã hộ", "nhom"], ["x"]]
    index, mapping = match_header(rows)
    assert index == 2 and mapping == {"full_name": 0, "birth_date": 1, "national_id": 2, "household_key": 3,
                                      "group": 4}
    assert match_header([[template_header(key) for key, _, _ in COLUMNS]])[1]["reason"] == len(COLUMNS) - 1


@pytest.mark.parametrize(("rows", "message"), [
    ([["Họ và tên", "Ngày sinh", "Số CCCD"]], "thiếu cột: Mã hộ, Nhóm"),
    ([["Họ và tên", "Ngày sinh", "Mã hộ", "Nhóm"]], "cột Số CCCD hoặc cột Mã số BHXH"),
    ([["a", "b"], ["c"]], "Không tìm thấy dòng tiêu đề"),
])
def test_bad_headers(rows, message):
    with pytest.raises(InvalidInput, match=message):
        match_header(rows)


CELLS = st.one_of(st.none(), st.text(max_size=30), st.integers(-10**13, 10**13), st.floats(allow_nan=True),
                  st.dates(), st.datetimes(), st.booleans(),
                  st.sampled_from([float("inf"), float("-inf"), float("nan"), 0.0, 1e20, -1.0, "", "  ", "\x00",
                                   "01/01/1900", "29/02/2023", "066085000123", "1945", 66085000123.0]))


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({key: CELLS for key, _, _ in COLUMNS}))
def test_any_cells_give_a_result_and_never_crash(cells):
    candidate, errors = validate_row(3, cells, TODAY)
    assert (candidate is None) == bool(errors)
    assert all(e.row == 3 and e.message for e in errors)
