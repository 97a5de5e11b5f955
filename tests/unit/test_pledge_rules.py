"""Pledge codes, the pledge's life, what instalments still owe: plain functions, table and property tests."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donation.common.errors import InvalidInput
from donation.pledges import codes as pledge_codes
from donation.pledges.pledges import instalments_due
from donation.pledges.states import STATUS_NAMES, TRANSITIONS, check_transition, status_for_payment

ALLOWED = {
    ("pledged", "partly_paid"), ("pledged", "paid"), ("pledged", "cancelled"), ("pledged", "expired"),
    ("partly_paid", "paid"), ("partly_paid", "cancelled"),
    ("paid", "allocated"),
    ("allocated", "completed"), ("allocated", "paid"),
    ("expired", "partly_paid"), ("expired", "paid"),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATUS_NAMES, STATUS_NAMES)))
def test_every_transition(current, target):
    if (current, target) in ALLOWED:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidInput, match=f"^Không chuyển được từ «{STATUS_NAMES[current]}» sang "
                                               f"«{STATUS_NAMES[target]}»: "):
            check_transition(current, target)


def test_the_table_in_the_code_is_the_table_here():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(("amount", "paid", "status"), [
    (1000, 0, "pledged"), (1000, 1, "partly_paid"), (1000, 999, "partly_paid"), (1000, 1000, "paid"),
    (1000, 1500, "paid"),
])
def test_status_follows_the_money(amount, paid, status):
    assert status_for_payment(amount, paid) == status


def test_codes_are_letters_and_digits_with_a_check_character():
    codes = {pledge_codes.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 10 and code.isalnum() and code.isupper() and code.startswith("BH")
        assert pledge_codes.is_valid(code) and pledge_codes.is_valid(code.lower())
        assert not set(code[2:]) & set("01ILO")


def test_the_check_character_catches_one_wrong_character_and_a_swap():
    code = "BHK7M2P9Q" + pledge_codes.check_character("K7M2P9Q")
    for position in range(2, 10):
        for char in pledge_codes.ALPHABET:
            if char != code[position]:
                assert not pledge_codes.is_valid(code[:position] + char + code[position + 1:])
    for position in range(2, 9):
        if code[position] != code[position + 1]:
            swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
            assert not pledge_codes.is_valid(swapped)


@pytest.mark.parametrize("template", [
    "{code}", "{lower}", "CT DEN:0123 {code} ung ho lu lut", "MBVCB.123.{lower}.UNG HO", "nop tien {code}-dot 2",
])
def test_codes_are_found_in_bank_descriptions(template):
    code = pledge_codes.new_code()
    assert pledge_codes.find_codes(template.format(code=code, lower=code.lower())) == [code]


def test_near_misses_are_not_found():
    code = pledge_codes.new_code()
    assert pledge_codes.find_codes(f"X{code}") == [] and pledge_codes.find_codes(f"{code}9") == []
    assert pledge_codes.find_codes(code[:-1] + ("2" if code[-1] != "2" else "3")) == []


@given(amounts=st.lists(st.integers(1, 10**9), min_size=1, max_size=12), paid=st.integers(0, 2 * 10**10))
def test_instalments_owe_what_is_left_in_order(amounts, paid):
    due = instalments_due(amounts, paid)
    assert sum(due) == max(0, sum(amounts) - paid)
    assert all(0 <= d <= a for d, a in zip(due, amounts, strict=True))
    # earlier instalments are filled first: once one is still owed, every later one is owed in full
    first_owed = next((i for i, d in enumerate(due) if d), len(due))
    assert all(due[i] == amounts[i] for i in range(first_owed + 1, len(due)))


@given(amount=st.integers(1, 10**12), count=st.integers(1, 12))
def test_an_even_plan_adds_up_and_falls_due_a_month_apart(amount, count):
    from datetime import date, timedelta

    from donation.pledges.pledges import even_plan

    plan = even_plan(amount, count, date(2026, 11, 25))
    assert sum(part for part, _ in plan) == amount and len(plan) == count
    assert len({part for part, _ in plan[:-1]}) <= 1 and plan[-1][0] >= plan[0][0]
    assert [due for _, due in plan] == [date(2026, 11, 25) + timedelta(days=30 * n) for n in range(count)]
