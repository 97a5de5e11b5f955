"""Small counts on the public page: hidden, and never to be worked out from the published total."""

from hypothesis import given
from hypothesis import strategies as st

from donation.reporting.transparency import HIDDEN, SMALL, suppress


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
