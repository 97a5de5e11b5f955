"""Codes one slip away: a transfer message whose pledge code fails its check is offered the valid codes one
substitution or one swap of neighbours away, never a code two slips away, and never 'corrects' a valid code."""

import pytest

from donation.pledges import codes as pledge_codes

BODY = "K7M2P9Q"
CODE = "BH" + BODY + pledge_codes.check_character(BODY)  # a valid code


def substituted(code: str, at: int, char: str) -> str:
    return code[:at] + char + code[at + 1:]


def swapped(code: str, at: int) -> str:
    return code[:at] + code[at + 1] + code[at] + code[at + 2:]


def other(char: str) -> str:
    return next(c for c in pledge_codes.ALPHABET if c != char)


@pytest.mark.parametrize(("typed", "offered", "why"), [
    (substituted(CODE, 2, other(CODE[2])), True, "the first character of the body wrong"),
    (substituted(CODE, 5, other(CODE[5])), True, "a middle character wrong"),
    (substituted(CODE, 9, other(CODE[9])), True, "the check character wrong"),
    (substituted(CODE, 4, "0"), True, "a zero typed for a letter the alphabet leaves out"),
    (substituted(CODE, 1, "N"), True, "the prefix mistyped: BN…"),
    (swapped(CODE, 3), True, "two neighbours of the body swapped"),
    (swapped(CODE, 8), True, "the last body character and the check character swapped"),
    (swapped(CODE, 0), True, "the prefix's letters swapped: HB…"),
    (CODE.lower()[:6] + other(CODE[6]).lower() + CODE.lower()[7:], True, "in lower case, as bank apps send it"),
    (substituted(substituted(CODE, 3, other(CODE[3])), 6, other(CODE[6])), False, "two characters wrong"),
    (swapped(swapped(CODE, 2), 6), False, "two swaps"),
    (substituted(CODE, 4, "0")[:7] + "1" + CODE[8:], False, "two characters outside the alphabet"),
    (CODE, False, "a valid code is taken as typed"),
    (CODE[:-1], False, "a character missing: not a substitution or a swap"),
])
def test_one_slip_away_offers_the_code_meant(typed, offered, why):
    found = pledge_codes.one_slip_away(typed)
    assert (CODE in found) is offered, why
    assert all(pledge_codes.is_valid(code) for code in found)
    assert all(code != typed.upper() for code in found)


def test_every_single_substitution_of_a_code_fails_its_check_and_is_offered_back():
    for at in range(2, len(CODE)):
        for char in pledge_codes.ALPHABET:
            if char != CODE[at]:
                typed = substituted(CODE, at, char)
                assert not pledge_codes.is_valid(typed)
                assert CODE in pledge_codes.one_slip_away(typed)


def test_a_handful_of_candidates_not_thousands():
    # one value per position passes the check: about one candidate per character, for the office to narrow down
    assert 1 <= len(pledge_codes.one_slip_away(substituted(CODE, 5, other(CODE[5])))) <= 2 * len(CODE)


@pytest.mark.parametrize(("text", "expected"), [
    (f"MBVCB.123 ung ho {substituted(CODE, 5, other(CODE[5])).lower()} the bhyt",
     [substituted(CODE, 5, other(CODE[5]))]),
    (f"{CODE} ung ho, nham {substituted(CODE, 5, other(CODE[5]))}", []),  # a valid code: that one is matched
    ("CT DEN:0000020 chuyen tien FT25330123", []),  # words of a code's length that are nowhere near one
    (f"ung ho{substituted(CODE, 5, other(CODE[5]))}", []),  # glued to other letters: not a word of its own
    ("", []),
])
def test_near_misses_finds_the_words_of_a_description_that_look_like_a_code(text, expected):
    misses = pledge_codes.near_misses(text)
    assert [word for word, _ in misses] == expected
    for _, candidates in misses:
        assert CODE in candidates
