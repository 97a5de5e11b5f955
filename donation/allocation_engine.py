"""The allocation engine: paid money meets approved needs by the published rules (DESIGN.md §6). A plain function
over plain columns; no database, no clock.

The rules, each checked by a test:
1. Eligibility. A need may be funded by a pledge whose scope holds it (anywhere, its province, or its commune) and
   whose groups include its group (a pledge naming no group helps every group). The caller passes only needs that are
   approved, not covered for the period, and not paid in full by the state or the province.
2. Units. People nominated together (one household) are funded together or not at all, at their highest member's
   score; a pledge must help every member's group.
3. Order. Units are taken by score, highest first. Among units of one score, the commune with the fewest units funded
   so far in this run goes next (a commune that nominated earlier or more does not go first for that reason), then
   the earlier nomination, then the lower id. `Allocation.considered` lists the units in the order they were taken.
4. Money. A unit held by a pledge is funded from that pledge first, before the global order. Otherwise money paid
   first is spent first (the time its money came, then the pledge's id). All the lines of one sponsorship come from
   pledges of the same number of months, at the price for that many months, and add up to the price exactly. A unit
   whose price does not fit the money its pledges have left is skipped, and the next one is tried.
5. Never over-spent: a pledge gives at most what it has. Nobody is funded twice. The same input gives the same output.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

MONTHS = (3, 6, 12)


@dataclass(frozen=True)
class Needs:
    """Approved needs as columns of equal length (one row per person nominated)."""

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


@dataclass
class Allocation:
    sponsorships: list[Sponsorship] = field(default_factory=list)
    remainder: dict[int, int] = field(default_factory=dict)  # pledge id -> money left on it
    unfunded: list[int] = field(default_factory=list)  # eligible need ids left for lack of fitting money
    considered: list[int] = field(default_factory=list)  # units' first need ids, in the order they were taken

    def digest(self) -> str:
        """A hash of the sorted (person, pledge, amount, months) lines: equal for equal results."""
        lines = sorted((s.person_id, line.pledge_id, line.amount, s.months) for s in self.sponsorships
                       for line in s.lines)
        return hashlib.sha256(repr(lines).encode()).hexdigest()


@dataclass
class _Unit:
    rows: list[int]
    score: int
    commune: int
    province: int
    groups: frozenset[str]
    first_nominated: int
    first_id: int
    prices: dict[int, int]


def _units(needs: Needs) -> list[_Unit]:
    by_household: dict[int, list[int]] = {}
    for row, household in enumerate(needs.households):
        by_household.setdefault(household, []).append(row)
    units = []
    for rows in by_household.values():
        rows.sort(key=needs.ids.__getitem__)  # members in id order, whatever the input's row order
        first = rows[0]
        units.append(_Unit(
            rows=rows, score=max(needs.scores[r] for r in rows), commune=needs.communes[first],
            province=needs.provinces[first], groups=frozenset(needs.groups[r] for r in rows),
            first_nominated=min(needs.nominated[r] for r in rows), first_id=min(needs.ids[r] for r in rows),
            prices={m: sum(needs.prices[m][r] for r in rows) for m in needs.prices}))
    return units


def _bands(units: list[_Unit]) -> list[list[_Unit]]:
    """Units grouped by score, highest first, each band in (nomination time, id) order."""
    bands: dict[int, list[_Unit]] = {}
    for unit in sorted(units, key=lambda u: (-u.score, u.first_nominated, u.first_id)):
        bands.setdefault(unit.score, []).append(unit)
    return list(bands.values())


def _taken_in_turn(band: list[_Unit], funded: dict[int, int]) -> Iterator[_Unit]:
    """Rule 3 within one score: the commune with the fewest units funded so far goes next (`funded` is read as the
    caller updates it), then the earlier nomination, then the lower id."""
    queues: dict[int, deque[_Unit]] = {}
    for unit in band:
        queues.setdefault(unit.commune, deque()).append(unit)
    heap = [(funded.get(c, 0), q[0].first_nominated, q[0].first_id, c) for c, q in queues.items()]
    heapq.heapify(heap)
    while heap:
        _, _, _, commune = heapq.heappop(heap)
        queue = queues[commune]
        yield queue.popleft()
        if queue:
            heapq.heappush(heap, (funded.get(commune, 0), queue[0].first_nominated, queue[0].first_id, commune))


class _Money:
    """The pledges that may fund a place, in the order their money is spent, with what each has left."""

    def __init__(self, funds: Sequence[Funds]):
        self.left = {f.id: f.available for f in funds if f.available > 0}
        self.by_id = {f.id: f for f in funds}
        spend_order = sorted((f for f in funds if f.available > 0), key=lambda f: (f.paid_at, f.id))
        self.national: list[Funds] = []
        self.province: dict[int, list[Funds]] = {}
        self.commune: dict[int, list[Funds]] = {}
        for f in spend_order:
            if f.commune_code is not None:
                self.commune.setdefault(f.commune_code, []).append(f)
            elif f.province_code is not None:
                self.province.setdefault(f.province_code, []).append(f)
            else:
                self.national.append(f)
        self._candidates: dict[tuple[int, int], list[Funds]] = {}

    def candidates(self, unit: _Unit) -> list[Funds]:
        """The pledges whose scope holds the unit's commune, in spending order (cached per commune; pledges with
        nothing left are dropped as they are met)."""
        key = (unit.province, unit.commune)
        found = self._candidates.get(key)
        if found is None:
            found = sorted(self.commune.get(unit.commune, []) + self.province.get(unit.province, []) + self.national,
                           key=lambda f: (f.paid_at, f.id))
            self._candidates[key] = found
        elif found and self.left.get(found[0].id, 0) == 0:
            found[:] = [f for f in found if self.left.get(f.id, 0) > 0]
        return found

    def any_eligible(self, unit: _Unit) -> bool:
        """Whether any pledge of the run (with money left or not) may fund the unit."""
        return any(_helps(f, unit) for f in (*self.commune.get(unit.commune, ()), *self.province.get(unit.province, ()),
                                             *self.national))

    def fund(self, unit: _Unit, first: Funds | None = None) -> tuple[int, tuple[Line, ...]] | None:
        """Take the unit's price from its pledges in spending order (`first` before the rest): the first number of
        months whose pledges, so far, cover the price at that many months wins; None when none does (nothing is
        taken)."""
        open_: dict[int, tuple[list[Line], int]] = {}  # months -> lines so far, still needed
        ordered = self.candidates(unit) if first is None else [first, *(f for f in self.candidates(unit)
                                                                        if f.id != first.id)]
        for f in ordered:
            left = self.left.get(f.id, 0)
            if left <= 0 or not _helps(f, unit):
                continue
            if f.months not in open_:
                price = unit.prices.get(f.months, 0)
                if price <= 0:
                    continue
                open_[f.months] = ([], price)
            lines, needed = open_[f.months]
            take = min(left, needed)
            lines.append(Line(f.id, take))
            needed -= take
            open_[f.months] = (lines, needed)
            if needed == 0:
                for line in lines:
                    self.left[line.pledge_id] -= line.amount
                return f.months, tuple(lines)
        return None


def _helps(f: Funds, unit: _Unit) -> bool:
    """Rule 1 for a unit whose place the pledge's scope already holds: every member's group is one it helps."""
    return not f.groups or unit.groups <= f.groups


def _in_scope(f: Funds, unit: _Unit) -> bool:
    if f.commune_code is not None:
        return f.commune_code == unit.commune
    return f.province_code is None or f.province_code == unit.province


def allocate(needs: Needs, funds: Sequence[Funds], *, fair: bool = True) -> Allocation:
    """Fund as many units as the money allows by the rules above; the money left stays on each pledge. Without
    `fair`, units of one score are taken in plain nomination order (kept to compare with)."""
    bands = _bands(_units(needs))
    units = [unit for band in bands for unit in band]
    position = {id(unit): index for index, unit in enumerate(units)}
    funded_in: dict[int, int] = {}  # commune -> units funded in this run
    money = _Money(funds)
    result = Allocation()
    funded_people: set[int] = set()
    done: set[int] = set()  # units (by their first row) funded or refused already

    def record(unit: _Unit, months: int, lines: tuple[Line, ...], held: bool) -> None:
        # a unit's lines are shared out over its members in row order, each member's own price exactly
        queue = [[line.pledge_id, line.amount] for line in lines]
        for row in unit.rows:
            price, own = needs.prices[months][row], []
            while price:
                pledge, amount = queue[0]
                take = min(amount, price)
                own.append(Line(pledge, take))
                price -= take
                queue[0][1] -= take
                if queue[0][1] == 0:
                    queue.pop(0)
            result.sponsorships.append(Sponsorship(needs.ids[row], needs.people[row], needs.households[row], months,
                                                   needs.prices[months][row], tuple(own), held))
            funded_people.add(needs.people[row])
        done.add(unit.rows[0])
        funded_in[unit.commune] = funded_in.get(unit.commune, 0) + 1

    unit_of_need = {needs.ids[row]: unit for unit in units for row in unit.rows}
    for f in sorted((f for f in funds if f.holds), key=lambda f: (f.paid_at, f.id)):
        held_units = sorted({id(unit_of_need[n]): unit_of_need[n] for n in f.holds if n in unit_of_need}.values(),
                            key=lambda unit: position[id(unit)])
        for unit in held_units:
            if unit.rows[0] in done or not (_in_scope(f, unit) and _helps(f, unit)):
                continue
            if any(needs.people[r] in funded_people for r in unit.rows):
                continue
            taken = money.fund(unit, first=f) if money.left.get(f.id, 0) > 0 else None
            if taken:
                record(unit, *taken, held=True)
    for band in bands:
        for unit in _taken_in_turn(band, funded_in) if fair else band:
            if unit.rows[0] in done or any(needs.people[r] in funded_people for r in unit.rows):
                continue
            result.considered.append(needs.ids[unit.rows[0]])
            taken = money.fund(unit)
            if taken:
                record(unit, *taken, held=False)
            elif money.any_eligible(unit):
                result.unfunded.extend(needs.ids[r] for r in unit.rows)
    result.remainder = {f.id: money.left.get(f.id, 0) for f in funds}
    return result
