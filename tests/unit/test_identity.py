"""Identity checks: each rule with the Vietnamese reason it gives."""

import unicodedata
from datetime import date

import pytest

from donation.common.errors import InvalidInput
from donation.common.identity import (
    CCCD_PROVINCES,
    CardCode,
    check_bhxh_code,
    check_cccd,
    check_cmnd,
    check_tax_code,
    has_hidden_characters,
    name_key,
    normalise_name,
    parse_card_code,
    parse_cccd,
    parse_gender,
    vietnamese_name_order,
)


def test_the_63_pre_2025_province_codes():
    assert len(CCCD_PROVINCES) == 63
    assert CCCD_PROVINCES["001"] == "Hà Nội" and CCCD_PROVINCES["096"] == "Cà Mau"


@pytest.mark.parametrize(
    ("number", "birth", "gender", "province", "year"),
    [
        ("001085000123", date(1985, 3, 2), "Nam", "Hà Nội", 1985),
        ("066185000123", date(1985, 3, 2), "Nữ", "Đắk Lắk", 1985),
        ("079205001234", date(2005, 12, 31), "Nam", "Hồ Chí Minh", 2005),
        ("096310004321", date(2010, 1, 1), "nữ", "Cà Mau", 2010),
        ("001 085 000 123", date(1985, 1, 1), "male", "Hà Nội", 1985),
    ],
)
def test_valid_cccd(number, birth, gender, province, year):
    digits = number.replace(" ", "")
    assert check_cccd(number, birth_date=birth, gender=gender) == digits
    info = parse_cccd(number)
    assert (info.province_name, info.birth_year) == (province, year)


@pytest.mark.parametrize(
    ("number", "kwargs", "reason"),
    [
        ("", {}, "Chưa nhập Số CCCD"),
        ("66185000123", {}, "đúng 12 chữ số \\(đang có 11\\)"),
        ("0661850001234", {}, "đúng 12 chữ số \\(đang có 13\\)"),
        ("06618500012A", {}, "ký tự không phải chữ số"),
        ("099185000123", {}, "không phải mã tỉnh nơi đăng ký khai sinh"),
        ("003185000123", {}, "không phải mã tỉnh"),
        ("066185000123", {"birth_date": date(1986, 1, 1)}, "năm sinh 1985 .* năm 1986"),
        ("066385000123", {"birth_date": date(1985, 1, 1)}, "năm sinh 2085"),  # digit 3 means 2000-2099
        ("066085000123", {"gender": "Nữ"}, "giới tính Nam .* ghi Nữ"),
        ("066185000123", {"gender": "Nam"}, "giới tính Nữ .* ghi Nam"),
        ("066185000123", {"gender": "khác"}, "Giới tính 'khác' không hợp lệ"),
    ],
)
def test_invalid_cccd_says_why(number, kwargs, reason):
    with pytest.raises(InvalidInput, match=reason) as error:
        check_cccd(number, **kwargs)
    assert number[:6] not in str(error.value) or len(number) < 6  # the message never repeats the number


@pytest.mark.parametrize(("text", "gender"), [("Nam", "male"), ("NỮ", "female"), ("nu", "female"), (" nam ", "male")])
def test_gender_words(text, gender):
    assert parse_gender(text) == gender


@pytest.mark.parametrize(("number", "ok"), [("123456789", True), ("001085000123", True), ("12345678", False),
                                             ("1234567890", False), ("12345678a", False)])
def test_old_cmnd_is_nine_or_twelve_digits(number, ok):
    if ok:
        assert check_cmnd(number) == number
    else:
        with pytest.raises(InvalidInput, match="CMND cũ có 9 hoặc 12 chữ số"):
            check_cmnd(number)


@pytest.mark.parametrize(("code", "reason"), [("0123456789", None), ("012345678", "đúng 10 chữ số"),
                                              ("01234567890", "đúng 10 chữ số"), ("01234S6789", "không phải chữ số")])
def test_bhxh_code(code, reason):
    if reason is None:
        assert check_bhxh_code(code) == code
    else:
        with pytest.raises(InvalidInput, match=reason):
            check_bhxh_code(code)


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("0123456789", CardCode("0123456789")),
        ("GD4660123456789", CardCode("0123456789", "GD", 4, "66")),
        ("cn 3 79 0123456789", CardCode("0123456789", "CN", 3, "79")),
        ("HS4960123456789", CardCode("0123456789", "HS", 4, "96")),
    ],
)
def test_card_code_parsed(text, card):
    assert parse_card_code(text) == card


@pytest.mark.parametrize(
    ("text", "reason"),
    [("GD466012345678", "có 14 ký tự"), ("GD6660123456789", "sai cấu trúc"), ("G14660123456789", "sai cấu trúc"),
     ("GD0660123456789", "sai cấu trúc"), ("012345678", "đúng 10 chữ số")],
)
def test_card_code_refused(text, reason):
    with pytest.raises(InvalidInput, match=reason):
        parse_card_code(text)


@pytest.mark.parametrize(
    ("text", "normal"),
    [("0101234567", "0101234567"), ("0101234567-001", "0101234567-001"), ("0101234567001", "0101234567-001"),
     (" 0312345678 ", "0312345678")],
)
def test_tax_code_accepted(text, normal):
    assert check_tax_code(text) == normal


@pytest.mark.parametrize("text", ["010123456", "01012345678", "0101234567-01", "0101234567/001", "MST0101234"])
def test_tax_code_refused(text):
    with pytest.raises(InvalidInput, match="Mã số thuế .* không hợp lệ"):
        check_tax_code(text)


@pytest.mark.parametrize(
    ("raw", "normal", "key"),
    [
        ("  nGUYỄN   văn  a ", "Nguyễn Văn A", "nguyen van a"),
        ("TRẦN THỊ ÁNH", "Trần Thị Ánh", "tran thi anh"),
        ("đặng\tthị\u00a0đào", "Đặng Thị Đào", "dang thi dao"),
        ("Nguye\u0302\u0303n Va\u0306n Be\u0301", "Nguyễn Văn Bé", "nguyen van be"),  # decomposed accents
    ],
)
def test_names_normalised_with_an_accent_free_key(raw, normal, key):
    assert normalise_name(raw) == normal
    assert name_key(raw) == key == name_key(normal)


@pytest.mark.parametrize("number", ["079²23456789", "０６６０８５０００１２３", "06608500012٣"])
def test_digits_that_are_not_ascii_are_refused_not_crashed(number):
    with pytest.raises(InvalidInput, match="không phải chữ số"):
        check_cccd(number)


@pytest.mark.parametrize(("first", "second"), [
    ("Nguyễn Văn An", "Trần Thị Bình"),  # given names first: An before Bình whatever the surname
    ("Lê Thị Anh", "Lê Thị Ánh"),  # the same letters: no tone before an acute
    ("Lê Thị Ánh", "Lê Ân"),  # a before â, tones only break ties
    ("Phạm Dũng", "Hoàng Đức"),  # d before đ
    ("Hoàng Đức", "Đặng Văn H"),  # đ before h (plain accent stripping would put Đức after Dũng only by luck)
    ("Vũ Ông", "Vũ Ơn"),  # ô before ơ
    ("Trần Văn Ư", "Trần Văn Vĩnh"),  # ư before v
    ("Nguyễn Văn An", "Nguyễn Văn Anh"),  # a shorter name first
    ("Đỗ An", "Nguyễn An"),  # the same given name: by surname, đ before n
])
def test_printed_lists_sort_the_vietnamese_way(first, second):
    assert vietnamese_name_order(first) < vietnamese_name_order(second)
    assert vietnamese_name_order(unicodedata.normalize("NFD", first)) == vietnamese_name_order(first)


@pytest.mark.parametrize(
    ("name", "hidden"),
    [("Nguyễn Thị Hoa", False), ("Công ty TNHH Ánh Dương & Cộng sự (Hà Nội)", False), ("Ê-đê H'Hen Niê", False),
     ("Hoa\x00", True), ("Hoa\x1b[31m", True), ("Hoa\x7f", True), ("Hoa\x85", True), ("\u202eaoH", True),
     ("Hoa\u2066x\u2069", True), ("Ho\u200ba", True), ("\ufeffHoa", True), ("Hoa\u00adNga", True)],
)
def test_names_with_characters_nobody_sees_are_caught(name, hidden):
    assert has_hidden_characters(name) is hidden
