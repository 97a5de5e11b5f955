"""Money: integer đồng formatting, parsing and the amount in Vietnamese words."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donation.common.errors import InvalidInput
from donation.common.money import (
    amount_in_words,
    format_number,
    format_percent_bp,
    format_vnd,
    format_vnd_short,
    parse_vnd,
)


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "0 ₫"), (5, "5 ₫"), (1_000, "1.000 ₫"), (1_263_600, "1.263.600 ₫"), (-884_520, "-884.520 ₫"),
     (1_000_000_000, "1.000.000.000 ₫")],
)
def test_format_vnd(amount, text):
    assert format_vnd(amount) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0 ₫"), (5, "5 ₫"), (999, "999 ₫"),  # below a thousand: exact
        (1_000, "1 nghìn ₫"), (1_049, "1 nghìn ₫"), (1_050, "1,1 nghìn ₫"), (1_500, "1,5 nghìn ₫"),
        (999_949, "999,9 nghìn ₫"), (999_950, "1 triệu ₫"),  # rounds up to a thousand nghìn: said in triệu
        (1_000_000, "1 triệu ₫"), (20_000_000, "20 triệu ₫"), (20_040_000, "20 triệu ₫"),
        (20_050_000, "20,1 triệu ₫"), (430_929_000, "430,9 triệu ₫"), (430_950_000, "431 triệu ₫"),
        (999_949_999, "999,9 triệu ₫"), (999_950_000, "1 tỷ ₫"), (1_000_000_000, "1 tỷ ₫"),
        (1_234_567_890, "1,2 tỷ ₫"), (1_250_000_000, "1,3 tỷ ₫"), (1_234_567_890_123, "1.234,6 tỷ ₫"),
        (-884_520, "-884,5 nghìn ₫"), (-1_200_000_000, "-1,2 tỷ ₫"),
    ],
)
def test_format_vnd_short(amount, text):
    assert format_vnd_short(amount) == text


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_the_short_form_is_within_half_a_tenth_of_its_unit(amount):
    text = format_vnd_short(amount)
    number, *unit = text.removesuffix(" ₫").split(" ")
    scale = {"": 1, "nghìn": 10**3, "triệu": 10**6, "tỷ": 10**9}[" ".join(unit)]
    shown = float(number.replace(".", "").replace(",", "."))
    assert abs(shown * scale - amount) <= scale / 20 + 1e-6 * abs(amount)
    assert len(text) <= 16 or "tỷ" in text  # short: at most "999,9 nghìn ₫"-long below a thousand tỷ


@pytest.mark.parametrize(("bp", "text"), [(450, "4,5%"), (7000, "70%"), (10000, "100%"), (1250, "12,5%"),
                                          (5, "0,05%"), (0, "0%")])
def test_format_percent(bp, text):
    assert format_percent_bp(bp) == text


@pytest.mark.parametrize("bad", [1.5, 1263600.0, True, "1263600"])
def test_money_is_never_a_float_or_text(bad):
    with pytest.raises(TypeError):
        format_vnd(bad)
    with pytest.raises(TypeError):
        format_vnd_short(bad)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1.263.600", 1_263_600), ("1263600", 1_263_600), ("1,263,600 đ", 1_263_600), ("1.263.600 VNĐ", 1_263_600),
     ("1.263.600 ₫", 1_263_600), ("1.263.600₫", 1_263_600), ("1 263 600", 1_263_600), ("  500.000 đồng ", 500_000),
     ("1.263.600 vnd", 1_263_600), ("0", 0), ("999", 999), ("-50.000", -50_000)],
)
def test_parse_vnd(typed, amount):
    assert parse_vnd(typed) == amount


@pytest.mark.parametrize("typed", ["", "   ", "đ", "12.5", "1.2345", "1,263.600", "12,50", "abc", "1.263.600,50",
                                   "1..000"])
def test_parse_vnd_refuses_with_a_vietnamese_message(typed):
    with pytest.raises(InvalidInput, match="số tiền|Số tiền"):
        parse_vnd(typed)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (14, "Mười bốn đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi tư đồng"),
        (25, "Hai mươi lăm đồng"),
        (101, "Một trăm linh một đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (115, "Một trăm mười lăm đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (10_000_000, "Mười triệu đồng"),
        (1_263_600, "Một triệu hai trăm sáu mươi ba nghìn sáu trăm đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (2_906_280, "Hai triệu chín trăm linh sáu nghìn hai trăm tám mươi đồng"),
        (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
        (1_200_000_000_000, "Một nghìn hai trăm tỷ đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_then_parse_round_trips(amount):
    assert parse_vnd(format_vnd(amount)) == amount
    assert parse_vnd(format_number(amount)) == amount


@given(st.integers(min_value=1, max_value=10**15))
def test_words_are_well_formed(amount):
    words = amount_in_words(amount)
    assert words[0].isupper() and words.endswith(" đồng")
    assert "  " not in words and "mươi một" not in words and "mươi năm" not in words
    assert not words.startswith("Không")


@pytest.mark.parametrize("typed", ["9" * 5000, "１２３", "12²"])
def test_odd_amounts_get_a_message_not_a_crash(typed):
    with pytest.raises(InvalidInput):
        parse_vnd(typed)
