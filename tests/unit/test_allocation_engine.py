"""The allocation engine's rules, one example each, and as properties of random instances (hypothesis)."""

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba.core import event

from donation.allocation.engine import Allocation, Funds, Needs, allocate, ready

PRICE = {3: 200_000, 6: 400_000, 12: 800_000}


def needs(*rows) -> Needs:
    """rows: (id, household, commune, province, group, score, nominated[, price for 12 months])."""
    return Needs(
        ids=[r[0] for r in rows], people=[1000 + r[0] for r in rows], households=[r[1] for r in rows],
        communes=[r[2] for r in rows], provinces=[r[3] for r in rows], groups=[r[4] for r in rows],
        scores=[r[5] for r in rows], nominated=[r[6] for r in rows],
        prices={m: [(r[7] if len(r) > 7 else PRICE[12]) * m // 12 for r in rows] for m in (3, 6, 12)})


def funded(result) -> list[int]:
    return [s.need_id for s in result.sponsorships]


def test_highest_score_first_then_earlier_nomination_then_id():
    result = allocate(needs((1, 1, 10, 1, "household", 20, 5), (2, 2, 10, 1, "household", 30, 9),
                            (3, 3, 10, 1, "household", 20, 4)), [Funds(7, 1_600_000, 1, 12)])
    assert funded(result) == [2, 3] and result.unfunded == [1] and result.remainder == {7: 0}


def test_scope_and_groups_decide_who_a_pledge_may_fund():
    rows = needs((1, 1, 10, 1, "household", 50, 1), (2, 2, 20, 1, "pupil", 40, 1), (3, 3, 30, 2, "pupil", 30, 1))
    assert funded(allocate(rows, [Funds(7, 9_000_000, 1, 12, province_code=1)])) == [1, 2]
    assert funded(allocate(rows, [Funds(7, 9_000_000, 1, 12, commune_code=20, province_code=1)])) == [2]
    assert funded(allocate(rows, [Funds(7, 9_000_000, 1, 12, groups=frozenset({"pupil"}))])) == [2, 3]


def test_a_member_no_pledge_helps_does_not_hold_the_household_back():
    rows = needs((1, 5, 10, 1, "pupil", 30, 1), (2, 5, 10, 1, "household", 30, 1))
    result = allocate(rows, [Funds(7, 9_000_000, 1, 12, groups=frozenset({"pupil"}))])
    assert funded(result) == [1] and result.unfunded == []  # the parent waits for a pledge that helps households


def test_a_household_is_funded_whole_at_its_highest_score_or_skipped():
    rows = needs((1, 5, 10, 1, "household", 10, 1), (2, 5, 10, 1, "household", 60, 1),
                 (3, 6, 10, 1, "household", 50, 1))
    assert funded(allocate(rows, [Funds(7, 1_600_000, 1, 12)])) == [1, 2]  # the household at 60 first
    short = allocate(rows, [Funds(7, 1_200_000, 1, 12)])
    assert funded(short) == [3] and sorted(short.unfunded) == [1, 2]  # never split; the next unit that fits


def test_every_communes_first_need_before_any_communes_second():
    # commune 10 nominated all three first; with money for two, commune 20 is not left out for that reason
    rows = needs((1, 1, 10, 1, "household", 40, 1), (2, 2, 10, 1, "household", 40, 2),
                 (3, 3, 10, 1, "household", 40, 3), (4, 4, 20, 1, "household", 40, 4))
    assert funded(allocate(rows, [Funds(7, 1_600_000, 1, 12)])) == [1, 4]
    assert funded(allocate(rows, [Funds(7, 1_600_000, 1, 12)], fair=False)) == [1, 2]
    # but never above a higher score
    rows = needs((1, 1, 10, 1, "household", 50, 1), (2, 2, 10, 1, "household", 45, 2),
                 (4, 4, 20, 1, "household", 40, 4))
    assert funded(allocate(rows, [Funds(7, 1_600_000, 1, 12)])) == [1, 2]


def test_money_paid_first_is_spent_first_and_lines_add_up_to_the_price():
    result = allocate(needs((1, 1, 10, 1, "household", 40, 1)),
                      [Funds(8, 500_000, 2, 12), Funds(7, 500_000, 1, 12), Funds(9, 500_000, 3, 12)])
    (only,) = result.sponsorships
    assert [(line.pledge_id, line.amount) for line in only.lines] == [(7, 500_000), (8, 300_000)]
    assert result.remainder == {8: 200_000, 7: 0, 9: 500_000}


def test_one_sponsorship_takes_one_number_of_months_at_its_price():
    result = allocate(needs((1, 1, 10, 1, "household", 40, 1)), [Funds(7, 150_000, 1, 3), Funds(8, 9_000_000, 2, 12)])
    (only,) = result.sponsorships
    assert (only.months, only.price, [line.pledge_id for line in only.lines]) == (12, 800_000, [8])  # 3 did not fit
    assert result.remainder[7] == 150_000


def test_a_held_need_is_funded_from_its_pledge_first_whatever_its_score():
    rows = needs((1, 1, 10, 1, "household", 90, 1), (2, 2, 10, 1, "household", 10, 2))
    result = allocate(rows, [Funds(7, 800_000, 1, 12), Funds(8, 800_000, 2, 12, holds=(2,))])
    assert {s.need_id: ([line.pledge_id for line in s.lines], s.held) for s in result.sponsorships} == {
        2: ([8], True), 1: ([7], False)}


def test_a_held_need_waits_for_its_pledge_money_and_other_money_passes_it_by():
    rows = needs((1, 1, 10, 1, "household", 90, 1), (2, 2, 10, 1, "household", 10, 2))
    result = allocate(rows, [Funds(7, 9_000_000, 1, 12), Funds(8, 500_000, 2, 12, holds=(1,))])
    assert funded(result) == [2] and result.remainder == {7: 8_200_000, 8: 500_000}


def test_a_pledge_keeps_what_is_left_for_its_held_members_still_waiting():
    rows = needs((1, 1, 10, 1, "household", 30, 1, 600_000), (2, 2, 10, 1, "household", 30, 2, 600_000),
                 (3, 3, 10, 1, "household", 90, 3, 300_000))
    result = allocate(rows, [Funds(8, 1_000_000, 1, 12, holds=(1, 2))])
    assert funded(result) == [1] and result.remainder == {8: 400_000}  # not spent on household 3


def test_a_need_two_pledges_hold_keeps_no_money_back_once_one_of_them_bought_it():
    # found by hypothesis: the first holder could not pay, the second did; the first's 1.864 ₫ stayed kept for a
    # need already funded, so need 2 (800.000 ₫ = 1.864 + 798.136) waited and a second run funded it
    rows = needs((1, 1, 10, 1, "household", 0, 0, 600_000), (2, 2, 10, 1, "household", 0, 0, 800_000))
    funds = [Funds(100, 1_398_136, 1, 12, holds=(1,)), Funds(101, 1_864, 0, 12, holds=(1,))]
    result = allocate(rows, funds)
    assert funded(result) == [1, 2] and result.remainder == {100: 0, 101: 0}
    assert [s.held for s in result.sponsorships] == [True, False]


def test_a_household_member_outside_the_holding_pledge_groups_is_not_held():
    rows = needs((1, 5, 10, 1, "pupil", 30, 1), (2, 5, 10, 1, "household", 30, 1))
    result = allocate(rows, [Funds(7, 9_000_000, 1, 12, groups=frozenset({"household"})),
                             Funds(8, 9_000_000, 2, 12, groups=frozenset({"pupil"}), holds=(1, 2))])
    assert {s.need_id: ([line.pledge_id for line in s.lines], s.held) for s in result.sponsorships} == {
        1: ([8], True), 2: ([7], False)}


def test_nobody_is_funded_twice():
    rows = needs((1, 1, 10, 1, "household", 40, 1), (2, 2, 10, 1, "household", 30, 2))
    rows = Needs(**{**rows.__dict__, "people": [55, 55]})  # the same person under two nominations
    assert funded(allocate(rows, [Funds(7, 9_000_000, 1, 12)])) == [1]


@st.composite
def instances(draw):
    communes = draw(st.integers(1, 5))
    count = draw(st.integers(0, 40))
    rows = []
    for index in range(count):
        household = draw(st.integers(0, max(0, count // 2)))
        commune = 10 + household % communes  # members of one household share its commune
        rows.append((index + 1, household, commune, 1 + commune % 2, draw(st.sampled_from(["household", "pupil"])),
                     draw(st.integers(0, 5)) * 10, draw(st.integers(0, 50)), draw(st.sampled_from([600_000, 800_000]))))
    pledge_count = draw(st.integers(0, 6))
    funds = []
    for pledge in range(pledge_count):
        scope = draw(st.sampled_from(["anywhere", "province", "commune"]))
        funds.append(Funds(
            id=100 + pledge, available=draw(st.integers(0, 4_000_000)), paid_at=draw(st.integers(0, 9)),
            months=draw(st.sampled_from([6, 12])), province_code=None if scope == "anywhere" else 1 + pledge % 2,
            commune_code=10 + pledge % communes if scope == "commune" else None,
            groups=draw(st.sampled_from([frozenset(), frozenset({"pupil"}), frozenset({"household", "pupil"})])),
            holds=tuple(draw(st.lists(st.integers(1, max(1, count)), max_size=3)))))
    held: set[int] = set()
    for index, f in enumerate(funds):  # a commune pledge's province is the commune's
        if f.commune_code is not None:
            funds[index] = f = Funds(**{**f.__dict__, "province_code": 1 + f.commune_code % 2})
        # one active hold per household in the database (a unique index): no need is held by two pledges
        funds[index] = Funds(**{**f.__dict__, "holds": tuple(n for n in dict.fromkeys(f.holds) if n not in held)})
        held |= set(f.holds)
    return needs(*rows), funds


@settings(max_examples=400, deadline=None)
@given(instances())
def test_the_invariants_hold_on_any_instance(instance):
    rows, funds = instance
    result = allocate(rows, funds)
    by_id = {f.id: f for f in funds}
    row_of = {need_id: index for index, need_id in enumerate(rows.ids)}
    spent: dict[int, int] = {}
    for s in result.sponsorships:
        assert sum(line.amount for line in s.lines) == s.price == rows.prices[s.months][row_of[s.need_id]]
        for line in s.lines:
            f = by_id[line.pledge_id]
            assert line.amount > 0 and f.months == s.months
            row = row_of[s.need_id]
            assert not f.groups or rows.groups[row] in f.groups
            assert f.province_code in (None, rows.provinces[row]) and f.commune_code in (None, rows.communes[row])
            spent[f.id] = spent.get(f.id, 0) + line.amount
    for f in funds:  # never over-spent, and what is left is what was not spent
        assert spent.get(f.id, 0) <= f.available
        assert result.remainder[f.id] == f.available - spent.get(f.id, 0)
    people = [s.person_id for s in result.sponsorships]
    assert len(people) == len(set(people))  # nobody funded twice
    funded_rows = {row_of[s.need_id] for s in result.sponsorships}

    def holds_it(f: Funds, row: int) -> bool:  # a pledge holds only what it may pay for: its groups, its area
        return (rows.ids[row] in f.holds and (not f.groups or rows.groups[row] in f.groups)
                and f.province_code in (None, rows.provinces[row]) and f.commune_code in (None, rows.communes[row]))

    held_by = {need: [f for f in funds if holds_it(f, row_of[need])] for need in rows.ids}
    funded_needs = {s.need_id for s in result.sponsorships}
    # a pledge some of whose held members still wait keeps its money for them
    keeping = {f.id for need, holders in held_by.items() if need not in funded_needs for f in holders}

    def money_left_for(row: int, months: int) -> int:  # what the pledges that may help this member have left
        return sum(result.remainder[f.id] for f in funds if f.months == months and f.id not in keeping
                   and f.province_code in (None, rows.provinces[row]) and f.commune_code in (None, rows.communes[row])
                   and (not f.groups or rows.groups[row] in f.groups))

    for s in result.sponsorships:  # a held member is bought from a pledge that holds it, alone; nobody else is
        holders = {f.id for f in held_by[s.need_id]}
        assert s.held == bool(holders) and (not s.held or {line.pledge_id for line in s.lines} <= holders)
        assert not s.held or len({line.pledge_id for line in s.lines}) == 1
    in_order = {s.household_id for s in result.sponsorships if not s.held}  # held members go on their own
    for row, household in enumerate(rows.households):  # households whole, but for members nobody could pay for
        if household in in_order and row not in funded_rows and not held_by[rows.ids[row]]:
            assert all(money_left_for(row, m) < rows.prices[m][row] for m in (6, 12))
    # running again on what is left (the people not funded, the money not spent) funds nobody
    left_rows = [row for row in range(len(rows)) if row not in funded_rows]
    rest = Needs(**{name: [getattr(rows, name)[i] for i in left_rows] for name in
                    ("ids", "people", "households", "communes", "provinces", "groups", "scores", "nominated")},
                 prices={m: [rows.prices[m][i] for i in left_rows] for m in rows.prices})
    rerun = allocate(rest, [Funds(**{**f.__dict__, "available": result.remainder[f.id]}) for f in funds])
    assert rerun.sponsorships == []
    # the same input in any row order gives the same result
    shuffled = list(range(len(rows)))
    random.Random(len(rows)).shuffle(shuffled)
    again = Needs(**{name: [getattr(rows, name)[i] for i in shuffled] for name in
                     ("ids", "people", "households", "communes", "provinces", "groups", "scores", "nominated")},
                  prices={m: [rows.prices[m][i] for i in shuffled] for m in rows.prices})
    assert allocate(again, list(reversed(funds))).digest() == result.digest()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([400_000, 800_000, 1_600_000]), st.integers(1, 3)),
                max_size=30), st.lists(st.integers(1, 3_000_000), min_size=1, max_size=4))
def test_no_unit_is_skipped_while_its_price_fitted_the_money_left(rows, amounts):
    """One scope, one number of months, no group limits: a unit is left unfunded only if, when its turn came, its
    price was more than all the money then left (the money left at the end plus what later units took)."""
    instance = needs(*[(i + 1, i + 1, 10 * commune, 1, "household", score * 10, i, price)
                       for i, (score, price, commune) in enumerate(rows)])
    result = allocate(instance, [Funds(100 + i, amount, i, 12) for i, amount in enumerate(amounts)])
    sequence = [(instance.ids.index(need), funded) for need, funded in result.considered]
    first_pass = sequence[:len({row for row, _ in sequence})]
    assert [instance.scores[row] for row, _ in first_pass] == sorted(
        (instance.scores[row] for row, _ in first_pass), reverse=True)  # tried by score
    left_at_end = sum(result.remainder.values())
    for position, (row, funded) in enumerate(sequence):
        if not funded:  # when its turn came, its price was more than all the money left then
            later = sum(instance.prices[12][r] for r, f in sequence[position + 1:] if f)
            assert instance.prices[12][row] > left_at_end + later


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 4)), min_size=1, max_size=30), st.integers(0, 12))
def test_the_worst_served_commune_does_no_worse_than_in_plain_order(rows, cards):
    """Equal prices, one province-wide pledge: the commune that gets fewest cards gets at least as many as it would
    in plain order (score, nomination time, id)."""
    instance = needs(*[(i + 1, i + 1, 10 * commune, 1, "household", score * 10, i)
                       for i, (score, commune) in enumerate(rows)])
    pledge = [Funds(7, cards * PRICE[12], 1, 12, province_code=1)]

    def worst(result) -> int:
        counts = {commune: 0 for commune in instance.communes}
        for s in result.sponsorships:
            counts[instance.communes[instance.ids.index(s.need_id)]] += 1
        return min(counts.values())

    assert worst(allocate(instance, pledge)) >= worst(allocate(instance, pledge, fair=False))


def _decided(lines: list[tuple[int, int, int, int]]) -> Allocation:
    """An allocation of one line per person: (person, pledge, amount, months), in the order given."""
    people, pledges, amounts, months = (np.array(column, dtype=np.int64) for column in zip(*lines, strict=True))
    return Allocation(rows=np.arange(len(lines)), need_ids=people, people=people, households=people, months=months,
                      prices=amounts, held=np.zeros(len(lines), dtype=bool),
                      line_ends=np.arange(1, len(lines) + 1), line_pledges=pledges, line_amounts=amounts)


BASE = [(1, 10, 379_080, 12), (2, 11, 884_520, 12), (3, 10, 189_540, 6)]


@pytest.mark.parametrize(("lines", "same"), [
    (list(reversed(BASE)), True),  # the order funded does not count
    ([(1, 10, 379_080, 12), (3, 10, 189_540, 6), (2, 11, 884_520, 12)], True),
    ([(1, 10, 379_080, 12), (2, 11, 884_521, 12), (3, 10, 189_540, 6)], False),  # an amount
    ([(1, 11, 379_080, 12), (2, 11, 884_520, 12), (3, 10, 189_540, 6)], False),  # a pledge
    ([(1, 10, 379_080, 12), (2, 11, 884_520, 6), (3, 10, 189_540, 6)], False),  # a length
    ([(1, 10, 379_080, 12), (4, 11, 884_520, 12), (3, 10, 189_540, 6)], False),  # a person
    (BASE[:2], False),  # a line fewer
])
def test_the_digest_tells_results_apart_by_their_lines_and_not_by_their_order(lines, same):
    assert (_decided(lines).digest() == _decided(BASE).digest()) is same


def test_once_ready_the_engine_compiles_nothing_more_whatever_it_is_given():
    """`ready()` runs before an allocation takes its locks: nothing may be left to compile while they are held."""
    ready()
    rng = random.Random(7)
    with event.install_recorder("numba:compile") as compiled:
        for _ in range(150):
            n = rng.randint(0, 12)
            needs = Needs(ids=list(range(1, n + 1)), people=[rng.randint(1, n + 1) for _ in range(n)],
                          households=[rng.randint(1, 5) for _ in range(n)],
                          communes=[rng.randint(1, 3) for _ in range(n)], provinces=[1] * n,
                          groups=[rng.choice(["household", "pupil", "near_poor"]) for _ in range(n)],
                          scores=[rng.randint(0, 3) * 5 for _ in range(n)],
                          nominated=[rng.randint(0, 9) for _ in range(n)],
                          prices={m: [rng.choice([0, 100_000, 300_000]) * m // 12 for _ in range(n)]
                                  for m in rng.sample([3, 6, 12], rng.randint(1, 3))})
            funds = [Funds(id=i + 1, available=rng.randint(0, 900_000), paid_at=rng.randint(0, 5),
                           months=rng.choice([3, 6, 12]), province_code=rng.choice([None, 1]),
                           commune_code=rng.choice([None, None, 1, 2]),
                           groups=rng.choice([frozenset(), frozenset({"pupil"})]),
                           holds=tuple(rng.sample(range(1, n + 1), min(n, rng.randint(0, 3)))))
                     for i in range(rng.randint(0, 4))]
            allocate(needs, funds)
            allocate(needs, funds, fair=False)
    assert compiled.buffer == []
