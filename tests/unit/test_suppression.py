"""Small counts on the public page: hidden, and never to be worked out from the published total."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donation.reporting.transparency import HIDDEN, SMALL, donor_kinds, suppress


def shown(cells):
    return [c.value for c in cells]


def test_small_counts_are_hidden_and_one_more_so_the_total_does_not_tell_them():
    assert shown(suppress([12, 3, 40])) == [None, None, 40]  # 52 - 40 = 15: 3 and 12 cannot be told apart
    assert [c.why for c in suppress([12, 3, 40])] == [HIDDEN, SMALL, ""]
    assert [c.text for c in suppress([12, 3, 40])] == ["•", "•", "40"]  # which one was small is not told
    assert shown(suppress([2, 2, 9, 30])) == [None, None, None, 30]  # 2 + 2 = 4 < 5: hiding both is not enough
    assert shown(suppress([1, 1, 2, 9, 30])) == [None, None, None, None, 30]
    assert shown(suppress([3, 6, 9, 30])) == [None, None, 9, 30]  # 3 + 6 = 9 hidden
    assert shown(suppress([7, 9])) == [7, 9]
    assert shown(suppress([7, 9], total_hidden=True)) == [None, 9]  # the hidden total must stay hidden
    assert shown(suppress([0, 3])) == [None, None]  # the total, 3, is itself hidden where it is published


@given(st.lists(st.integers(0, 60), max_size=12), st.booleans())
def test_nothing_small_is_shown_and_what_is_hidden_adds_up_to_five_or_more(values, total_hidden):
    cells = suppress(values, total_hidden=total_hidden)
    assert all(c.value is None or c.value >= 5 for c in cells)
    assert all(c.value in (None, v) for c, v in zip(cells, values, strict=True))
    hidden = [v for c, v in zip(cells, values, strict=True) if c.value is None]
    everything = len(hidden) == len(values)
    assert not hidden or sum(hidden) >= 5 or everything  # all hidden: the total is small and hidden itself
    if total_hidden and values and not everything:
        assert sum(hidden) >= 5


BUDGET, ORG, ONE = "budget", "organisation", "individual"  # ONE: an individual


@pytest.mark.parametrize(("donors", "want"), [
    # every donor named: the list below tells the counts, so they are shown however small
    ([(BUDGET, True), (ORG, True), (ORG, True), (ONE, True)], {BUDGET: 1, ORG: 2, ONE: 1}),
    ([], {BUDGET: 0, ORG: 0, ONE: 0}),
    # two unnamed individuals: their count (under 5) is hidden, and so the individuals' count; the others shown
    ([(BUDGET, True), (ORG, True), (ONE, True), (ONE, False), (ONE, False)], {BUDGET: 1, ORG: 1, ONE: None}),
    # six unnamed individuals and one named: shown (7), the unnamed ones' count is not small
    ([(ORG, True)] + [(ONE, False)] * 6 + [(ONE, True)], {BUDGET: 0, ORG: 1, ONE: 7}),
    # unnamed: 6 individuals, 2 organisations; hiding the 2 alone would let the total (8) tell them: both hidden
    ([(ORG, True)] + [(ORG, False)] * 2 + [(ONE, False)] * 6, {BUDGET: 0, ORG: None, ONE: None}),
    # unnamed: 6 and 5 (11 in all): nothing small, both shown
    ([(ORG, False)] * 5 + [(ONE, False)] * 6 + [(BUDGET, True)], {BUDGET: 1, ORG: 5, ONE: 6}),
])
def test_donor_kinds_hide_only_small_counts_of_donors_not_named(donors, want):
    got = donor_kinds(donors)
    assert {k: c.value for k, c in got.items()} == want
    assert all(c.text == "•" for c in got.values() if c.value is None)


@given(st.lists(st.tuples(st.sampled_from([BUDGET, ORG, ONE]), st.booleans()), max_size=30))
def test_no_small_number_of_unnamed_donors_can_be_worked_out(donors):
    got = donor_kinds(donors)
    named = {k: sum(1 for kind, public in donors if kind == k and public) for k in (BUDGET, ORG, ONE)}
    unnamed = {k: sum(1 for kind, public in donors if kind == k and not public) for k in (BUDGET, ORG, ONE)}
    total = sum(unnamed.values())
    for kind, cell in got.items():
        if cell.value is not None:
            assert cell.value == named[kind] + unnamed[kind]
            assert unnamed[kind] == 0 or unnamed[kind] >= 5  # what it tells of the unnamed is never small
    hidden = [unnamed[k] for k, c in got.items() if c.value is None]
    if hidden and total >= 5:  # the published total of unnamed donors less those shown: never small
        assert sum(hidden) >= 5
