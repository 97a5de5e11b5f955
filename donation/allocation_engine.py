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
4. Money. A unit held by a pledge is funded from that pledge first, before the global order. Otherwise money paid
   first is spent first (the time its money came, then the pledge's id). A unit's cards are all of one length, bought
   from pledges of that length (the holding pledge's; otherwise 12 months if the money allows, then 6, then 3) at
   the price for that many months; each card's lines add up to its price exactly. A unit whose price does not fit
   the money its pledges have left is skipped, and the next one is tried.
5. Never over-spent: a pledge gives at most what it has. Nobody is funded twice. The same input gives the same output.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import deque
from collections.abc import Callable, Iterator, Sequence
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
    unfunded: list[int] = field(default_factory=list)  # need ids some pledge may help, left for lack of money
    # (a unit's first need id, whether it was funded), in the order units were tried, over all passes
    considered: list[tuple[int, bool]] = field(default_factory=list)

    def digest(self) -> str:
        """A hash of the sorted (person, pledge, amount, months) lines: equal for equal results."""
        lines = sorted((s.person_id, line.pledge_id, line.amount, s.months) for s in self.sponsorships
                       for line in s.lines)
        return hashlib.sha256(repr(lines).encode()).hexdigest()


@dataclass(slots=True)
class _Unit:
    rows: list[int]
    score: int
    commune: int
    province: int
    first_nominated: int
    first_id: int
    member_groups: list[str]  # per member (rows order)
    member_prices: dict[int, list[int]]  # months -> per member
    scopes: tuple = ()  # the money lists' scopes that hold its place: its commune's, its province's, the country's

    def __post_init__(self):
        self.scopes = (("commune", self.commune), ("province", self.province), ("country",))


def _units(needs: Needs, helped: Callable[[int, int, str], bool]) -> list[_Unit]:
    """Households as units, of the members some pledge of the run may help (`helped(commune, province, group)`):
    a member no pledge helps waits for one that does, and is not what keeps the others waiting."""
    by_household: dict[int, list[int]] = {}
    for row, household in enumerate(needs.households):
        if helped(needs.communes[row], needs.provinces[row], needs.groups[row]):
            by_household.setdefault(household, []).append(row)
    units = []
    for rows in by_household.values():
        rows.sort(key=needs.ids.__getitem__)  # members in id order, whatever the input's row order
        first = rows[0]
        units.append(_Unit(
            rows=rows, score=max(needs.scores[r] for r in rows), commune=needs.communes[first],
            province=needs.provinces[first],
            first_nominated=min(needs.nominated[r] for r in rows), first_id=min(needs.ids[r] for r in rows),
            member_groups=[needs.groups[r] for r in rows],
            member_prices={m: [needs.prices[m][r] for r in rows] for m in needs.prices}))
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
    """What each pledge has left, and for every place, number of months and group, the pledges that may pay, in
    spending order: one list per scope (the commune's pledges, the province's, the whole country's) merged on the
    fly, with running totals so that a unit the money cannot cover is refused without scanning."""

    def __init__(self, funds: Sequence[Funds], groups: set[str]):
        self.left = {f.id: f.available for f in funds if f.available > 0}
        self.funds = {f.id: f for f in funds}
        self.months = sorted({f.months for f in funds if f.available > 0}, reverse=True)
        self.lists: dict[tuple, list[Funds]] = {}  # (scope, months, group) -> pledges in spending order
        self.start: dict[tuple, int] = {}  # the first pledge of each list that may still have money
        self.total: dict[tuple, int] = {}  # (scope, months, group) -> money left on that list
        for f in sorted((f for f in funds if f.available > 0), key=lambda f: (f.paid_at, f.id)):
            for group in (f.groups & groups if f.groups else groups):
                key = (_scope_of(f), f.months, group)
                self.lists.setdefault(key, []).append(f)
                self.start[key] = 0
                self.total[key] = self.total.get(key, 0) + f.available

    def helps(self, commune: int, province: int, group: str) -> bool:
        """Whether any pledge of the run whose scope holds the place helps the group."""
        places = (("commune", commune), ("province", province), ("country",))
        return any((place, m, group) in self.lists for place in places for m in self.months)

    def could_pay(self, unit: _Unit, member: int) -> bool:
        """Whether the pledges whose scope holds the unit's place still have, for the member's group, at least the
        member's own price at some number of months."""
        group, scopes = unit.member_groups[member], unit.scopes
        return any(sum(self.total.get((scope, months, group), 0) for scope in scopes)
                   >= unit.member_prices[months][member] > 0 for months in self.months if months in unit.member_prices)

    def _spend(self, pledge: Funds, amount: int, groups: set[str]) -> None:
        self.left[pledge.id] -= amount
        for group in (pledge.groups & groups if pledge.groups else groups):
            self.total[(_scope_of(pledge), pledge.months, group)] -= amount

    def fund(self, unit: _Unit, groups: set[str], first: Funds | None = None
             ) -> tuple[int, list[tuple[Line, ...]]] | None:
        """Take each member's price from the pledges that help that member's group, in spending order (`first`
        before the rest), all of one number of months: the held pledge's, else 12, then 6, then 3. Returns the
        months and each member's lines; None when no number of months covers them all (nothing is taken)."""
        order = ([first.months] if first is not None else []) + [m for m in self.months
                                                                 if first is None or m != first.months]
        scopes = unit.scopes
        for months in order:
            prices = unit.member_prices.get(months)
            if prices is None or min(prices) <= 0:
                continue
            wanted: dict[str, int] = {}
            for group, price in zip(unit.member_groups, prices, strict=True):
                wanted[group] = wanted.get(group, 0) + price
            if any(sum(self.total.get((scope, months, group), 0) for scope in scopes) < amount
                   for group, amount in wanted.items()):
                continue  # not enough money for some member's group, whatever the order
            taken: dict[int, int] = {}
            members = []
            for group, price in zip(unit.member_groups, prices, strict=True):
                lines = self._take([(scope, months, group) for scope in scopes], price, taken,
                                   first if first is not None and first.months == months
                                   and (not first.groups or group in first.groups) else None)
                if lines is None:
                    break
                members.append(lines)
            else:
                for pledge, amount in taken.items():
                    self._spend(self.funds[pledge], amount, groups)
                for key in ((scope, months, g) for scope in scopes for g in wanted):
                    self._advance(key)
                return months, members
        return None

    def _advance(self, key: tuple) -> None:
        pledges, index = self.lists.get(key, ()), self.start.get(key, 0)
        while index < len(pledges) and self.left[pledges[index].id] == 0:
            index += 1
        self.start[key] = index

    def _take(self, keys: list[tuple], needed: int, taken: dict[int, int], first: Funds | None
              ) -> tuple[Line, ...] | None:
        """One member's lines: from `first`, then the heads of the three scope lists merged in spending order."""
        lines = []
        if first is not None:
            left = self.left.get(first.id, 0) - taken.get(first.id, 0)
            if left > 0:
                take = min(left, needed)
                lines.append(Line(first.id, take))
                taken[first.id] = taken.get(first.id, 0) + take
                needed -= take
        keys = [key for key in keys if key in self.lists]  # most places have no pledge of their own
        heads = [self.start[key] for key in keys]
        lists = [self.lists[key] for key in keys]
        while needed:
            best = None
            for k, pledges in enumerate(lists):
                index = heads[k]
                while index < len(pledges) and self.left[pledges[index].id] - taken.get(pledges[index].id, 0) <= 0:
                    index += 1
                heads[k] = index
                if index < len(pledges) and (best is None or (pledges[index].paid_at, pledges[index].id)
                                             < (lists[best][heads[best]].paid_at, lists[best][heads[best]].id)):
                    best = k
            if best is None:
                return None
            pledge = lists[best][heads[best]]
            take = min(self.left[pledge.id] - taken.get(pledge.id, 0), needed)
            lines.append(Line(pledge.id, take))
            taken[pledge.id] = taken.get(pledge.id, 0) + take
            needed -= take
        return tuple(lines)


def _scope_of(f: Funds) -> tuple:
    if f.commune_code is not None:
        return ("commune", f.commune_code)
    if f.province_code is not None:
        return ("province", f.province_code)
    return ("country",)


def _part(unit: _Unit, keep: list[int]) -> _Unit:
    """The unit's members at positions `keep` (those some pledge still has money for)."""
    return _Unit(rows=[unit.rows[i] for i in keep], score=unit.score, commune=unit.commune, province=unit.province,
                 first_nominated=unit.first_nominated, first_id=unit.first_id,
                 member_groups=[unit.member_groups[i] for i in keep],
                 member_prices={m: [prices[i] for i in keep] for m, prices in unit.member_prices.items()})


def _helps(f: Funds, group: str) -> bool:
    """Rule 1 once the pledge's scope holds the place: the group is one it helps (a pledge naming none helps all)."""
    return not f.groups or group in f.groups


def allocate(needs: Needs, funds: Sequence[Funds], *, fair: bool = True) -> Allocation:
    """Fund as many units as the money allows by the rules above; the money left stays on each pledge. Without
    `fair`, units of one score are taken in plain nomination order (kept to compare with)."""
    groups = set(needs.groups)
    money = _Money(funds, groups)
    bands = _bands(_units(needs, money.helps))
    units = [unit for band in bands for unit in band]
    position = {id(unit): index for index, unit in enumerate(units)}
    funded_in: dict[int, int] = {}  # commune -> units funded in this run
    result = Allocation()
    funded_people: set[int] = set()
    done: set[int] = set()  # units (by their first row) funded or refused already

    def record(unit: _Unit, months: int, members: list[tuple[Line, ...]], held: bool) -> None:
        for row, lines in zip(unit.rows, members, strict=True):
            result.sponsorships.append(Sponsorship(needs.ids[row], needs.people[row], needs.households[row], months,
                                                   needs.prices[months][row], lines, held))
            funded_people.add(needs.people[row])
        done.add(unit.rows[0])
        funded_in[unit.commune] = funded_in.get(unit.commune, 0) + 1

    unit_of_need = {needs.ids[row]: unit for unit in units for row in unit.rows}
    for f in sorted((f for f in funds if f.holds), key=lambda f: (f.paid_at, f.id)):
        held_units = sorted({id(unit_of_need[n]): unit_of_need[n] for n in f.holds if n in unit_of_need}.values(),
                            key=lambda unit: position[id(unit)])
        for unit in held_units:
            if unit.rows[0] in done or not (_scope_of(f) in unit.scopes and any(_helps(f, g) for g in unit.member_groups)):
                continue
            if any(needs.people[r] in funded_people for r in unit.rows):
                continue
            taken = money.fund(unit, groups, first=f) if money.left.get(f.id, 0) > 0 else None
            if taken:
                record(unit, *taken, held=True)
    waiting = bands
    while waiting:  # passes until one funds nobody: then running again funds nobody either
        funded_before, still = len(result.sponsorships), []
        for band in waiting:
            left_in_band = []
            for unit in _taken_in_turn(band, funded_in) if fair else band:
                if unit.rows[0] in done or any(needs.people[r] in funded_people for r in unit.rows):
                    continue
                left_in_band.append(unit)
                # A member whose group's money could not pay even their own card waits for a pledge that can,
                # and does not hold the rest of the household back.
                keep = [i for i in range(len(unit.rows)) if money.could_pay(unit, i)]
                if not keep:
                    continue
                part = unit if len(keep) == len(unit.rows) else _part(unit, keep)
                taken = money.fund(part, groups)
                result.considered.append((needs.ids[part.rows[0]], taken is not None))
                if taken:
                    record(part, *taken, held=False)
                    left_in_band.pop()
                    if part is not unit:  # the members left wait as the rest of their household
                        left_in_band.append(_part(unit, [i for i in range(len(unit.rows)) if i not in keep]))
            if left_in_band:
                still.append(left_in_band)
        if len(result.sponsorships) == funded_before:
            break
        waiting = still
    result.unfunded = sorted(needs.ids[r] for band in waiting for unit in band for r in unit.rows
                             if needs.people[r] not in funded_people)
    result.remainder = {f.id: money.left.get(f.id, 0) for f in funds}
    return result
