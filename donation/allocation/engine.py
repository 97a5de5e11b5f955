"""The allocation engine: paid money meets approved needs by the published rules (DESIGN.md §6). A plain function
over plain columns; no database, no clock.

The rules, each checked by a test:
1. Eligibility. A need may be funded by a pledge whose scope holds it (anywhere, its province, or its commune) and
   whose groups include its group (a pledge naming no group helps every group). The caller passes only needs that are
   approved, not covered for the period, and not paid in full by the state or the province.
2. Units. People nominated together (one household) are funded together or not at all, at their highest member's
   score; each member from pledges that help that member's group. A member for whose group no pledge of the place has
   money left when the household's turn comes (a parent, when only a pupils' pledge has money) waits for one that
   does, and does not hold the others back; so running again funds nobody the first run could have funded.
3. Order. Units are taken by score, highest first. Among units of one score, the commune with the fewest units funded
   so far in this run goes next (a commune that nominated earlier or more does not go first for that reason), then
   the earlier nomination, then the lower id. `Allocation.considered` lists the units in the order they were tried.
   Units left are tried again, in the same order, until a pass funds nobody: so a second run funds nobody either.
4. Money. The members of a unit that a pledge holds (those of its groups) are funded together from that pledge
   alone, before the global order, pledges in spending order; a held member waits for that pledge's money and is not
   taken in the global order, and while some of its held members wait, what the pledge has left is kept for them. Otherwise money paid first is spent first (the time its money came, then the pledge's
   id). A unit's cards are all of one length, bought from pledges of that length (the holding pledge's; otherwise 12
   months if the money allows, then 6, then 3) at
   the price for that many months; each card's lines add up to its price exactly. A unit whose price does not fit
   the money its pledges have left is skipped, and the next one is tried.
5. Never over-spent: a pledge gives at most what it has. Nobody is funded twice. The same input gives the same output.
"""

from __future__ import annotations

import hashlib
import heapq
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import chain
from typing import NamedTuple

import numpy as np
from numba import njit

MONTHS = (3, 6, 12)


@dataclass(frozen=True)
class Needs:
    """Approved needs as columns of equal length (one row per person nominated): lists or numpy arrays."""

    ids: Sequence[int]  # nomination ids
    people: Sequence[int]
    households: Sequence[int]
    communes: Sequence[int]
    provinces: Sequence[int]
    groups: Sequence[str]
    scores: Sequence[int]
    nominated: Sequence[int]  # when nominated: any number that grows with time
    prices: dict[int, Sequence[int]]  # months -> what a donor pays for each person's card for that many months

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Funds:
    """A pledge's money still to allocate, and what it may fund."""

    id: int
    available: int
    paid_at: int  # when its money came: any number that grows with time
    months: int
    province_code: int | None = None  # None: anywhere
    commune_code: int | None = None
    groups: frozenset[str] = frozenset()  # empty: any group
    holds: tuple[int, ...] = ()  # need ids this pledge holds: funded from it first


@dataclass(frozen=True)
class Line:
    pledge_id: int
    amount: int


@dataclass(frozen=True)
class Sponsorship:
    need_id: int
    person_id: int
    household_id: int
    months: int
    price: int
    lines: tuple[Line, ...]
    held: bool  # funded first because its pledge held it


def _no_rows() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass(eq=False)
class Allocation:
    """The decision. Funded needs are kept as columns, one entry per sponsorship in the order funded (a million
    objects would cost more than the decision itself); `sponsorships` builds the objects when first read."""

    rows: np.ndarray = field(default_factory=_no_rows)  # each sponsorship's row in `Needs`
    need_ids: np.ndarray = field(default_factory=_no_rows)
    people: np.ndarray = field(default_factory=_no_rows)
    households: np.ndarray = field(default_factory=_no_rows)
    months: np.ndarray = field(default_factory=_no_rows)
    prices: np.ndarray = field(default_factory=_no_rows)
    held: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    line_ends: np.ndarray = field(default_factory=_no_rows)  # sponsorship k's lines end at line_ends[k]
    line_pledges: np.ndarray = field(default_factory=_no_rows)
    line_amounts: np.ndarray = field(default_factory=_no_rows)
    remainder: dict[int, int] = field(default_factory=dict)  # pledge id -> money left on it
    unfunded: list[int] = field(default_factory=list)  # need ids some pledge may help, left for lack of money
    # (a unit's first need id, whether it was funded), in the order units were tried, over all passes
    considered: list[tuple[int, bool]] = field(default_factory=list)

    @cached_property
    def sponsorships(self) -> list[Sponsorship]:
        lines = [Line(p, a) for p, a in zip(self.line_pledges.tolist(), self.line_amounts.tolist(), strict=True)]
        ends = self.line_ends.tolist()
        return [Sponsorship(need, person, household, months, price, tuple(lines[start:end]), held)
                for need, person, household, months, price, held, start, end in zip(
                    self.need_ids.tolist(), self.people.tolist(), self.households.tolist(), self.months.tolist(),
                    self.prices.tolist(), self.held.tolist(), [0, *ends][:-1], ends, strict=True)]

    def digest(self) -> str:
        """A hash of the sorted (person, pledge, amount, months) lines: equal for equal results. Each line is hashed
        as four little-endian 64-bit integers (the text of a million lines took 0.6 s to build; these bytes, 0.05 s)."""
        counts = np.diff(self.line_ends, prepend=0)
        people, months = np.repeat(self.people, counts), np.repeat(self.months, counts)
        order = _line_order(people, self.line_pledges, self.line_amounts, months)
        lines = np.stack([column[order] for column in (people, self.line_pledges, self.line_amounts, months)], axis=1)
        return hashlib.sha256(lines.astype("<i8").tobytes()).hexdigest()


def _line_order(people: np.ndarray, pledges: np.ndarray, amounts: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The lines sorted by (person, pledge, amount, months). A person's lines have distinct pledges, so sorting by
    (person, pledge) as one number decides it, several times faster than a sort by four keys; when that number
    could overflow, or two lines share it, the four keys decide."""
    if len(people) and people.min() >= 0 and pledges.min() >= 0:
        radix = int(pledges.max()) + 1
        if (int(people.max()) + 1) * radix < 2 ** 62:
            key = people * radix + pledges
            order = np.argsort(key, kind="stable")
            ordered = key[order]
            if not (ordered[1:] == ordered[:-1]).any():
                return order
    return np.lexsort((months, amounts, pledges, people))


def scope_of(f: Funds) -> tuple:
    if f.commune_code is not None:
        return ("commune", f.commune_code)
    if f.province_code is not None:
        return ("province", f.province_code)
    return ("country",)


def helps(f: Funds, group: str) -> bool:
    """Rule 1 once the pledge's scope holds the place: the group is one it helps (a pledge naming none helps all)."""
    return not f.groups or group in f.groups


# The greedy loop runs compiled (numba): its state is flat int64 arrays in named tuples, built here in Python with
# numpy, and the compiled functions below take and change them. `cache=True` keeps the machine code next to this file
# (`__pycache__`, or numba's user-wide cache when that is read-only), so only the first run after a change of this
# file pays for compiling (about 11 s); a new process loads it in about 0.3 s.
# The functions called for every member read the arrays they need from the tuples in their first lines and use only
# those after: numba counts references to every array of a tuple still in use, at each call and return (about 50 ns
# for a tuple of ten arrays), which cost more than the work of a unit.


class _Lanes(NamedTuple):
    """The money, by pledge rank in spending order (the time its money came, then its id), and a lane for every
    scope (a commune, a province, the whole country), number of months and group: the ranks of the pledges that may
    pay, in spending order, with the money left on the lane, so that a unit the money cannot cover is refused without
    scanning. A member's lanes (at most three) are merged on the fly by rank. Between units every lane's head is its
    first pledge with money left (`top`; `len(left)`, a rank after every pledge's, when none has)."""

    left: np.ndarray  # rank -> money left
    ranks: np.ndarray  # lane after lane, the ranks of its pledges
    starts: np.ndarray  # lane -> where its ranks start in `ranks` (one more entry: the end)
    head: np.ndarray  # lane -> where in `ranks` its first pledge with money left is
    top: np.ndarray  # lane -> that pledge's rank
    total: np.ndarray  # lane -> money left on it
    pledge_lanes: np.ndarray  # pledge after pledge, the lanes it is on
    pledge_starts: np.ndarray  # rank -> where its lanes start in `pledge_lanes` (one more entry: the end)


class _Problem(NamedTuple):
    """What the run decides over, fixed while it runs: rows are rows of `Needs`, months indexes of `months`."""

    lanes: np.ndarray  # (row, months, 3): the lanes that may pay for the row's group at its unit's place, -1 after
    prices: np.ndarray  # (months, row): the price of the row's card
    priced: np.ndarray  # months -> whether the needs have prices for that many months
    months: np.ndarray  # the pledges' numbers of months, most first
    groups: np.ndarray  # row -> group code
    people: np.ndarray  # row -> person code (only when `shared`)
    shared: bool  # whether a person has several rows: then a person may come up twice
    members: np.ndarray  # unit after unit, its rows in id order
    unit_starts: np.ndarray  # unit -> where its rows start in `members` (one more entry: the end)
    communes: np.ndarray  # unit -> its commune as a small number


class _Book(NamedTuple):
    """The decision as it grows: funded rows and their lines in the order funded, and what that changes."""

    rows: np.ndarray
    months: np.ndarray  # months index of each funded row
    held: np.ndarray
    line_ends: np.ndarray  # funded row k's lines end at line_ends[k]
    line_ranks: np.ndarray
    line_amounts: np.ndarray
    counts: np.ndarray  # [rows funded, lines]
    waits: np.ndarray  # row -> still waiting in its unit (neither funded nor held)
    funded_in: np.ndarray  # commune -> units funded in this run
    funded_people: np.ndarray  # person code -> funded (only when `shared`)


class _Holder(NamedTuple):
    """The pledge holding the members being funded (rule 4); rank -1 for none."""

    rank: int
    months: int
    helps: np.ndarray  # group code -> whether the pledge helps it


_ROWS, _LINES = 0, 1  # `_Book.counts`
_NOBODY = _Holder(-1, 0, np.zeros(0, dtype=np.bool_))
# What trying a unit came to (`_try_unit`)
_DROPPED, _UNTRIED, _REFUSED, _FUNDED, _PART_FUNDED = range(5)


@njit(cache=True)
def _covers(money: _Lanes, lanes: np.ndarray, amount: int) -> bool:
    """Whether the lanes have `amount` left between them (most often their first pledge alone has)."""
    left, top, total = money.left, money.top, money.total
    end = len(left)
    for lane in lanes:
        if lane < 0:
            break
        if top[lane] != end and left[top[lane]] >= amount:
            return True
    between = 0
    for lane in lanes:
        if lane < 0:
            break
        between += total[lane]
    return between >= amount


@njit(cache=True)
def _line(line_ranks: np.ndarray, line_amounts: np.ndarray, counts: np.ndarray, rank: int, amount: int) -> None:
    """Append a line to the book's: `amount` from the pledge of that rank."""
    at = counts[_LINES]
    line_ranks[at] = rank
    line_amounts[at] = amount
    counts[_LINES] = at + 1


@njit(cache=True)
def _take(money: _Lanes, book: _Book, lanes: np.ndarray, needed: int) -> bool:
    """Take `needed` from the lanes merged in spending order, appending the lines; False (with what was taken left in
    place, for the caller to give back) when the lanes run dry. Heads stay where they were: a pledge emptied here is
    passed over until `_spent` makes the taking final."""
    left, top, head, ranks, starts = money.left, money.top, money.head, money.ranks, money.starts
    line_ranks, line_amounts, counts = book.line_ranks, book.line_amounts, book.counts
    end = len(left)
    while True:
        best = end
        for lane in lanes:
            if lane < 0:
                break
            rank = top[lane]
            if rank < best:
                if left[rank] == 0:  # emptied by an earlier member of this unit
                    index, stop = head[lane] + 1, starts[lane + 1]
                    while index < stop and left[ranks[index]] == 0:
                        index += 1
                    rank = ranks[index] if index < stop else end
                if rank < best:
                    best = rank
        if best == end:
            return False
        have = left[best]
        if have >= needed:
            left[best] = have - needed
            _line(line_ranks, line_amounts, counts, best, needed)
            return True
        left[best] = 0
        _line(line_ranks, line_amounts, counts, best, have)
        needed -= have


@njit(cache=True)
def _spent(money: _Lanes, book: _Book, since: int) -> None:
    """Lines from `since` on are final: their lanes' money goes down, and lanes move past the pledges emptied."""
    left, top, head, ranks, starts, total = money.left, money.top, money.head, money.ranks, money.starts, money.total
    pledge_lanes, pledge_starts = money.pledge_lanes, money.pledge_starts
    line_ranks, line_amounts, lines = book.line_ranks, book.line_amounts, book.counts[_LINES]
    end = len(left)
    for index in range(since, lines):
        rank, amount = line_ranks[index], line_amounts[index]
        for lane in pledge_lanes[pledge_starts[rank]:pledge_starts[rank + 1]]:
            total[lane] -= amount
            if left[rank] == 0 and top[lane] == rank:
                at, stop = head[lane], starts[lane + 1]
                while at < stop and left[ranks[at]] == 0:
                    at += 1
                head[lane] = at
                top[lane] = ranks[at] if at < stop else end


@njit(cache=True)
def _give_back(money: _Lanes, book: _Book, since: int) -> None:
    """Undo the lines from `since` on: their money goes back to their pledges."""
    left, line_ranks, line_amounts, counts = money.left, book.line_ranks, book.line_amounts, book.counts
    for index in range(since, counts[_LINES]):
        left[line_ranks[index]] += line_amounts[index]
    counts[_LINES] = since


@njit(cache=True)
def _fund_one(money: _Lanes, book: _Book, problem: _Problem, row: int) -> int:
    """`_fund` for a unit of one member and no holder."""
    for index in range(len(problem.months)):
        price, lanes = problem.prices[index, row], problem.lanes[row, index]
        if not problem.priced[index] or price <= 0 or not _covers(money, lanes, price):
            continue
        since = book.counts[_LINES]
        _take(money, book, lanes, price)  # cannot fail: the lanes' money covers it
        _spent(money, book, since)
        book.line_ends[book.counts[_ROWS]] = book.counts[_LINES]
        return index
    return -1


@njit(cache=True)
def _choice(step: int, first: int) -> int:
    """The months index tried at `step`: the holder's (`first`, -1 for none) first, then the others, most first."""
    if first < 0:
        return step
    if step == 0:
        return first
    return step - 1 if step - 1 < first else step


@njit(cache=True)
def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two members' lanes are the same (members of one group in one unit share them)."""
    return a[0] == b[0] and a[1] == b[1] and a[2] == b[2]


@njit(cache=True)
def _may_cover(money: _Lanes, problem: _Problem, rows: np.ndarray, index: int) -> bool:
    """Whether every member has a price at that many months and each group's lanes have what its members' prices
    add up to: unless some group's money falls short, whatever the order, taking is tried."""
    lanes, prices = problem.lanes, problem.prices
    for row in rows:
        if prices[index, row] <= 0:
            return False
    for at, row in enumerate(rows):
        mine = lanes[row, index]
        first = True  # each group's lanes checked once, at its first member, for all of them
        for before in rows[:at]:
            if _same(lanes[before, index], mine):
                first = False
                break
        if first:
            wanted = 0
            for other in rows[at:]:
                if _same(lanes[other, index], mine):
                    wanted += prices[index, other]
            if not _covers(money, mine, wanted):
                return False
    return True


@njit(cache=True)
def _fund(money: _Lanes, book: _Book, problem: _Problem, rows: np.ndarray, holder: _Holder) -> int:
    """Take each member's price from the lanes for that member's group, in spending order (the holder's pledge
    before the rest), all of one number of months: the holder's, else 12, then 6, then 3. Returns the months index
    (each member's line ends written where `_record` keeps them); -1 when no number of months covers them all
    (nothing is taken)."""
    if holder.rank < 0 and len(rows) == 1:  # most units: one member, nothing held
        return _fund_one(money, book, problem, rows[0])
    first = -1
    for index in range(len(problem.months)):
        if holder.rank >= 0 and problem.months[index] == holder.months:
            first = index
    for step in range(len(problem.months)):
        index = _choice(step, first)
        if (problem.priced[index] and _may_cover(money, problem, rows, index)
                and _take_all(money, book, problem, rows, index, holder)):
            return index
    return -1


@njit(cache=True)
def _take_all(money: _Lanes, book: _Book, problem: _Problem, rows: np.ndarray, index: int, holder: _Holder
              ) -> bool:
    """`_fund` at one number of months (`index`): every member's lines, or False with nothing taken."""
    since, funded = book.counts[_LINES], book.counts[_ROWS]
    for at, row in enumerate(rows):
        price = problem.prices[index, row]
        if holder.rank >= 0 and holder.months == problem.months[index] and holder.helps[problem.groups[row]]:
            have = money.left[holder.rank]
            if have > 0:
                take = min(have, price)
                money.left[holder.rank] = have - take
                _line(book.line_ranks, book.line_amounts, book.counts, holder.rank, take)
                price -= take
        # a held member is bought from the holding pledge alone (rule 4)
        if price and (holder.rank >= 0 or not _take(money, book, problem.lanes[row, index], price)):
            _give_back(money, book, since)
            return False
        book.line_ends[funded + at] = book.counts[_LINES]
    _spent(money, book, since)
    return True


@njit(cache=True)
def _could_pay(money: _Lanes, problem: _Problem, row: int) -> bool:
    """Whether the member's lanes still have at least the member's own price at some number of months."""
    for index in range(len(problem.months)):
        price, lanes = problem.prices[index, row], problem.lanes[row, index]
        if problem.priced[index] and price > 0 and lanes[0] >= 0 and _covers(money, lanes, price):
            return True
    return False


@njit(cache=True)
def _record(book: _Book, problem: _Problem, unit: int, rows: np.ndarray, index: int, held: bool) -> None:
    """The members are funded at months `index` (their lines and line ends are in already)."""
    funded, months, was_held, waits, counts = book.rows, book.months, book.held, book.waits, book.counts
    funded_people, people, shared = book.funded_people, problem.people, problem.shared
    book.funded_in[problem.communes[unit]] += 1
    at = counts[_ROWS]
    for row in rows:
        funded[at] = row
        months[at] = index
        was_held[at] = held
        waits[row] = False
        if shared:
            funded_people[people[row]] = True
        at += 1
    counts[_ROWS] = at


@njit(cache=True)
def _person_funded(book: _Book, problem: _Problem, rows: np.ndarray) -> bool:
    """Whether someone among the rows is funded already (under another nomination)."""
    funded_people, people, shared = book.funded_people, problem.people, problem.shared
    if shared:
        for row in rows:
            if funded_people[people[row]]:
                return True
    return False


@njit(cache=True)
def _try_unit(money: _Lanes, book: _Book, problem: _Problem, unit: int, rows: np.ndarray, part: np.ndarray
              ) -> tuple[int, int]:
    """Fund the unit's members still waiting, whole when the money allows; otherwise those who could pay for their own
    card. Returns what it came to and the first row tried. `rows` and `part` are scratch space."""
    count = 0
    for row in problem.members[problem.unit_starts[unit]:problem.unit_starts[unit + 1]]:
        if book.waits[row]:
            rows[count] = row
            count += 1
    rows = rows[:count]
    if _person_funded(book, problem, rows):
        return _DROPPED, -1
    index = _fund(money, book, problem, rows, _NOBODY)
    if index >= 0:
        _record(book, problem, unit, rows, index, False)
        return _FUNDED, rows[0]
    # A member whose group's money could not pay even their own card waits for a pledge that can, and does not hold
    # the rest of the household back.
    kept = 0
    for row in rows:
        if _could_pay(money, problem, row):
            part[kept] = row
            kept += 1
    if not kept:
        return _UNTRIED, -1
    if kept < count:
        index = _fund(money, book, problem, part[:kept], _NOBODY)
        if index >= 0:
            _record(book, problem, unit, part[:kept], index, False)
            return _PART_FUNDED, part[0]
    return _REFUSED, part[0]


@njit(cache=True)
def _first_of_communes(band: np.ndarray, communes: np.ndarray, after: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The band's first unit of each commune; `after` gets the next unit of the same commune in the band (-1: none).
    `last` is scratch space, -1 for every commune before and after."""
    firsts = np.empty(len(band), dtype=np.int64)
    count = 0
    for unit in band:
        commune = communes[unit]
        if last[commune] < 0:
            firsts[count] = unit
            count += 1
        else:
            after[last[commune]] = unit
        after[unit] = -1
        last[commune] = unit
    for unit in band:
        last[communes[unit]] = -1
    return firsts[:count]


@njit(cache=True)
def _pass(money: _Lanes, book: _Book, problem: _Problem, waiting: np.ndarray, band_ends: np.ndarray, fair: bool
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One pass over the units waiting, score band after band (`band_ends`), each band in rule 3's turn. Returns the
    units still waiting and their band ends, and the first row of each unit tried and whether it was funded.

    Rule 3 within one score: the commune with the fewest units funded so far goes next, then the earlier unit in
    (nomination, id) order, which is the lower position. A heap holds each commune's next unit, keyed funded * count
    + position with the count funded when the unit enters. Without `fair` every unit is taken as of one commune: the
    heap holds one unit at a time, and the turn is the band's plain order."""
    count = len(problem.unit_starts) - 1
    turn = problem.communes if fair else np.zeros(count, dtype=np.int64)
    widest = np.max(np.diff(problem.unit_starts))
    rows, part = np.empty(widest, dtype=np.int64), np.empty(widest, dtype=np.int64)
    after, last = np.empty(count, dtype=np.int64), np.full(len(book.funded_in), -1, dtype=np.int64)
    still, still_ends = np.empty(len(waiting), dtype=np.int64), np.empty(len(band_ends), dtype=np.int64)
    tried, tried_funded = np.empty(len(waiting), dtype=np.int64), np.empty(len(waiting), dtype=np.bool_)
    kept = bands = attempts = start = 0
    for end in band_ends:
        heap = [book.funded_in[turn[unit]] * count + unit
                for unit in _first_of_communes(waiting[start:end], turn, after, last)]
        heapq.heapify(heap)
        start = end
        while len(heap):
            unit = heap[0] % count
            outcome, first = _try_unit(money, book, problem, unit, rows, part)
            if outcome != _DROPPED and outcome != _UNTRIED:
                tried[attempts], tried_funded[attempts] = first, outcome != _REFUSED
                attempts += 1
            if outcome != _DROPPED and outcome != _FUNDED:  # it waits: whole, or the members left of it
                still[kept] = unit
                kept += 1
            following = after[unit]
            if following < 0:
                heapq.heappop(heap)
            else:
                heapq.heapreplace(heap, book.funded_in[turn[following]] * count + following)
        if kept and (not bands or still_ends[bands - 1] < kept):
            still_ends[bands] = kept
            bands += 1
    return still[:kept], still_ends[:bands], tried[:attempts], tried_funded[:attempts]


def allocate(needs: Needs, funds: Sequence[Funds], *, fair: bool = True) -> Allocation:
    """Fund as many units as the money allows by the rules above; the money left stays on each pledge. Without
    `fair`, units of one score are taken in plain nomination order (kept to compare with)."""
    return _Run(needs, funds).allocate(fair)


@cache
def ready() -> float:
    """Compile the engine now, or load it when compiled before, and return how long that took; then nothing. The
    first run after an install or a change of this file compiles for about 11 s, a new process loads it in about
    0.4 s: callers do this before they take locks, so that nobody waits for a compiler. One run of three
    households (one held; one of two members, one of whom no pledge may pay; one of one) takes every compiled path."""
    began = time.perf_counter()
    allocate(Needs(ids=[1, 2, 3, 4], people=[1, 2, 3, 4], households=[1, 2, 2, 3], communes=[1, 1, 1, 1],
                   provinces=[1, 1, 1, 1], groups=["near_poor", "household", "pupil", "household"],
                   scores=[10, 20, 20, 5], nominated=[1, 2, 2, 3],
                   prices={12: [379_080, 1_263_600, 884_520, 500_000], 6: [189_540, 631_800, 442_260, 250_000]}),
             [Funds(id=1, available=400_000, paid_at=1, months=12, holds=(1,)),
              Funds(id=2, available=2_000_000, paid_at=2, months=12, groups=frozenset({"household"}))])
    return time.perf_counter() - began


class _Money:
    """The money's lanes (`_Lanes`, for the compiled functions) and what it takes to find them from Python."""

    def __init__(self, funds: Sequence[Funds], group_names: list[str]):
        # Each (pledge, group it helps) is an entry on the lane (scope, months, group); pledges with the same groups
        # share the codes of those groups. One pass over the pledges reads all that is needed of them.
        scopes: dict[tuple, int] = {}
        helped: dict[frozenset[str], int] = {}  # a pledge's groups -> their number in `codes`
        facts = [(f.paid_at, f.id, f.available, f.months, scopes.setdefault(scope_of(f), len(scopes)),
                  helped.setdefault(f.groups, len(helped))) for f in funds if f.available > 0]
        # int64 from the start: an id too large for it raises rather than wraps
        paid_at, ids, left, months, scope, kind = (np.array(column, dtype=np.int64) for column in zip(*facts,
                                                                                                  strict=True)) if facts \
            else (_no_rows(),) * 6
        spending = np.lexsort((ids, paid_at))  # rank -> pledge
        ids, left, months, scope, kind = (column[spending].astype(np.int64) for column in (ids, left, months, scope,
                                                                                          kind))
        self.ids = ids.tolist()
        self.rank = dict(zip(self.ids, range(len(ids)), strict=True))
        self.months = sorted(set(months.tolist()), reverse=True)
        code = {group: index for index, group in enumerate(group_names)}
        codes = [sorted(code[g] for g in (groups & code.keys() if groups else code)) for groups in helped]
        kind_starts = _starts(codes)
        per_pledge = np.diff(kind_starts)[kind]
        pledge_starts = np.r_[0, np.cumsum(per_pledge)].astype(np.int64)
        entry_pledge = np.repeat(np.arange(len(ids)), per_pledge)
        # an entry's group: the next of its pledge's codes
        entry_group = _flat(codes)[kind_starts[kind][entry_pledge] + np.arange(len(entry_pledge))
                                   - pledge_starts[entry_pledge]]
        month_index = np.searchsorted(-np.array(self.months, dtype=np.int64), -months)
        shape = (len(scopes), len(self.months), len(group_names))
        key = np.ravel_multi_index((scope[entry_pledge], month_index[entry_pledge], entry_group), shape)
        lane_keys, entry_lane = np.unique(key, return_inverse=True)
        by_scope = list(scopes)
        lanes = zip(*(column.tolist() for column in np.unravel_index(lane_keys, shape)), strict=True)
        self.lane_of = {(by_scope[at], self.months[months_at], group): lane  # (scope, months, group code) -> lane
                        for lane, (at, months_at, group) in enumerate(lanes)}
        by_lane = np.argsort(entry_lane, kind="stable")  # entries come by rank: each lane's ranks in spending order
        ranks = entry_pledge[by_lane].astype(np.int64)
        starts = np.r_[0, np.cumsum(np.bincount(entry_lane, minlength=len(lane_keys)))].astype(np.int64)
        total = np.add.reduceat(left[ranks], starts[:-1]) if len(ranks) else _no_rows()
        self.state = _Lanes(
            left=left, ranks=ranks, starts=starts, head=starts[:-1].copy(), top=ranks[starts[:-1]],
            total=total.astype(np.int64), pledge_lanes=entry_lane.astype(np.int64), pledge_starts=pledge_starts)

    def reserve(self, rank: int) -> int:
        """Keep what the pledge has left out of every lane (for its held members); returns the amount kept."""
        state = self.state
        amount = int(state.left[rank])
        state.left[rank] = 0
        state.total[state.pledge_lanes[state.pledge_starts[rank]:state.pledge_starts[rank + 1]]] -= amount
        return amount

    def lanes_at(self, commune: int, province: int, group: int) -> list[list[int]]:
        """For each number of months (in `months` order), the lanes that may pay for the group at that place, -1
        after the last of them (at most three: the commune's, the province's, the country's)."""
        scopes = (("commune", commune), ("province", province), ("country",))
        found = []
        for months in self.months:
            lanes = [lane for lane in (self.lane_of.get((scope, months, group)) for scope in scopes) if lane is not None]
            found.append(lanes + [-1] * (3 - len(lanes)))
        return found


def _flat(lists: list[list[int]]) -> np.ndarray:
    """The lists one after another, as one int64 array."""
    return np.fromiter(chain.from_iterable(lists), dtype=np.int64)


def _starts(lists: list[list[int]]) -> np.ndarray:
    """Where each list starts in `_flat(lists)`, and where the last ends."""
    return np.r_[0, np.cumsum([len(items) for items in lists], dtype=np.int64)].astype(np.int64)


class _Run:
    """One call of `allocate`: the needs as numpy columns, the units (households, by position in rule 3's order) and
    the money, made into the compiled functions' state (`_Problem`, `_Lanes`, `_Book`)."""

    def __init__(self, needs: Needs, funds: Sequence[Funds]):
        self.needs, self.funds = needs, funds
        count = len(needs)
        self.ids = np.asarray(needs.ids, dtype=np.int64).reshape(count)
        self.people = np.asarray(needs.people, dtype=np.int64).reshape(count)
        households = np.asarray(needs.households, dtype=np.int64).reshape(count)
        self.households = households
        self.group_names = group_names = sorted(set(needs.groups))
        code = {group: index for index, group in enumerate(group_names)}
        groups = np.fromiter(map(code.__getitem__, needs.groups), dtype=np.int64, count=count)
        communes = np.asarray(needs.communes, dtype=np.int64).reshape(count)
        provinces = np.asarray(needs.provinces, dtype=np.int64).reshape(count)
        self.money = money = _Money(funds, group_names)
        # Rule 1 for each distinct (commune, province, group) rather than for each row.
        lanes, helped = self._places(communes, provinces, groups, len(group_names))
        rows = np.flatnonzero(helped)
        rows = rows[np.lexsort((self.ids[rows], households[rows]))]  # by household, members in id order
        starts = np.flatnonzero(np.r_[True, households[rows][1:] != households[rows][:-1]]) if len(rows) else rows
        firsts = rows[starts]
        scores = np.maximum.reduceat(np.asarray(needs.scores, dtype=np.int64)[rows], starts) if len(rows) else rows
        nominated = (np.minimum.reduceat(np.asarray(needs.nominated, dtype=np.int64)[rows], starts)
                     if len(rows) else rows)
        order = np.lexsort((self.ids[firsts], nominated, -scores))  # rule 3: position -> household
        sizes = np.diff(np.r_[starts, len(rows)])
        # A member's lanes are those of the unit's place (its first member's) for the member's group: the rare
        # member living elsewhere than the first gets them here.
        unit_firsts = np.repeat(firsts, sizes)
        moved = (communes[rows] != communes[unit_firsts]) | (provinces[rows] != provinces[unit_firsts])
        for row, first in zip(rows[moved].tolist(), unit_firsts[moved].tolist(), strict=True):
            lanes[row] = money.lanes_at(int(communes[first]), int(provinces[first]), int(groups[row]))
        # the units in rule 3's order, their rows one after another: a member's place moves by as much as its unit's
        unit_starts = np.r_[0, np.cumsum(sizes[order])].astype(np.int64)
        ranked = np.repeat(starts[order] - unit_starts[:-1], sizes[order])
        members = rows[np.arange(len(rows)) + ranked]
        self.unit_of_row = np.full(count, -1, dtype=np.int64)
        self.unit_of_row[members] = np.repeat(np.arange(len(order)), sizes[order])
        self.unit_firsts = firsts[order]
        self.scores = scores[order]
        _, commune_index = np.unique(communes[self.unit_firsts], return_inverse=True)
        priced = np.array([months in needs.prices for months in money.months], dtype=np.bool_)
        prices = np.zeros((len(money.months), count), dtype=np.int64)
        for index, months in enumerate(money.months):
            if priced[index]:
                prices[index] = np.asarray(needs.prices[months], np.int64).reshape(count)
        people = np.sort(self.people)
        shared = bool((people[1:] == people[:-1]).any())  # then a person may come up twice
        person_codes = np.unique(self.people, return_inverse=True)[1].astype(np.int64) if shared else _no_rows()
        self.problem = _Problem(
            lanes=lanes, prices=prices, priced=priced, months=np.array(money.months, dtype=np.int64), groups=groups,
            people=person_codes, shared=shared, members=members.astype(np.int64),
            unit_starts=unit_starts, communes=commune_index.astype(np.int64))
        lines = count + len(money.ids) + 1  # each row's lines but its last empty a pledge, for good or in a try
        waits = np.zeros(count, dtype=np.bool_)
        waits[members] = True
        self.book = _Book(
            rows=np.empty(count, dtype=np.int64), months=np.empty(count, dtype=np.int64),
            held=np.empty(count, dtype=np.bool_), line_ends=np.empty(count, dtype=np.int64),
            line_ranks=np.empty(lines, dtype=np.int64), line_amounts=np.empty(lines, dtype=np.int64),
            counts=np.zeros(2, dtype=np.int64), waits=waits,
            funded_in=np.zeros(int(commune_index.max(initial=0)) + 1, dtype=np.int64),
            funded_people=np.zeros(int(person_codes.max(initial=-1)) + 1, dtype=np.bool_))
        self.reserved: dict[int, int] = {}  # pledge -> money kept for its held members still waiting

    def _places(self, communes: np.ndarray, provinces: np.ndarray, groups: np.ndarray, group_count: int
                ) -> tuple[np.ndarray, np.ndarray]:
        """Each row's lanes by months (`_Money.lanes_at`), and whether any lane may pay for it."""
        shape = (len(self.money.months), 3)
        if not len(communes):
            return np.zeros((0, *shape), dtype=np.int64), np.zeros(0, dtype=bool)
        _, commune_index = np.unique(communes, return_inverse=True)
        _, province_index = np.unique(provinces, return_inverse=True)
        key = (commune_index * (province_index.max() + 1) + province_index) * group_count + groups
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        places = np.array([self.money.lanes_at(int(communes[row]), int(provinces[row]), int(groups[row]))
                           for row in first.tolist()], dtype=np.int64).reshape(len(first), *shape)
        return places[inverse], (places >= 0).any(axis=(1, 2))[inverse]

    def allocate(self, fair: bool) -> Allocation:
        held = self.fund_held()
        self.book.waits[list(held)] = False
        units = np.flatnonzero(np.add.reduceat(self.book.waits[self.problem.members], self.problem.unit_starts[:-1])
                               ) if len(self.problem.members) else _no_rows()
        waiting = units.astype(np.int64)
        scores = self.scores[waiting]
        band_ends = np.r_[np.flatnonzero(scores[1:] != scores[:-1]) + 1, len(waiting)].astype(np.int64)
        tried, tried_funded = [], []
        while len(waiting):  # passes until one funds nobody: then running again funds nobody either
            funded_before = self.book.counts[_ROWS]
            still, still_ends, attempts, funded = _pass(self.money.state, self.book, self.problem, waiting, band_ends,
                                                        fair)
            tried.append(attempts)
            tried_funded.append(funded)
            if self.book.counts[_ROWS] == funded_before:
                break
            waiting, band_ends = still, still_ends
        return self.result(waiting, np.concatenate([_no_rows(), *tried]),
                           np.concatenate([np.zeros(0, dtype=bool), *tried_funded]))

    def _scopes(self, unit: int) -> tuple:
        first = self.unit_firsts[unit]
        return ("commune", int(self.needs.communes[first])), ("province", int(self.needs.provinces[first])), ("country",)

    def _holder(self, f: Funds) -> _Holder:
        """The pledge as the compiled functions take it when it holds the members being funded."""
        helped = np.array([helps(f, group) for group in self.group_names], dtype=np.bool_)
        return _Holder(self.money.rank[f.id], f.months, helped)

    def fund_held(self) -> set[int]:
        """Rule 4: each pledge's held members of a unit (those of its groups) funded together from that pledge alone,
        pledge by pledge in spending order. Returns every held row: held members wait for their pledge's money and
        are not taken in the global order."""
        held = sorted((f for f in self.funds if f.holds), key=lambda f: (f.paid_at, f.id))
        problem, book, money = self.problem, self.book, self.money
        if not held or not len(problem.members):
            return set()
        unit_of_row = self.unit_of_row
        sorter = np.argsort(self.ids, kind="stable")
        every, funded, mine_of = set(), set(), {}
        for f in held:
            wanted = np.asarray(f.holds, dtype=np.int64)
            at = np.minimum(np.searchsorted(self.ids, wanted, sorter=sorter), len(sorter) - 1)
            found = sorter[at][self.ids[sorter[at]] == wanted]
            scope = scope_of(f)
            mine = {row for row in found.tolist() if unit_of_row[row] >= 0 and helps(f, self.needs.groups[row])
                    and scope in self._scopes(int(unit_of_row[row]))}  # only what the pledge may ever pay for
            every |= mine
            mine_of[f.id] = mine
            if f.id not in money.rank:
                continue  # no money left on it: its members wait
            holder = self._holder(f)
            for unit in sorted({int(unit_of_row[row]) for row in mine}):
                members = problem.members[problem.unit_starts[unit]:problem.unit_starts[unit + 1]].tolist()
                rows = np.array([row for row in members if row in mine and row not in funded], dtype=np.int64)
                if not len(rows) or _person_funded(book, problem, rows):
                    continue
                if money.state.left[holder.rank] <= 0:
                    break
                index = _fund(money.state, book, problem, rows, holder)
                if index >= 0:
                    _record(book, problem, unit, rows, index, True)
                    funded.update(rows.tolist())
        # What a pledge has left waits for its own held members still waiting: decided once every pledge has bought
        # its own, so that a member two pledges hold and the second bought keeps nothing of the first's money back.
        for f in held:
            if mine_of[f.id] - funded and f.id in money.rank:
                self.reserved[f.id] = money.reserve(money.rank[f.id])
        return every

    def result(self, waiting: np.ndarray, tried: np.ndarray, tried_funded: np.ndarray) -> Allocation:
        book, problem = self.book, self.problem
        funded = book.counts[_ROWS]
        rows = book.rows[:funded].copy()
        index = book.months[:funded]
        months, prices = problem.months[index], problem.prices[index, rows]
        left = dict(zip(self.money.ids, self.money.state.left.tolist(), strict=True))
        for pledge, kept in self.reserved.items():
            left[pledge] += kept
        in_waiting = np.zeros(len(problem.communes), dtype=bool)
        in_waiting[waiting] = True
        members = problem.members
        waiting_rows = members[in_waiting[self.unit_of_row[members]] & book.waits[members]]
        unfunded = self.ids[waiting_rows[~np.isin(self.people[waiting_rows], self.people[rows])]]
        lines = book.counts[_LINES]
        return Allocation(
            rows=rows, need_ids=self.ids[rows], people=self.people[rows], households=self.households[rows],
            months=months, prices=prices, held=book.held[:funded].copy(), line_ends=book.line_ends[:funded].copy(),
            line_pledges=np.asarray(self.money.ids, dtype=np.int64)[book.line_ranks[:lines]],
            line_amounts=book.line_amounts[:lines].copy(),
            remainder={f.id: left.get(f.id, 0) for f in self.funds}, unfunded=np.sort(unfunded).tolist(),
            considered=list(zip(self.ids[tried].tolist(), tried_funded.tolist(), strict=True)))
