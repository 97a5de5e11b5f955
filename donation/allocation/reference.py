"""The allocation engine in plain Python, as it was before the greedy loop was compiled (`allocation_engine`): the
test oracle. The same rules (DESIGN.md §6, `allocation_engine`'s docstring), the same interface and result type; it
is slower by some tens of times and is not used by the platform. A hypothesis test keeps both giving the same
result on random instances (tests/unit/test_allocation_reference.py)."""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from itertools import pairwise

import numpy as np

from donation.allocation.engine import Allocation, Funds, Needs, helps, scope_of


class _Money:
    """What each pledge has left, by its rank in spending order (the time its money came, then its id), and a lane
    for every scope (a commune, a province, the whole country), number of months and group: the ranks of the pledges
    that may pay, in spending order, with the money left on the lane, so that a unit the money cannot cover is
    refused without scanning. A member's lanes (at most three) are merged on the fly by rank. Between units every
    lane's head is its first pledge with money left (`top`; `end` when none has)."""

    def __init__(self, funds: Sequence[Funds], group_names: list[str]):
        live = sorted((f for f in funds if f.available > 0), key=lambda f: (f.paid_at, f.id))
        self.ids = [f.id for f in live]
        self.rank = {f.id: rank for rank, f in enumerate(live)}
        self.left = [f.available for f in live]
        self.end = len(live)  # a rank after every pledge's
        self.months = sorted({f.months for f in live}, reverse=True)
        self.lane_of: dict[tuple, int] = {}  # (scope, months, group code) -> lane
        self.lanes: list[list[int]] = []
        self.head: list[int] = []  # where the lane's first pledge with money left is
        self.top: list[int] = []  # that pledge's rank
        self.total: list[int] = []
        self.lanes_of_pledge: list[list[int]] = []
        code = {group: index for index, group in enumerate(group_names)}
        helped: dict[frozenset[str], list[int]] = {}  # a pledge's groups -> the codes of those in the needs
        for rank, f in enumerate(live):
            codes = helped.get(f.groups)
            if codes is None:
                codes = helped[f.groups] = sorted(code[g] for g in (f.groups & code.keys() if f.groups else code))
            scope, mine = scope_of(f), []
            for group in codes:
                key = (scope, f.months, group)
                lane = self.lane_of.get(key)
                if lane is None:
                    lane = self.lane_of[key] = len(self.lanes)
                    self.lanes.append([])
                    self.head.append(0)
                    self.top.append(rank)
                    self.total.append(0)
                self.lanes[lane].append(rank)
                self.total[lane] += f.available
                mine.append(lane)
            self.lanes_of_pledge.append(mine)

    def reserve(self, rank: int) -> int:
        """Keep what the pledge has left out of every lane (for its held members); returns the amount kept."""
        amount, self.left[rank] = self.left[rank], 0
        for lane in self.lanes_of_pledge[rank]:
            self.total[lane] -= amount
        return amount

    def lanes_at(self, commune: int, province: int, group: int) -> list[tuple[int, ...]]:
        """For each number of months (in `months` order), the lanes that may pay for the group at that place."""
        scopes = (("commune", commune), ("province", province), ("country",))
        return [tuple(lane for lane in (self.lane_of.get((scope, months, group)) for scope in scopes)
                      if lane is not None) for months in self.months]

    def covers(self, lanes: tuple[int, ...], amount: int) -> bool:
        """Whether the lanes have `amount` left between them (most often their first pledge alone has)."""
        left, top, end = self.left, self.top, self.end
        for lane in lanes:
            if top[lane] != end and left[top[lane]] >= amount:
                return True
        total = self.total
        return sum(total[lane] for lane in lanes) >= amount

    def take(self, lanes: tuple[int, ...], needed: int, pledges: list[int], amounts: list[int]) -> bool:
        """Take `needed` from the lanes merged in spending order, appending the lines; False (with what was taken
        left in place, for the caller to give back) when the lanes run dry. Heads stay where they were: a pledge
        emptied here is passed over until `spent` makes the taking final."""
        left, top, end = self.left, self.top, self.end
        while True:
            best = end
            for lane in lanes:
                rank = top[lane]
                if rank < best:
                    if left[rank] == 0:  # emptied by an earlier member of this unit
                        ranks, index = self.lanes[lane], self.head[lane] + 1
                        while index < len(ranks) and left[ranks[index]] == 0:
                            index += 1
                        rank = ranks[index] if index < len(ranks) else end
                    if rank < best:
                        best = rank
            if best == end:
                return False
            have = left[best]
            pledges.append(best)
            if have >= needed:
                left[best] = have - needed
                amounts.append(needed)
                return True
            left[best] = 0
            amounts.append(have)
            needed -= have

    def spent(self, pledges: list[int], amounts: list[int], since: int) -> None:
        """Lines from `since` on are final: their lanes' money goes down, and lanes move past the pledges emptied."""
        left, total, lanes_of_pledge = self.left, self.total, self.lanes_of_pledge
        for index in range(since, len(pledges)):
            rank, amount = pledges[index], amounts[index]
            for lane in lanes_of_pledge[rank]:
                total[lane] -= amount
            if left[rank] == 0:
                for lane in lanes_of_pledge[rank]:
                    if self.top[lane] == rank:
                        ranks, at = self.lanes[lane], self.head[lane]
                        while at < len(ranks) and left[ranks[at]] == 0:
                            at += 1
                        self.head[lane] = at
                        self.top[lane] = ranks[at] if at < len(ranks) else self.end


def _in_turn(band: list[int], communes: list[int], funded_in: list[int], count: int, after: list[int]
             ) -> Iterator[int]:
    """Rule 3 within one score: the commune with the fewest units funded so far goes next (`funded_in` is read as
    the caller updates it), then the earlier unit in (nomination, id) order, which is the lower position; a key is
    funded * count + position. `after` is scratch space: the next unit of the same commune in the band."""
    last: dict[int, int] = {}
    firsts = []
    for unit in band:
        commune = communes[unit]
        before = last.get(commune)
        if before is None:
            firsts.append(unit)
        else:
            after[before] = unit
        after[unit] = -1
        last[commune] = unit
    heap = [funded_in[communes[unit]] * count + unit for unit in firsts]
    heapq.heapify(heap)
    while heap:
        unit = heap[0] % count
        yield unit
        following = after[unit]
        if following < 0:
            heapq.heappop(heap)
        else:
            heapq.heapreplace(heap, funded_in[communes[following]] * count + following)


def allocate(needs: Needs, funds: Sequence[Funds], *, fair: bool = True) -> Allocation:
    """Fund as many units as the money allows by the rules above; the money left stays on each pledge. Without
    `fair`, units of one score are taken in plain nomination order (kept to compare with)."""
    return _Run(needs, funds).allocate(fair)


class _Run:
    """One call of `allocate`: the needs as numpy columns, the units (households, by position in rule 3's order)
    and the money; the columns of the result grow as units are funded."""

    def __init__(self, needs: Needs, funds: Sequence[Funds]):
        self.needs, self.funds = needs, funds
        count = len(needs)
        self.ids = np.asarray(needs.ids, dtype=np.int64).reshape(count)
        self.people = np.asarray(needs.people, dtype=np.int64).reshape(count)
        households = np.asarray(needs.households, dtype=np.int64).reshape(count)
        self.households = households
        group_names = sorted(set(needs.groups))
        code = {group: index for index, group in enumerate(group_names)}
        groups = np.fromiter((code[group] for group in needs.groups), dtype=np.int64, count=count)
        communes = np.asarray(needs.communes, dtype=np.int64).reshape(count)
        provinces = np.asarray(needs.provinces, dtype=np.int64).reshape(count)
        self.money = money = _Money(funds, group_names)
        # Rule 1 for each distinct (commune, province, group) rather than for each row.
        self.lanes, helped = self._places(communes, provinces, groups, len(group_names))
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
            self.lanes[row] = money.lanes_at(int(communes[first]), int(provinces[first]), int(groups[row]))
        ends = np.cumsum(sizes)
        flat = rows.tolist()
        self.units = [flat[end - size:end] for end, size in zip(ends[order].tolist(), sizes[order].tolist(),
                                                                  strict=True)]
        self.unit_firsts = firsts[order]
        self.scores = scores[order]
        _, commune_index = np.unique(communes[self.unit_firsts], return_inverse=True)
        self.communes = commune_index.tolist()  # each unit's commune as a small number
        self.price_lists = [None if months not in needs.prices else np.asarray(needs.prices[months], np.int64)
                            .reshape(count).tolist() for months in money.months]
        self.choices = list(enumerate(money.months))
        self.priced = [(index, prices) for index, prices in enumerate(self.price_lists) if prices is not None]
        self.groups = needs.groups
        people = np.sort(self.people)
        self.shared_people = bool((people[1:] == people[:-1]).any())  # then a person may come up twice
        self.funded_people: set[int] = set()
        self.rows_funded: list[int] = []
        self.parts: list[tuple[int, int, bool]] = []  # each funded part's (members, months, held)
        self.line_ends: list[int] = []
        self.line_ranks: list[int] = []
        self.line_amounts: list[int] = []
        self.tried: list[int] = []  # the first row of each unit tried, and whether it was funded
        self.tried_funded: list[bool] = []
        self.reserved: dict[int, int] = {}  # pledge -> money kept for its held members still waiting

    def _places(self, communes: np.ndarray, provinces: np.ndarray, groups: np.ndarray, group_count: int
                ) -> tuple[list, np.ndarray]:
        """Each row's lanes by months (`_Money.lanes_at`), and whether any lane may pay for it."""
        if not len(communes):
            return [], np.zeros(0, dtype=bool)
        _, commune_index = np.unique(communes, return_inverse=True)
        _, province_index = np.unique(provinces, return_inverse=True)
        key = (commune_index * (province_index.max() + 1) + province_index) * group_count + groups
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        places = [self.money.lanes_at(int(communes[row]), int(provinces[row]), int(groups[row]))
                  for row in first.tolist()]
        helped = np.array([any(lanes) for lanes in places], dtype=bool)[inverse]
        shared = np.empty(len(places), dtype=object)  # each place's one list, taken row by row in C
        shared[:] = places
        return shared[inverse].tolist(), helped

    def could_pay(self, row: int) -> bool:
        """Whether the member's lanes still have at least the member's own price at some number of months."""
        covers, lanes = self.money.covers, self.lanes[row]
        for index, prices in self.priced:
            price = prices[row]
            if price > 0 and lanes[index] and covers(lanes[index], price):
                return True
        return False

    def fund(self, rows: list[int], first: Funds | None = None) -> tuple[int, list[int]] | None:
        """Take each member's price from the lanes for that member's group, in spending order (`first` before the
        rest), all of one number of months: the held pledge's, else 12, then 6, then 3. Returns the months and
        where each member's lines end; None when no number of months covers them all (nothing is taken)."""
        if first is None and len(rows) == 1:  # most units: one member, nothing held
            return self._fund_one(rows[0])
        choices, lanes_of, covers = self.choices, self.lanes, self.money.covers
        if first is not None:
            choices = sorted(choices, key=lambda choice: choice[1] != first.months)
        for index, months in choices:
            prices = self.price_lists[index]
            if prices is None:
                continue
            wanted: dict[tuple[int, ...], int] = {}  # a group's lanes -> the price of its members
            for row in rows:
                price = prices[row]
                if price <= 0:
                    break
                lanes = lanes_of[row][index]
                wanted[lanes] = wanted[lanes] + price if lanes in wanted else price
            else:  # every member has a price; unless some group's money falls short, whatever the order, take it
                if all(covers(lanes, amount) for lanes, amount in wanted.items()):
                    taken = self._take_all(rows, index, months, first)
                    if taken is not None:
                        return taken
        return None

    def _take_all(self, rows: list[int], index: int, months: int, first: Funds | None
                  ) -> tuple[int, list[int]] | None:
        """`fund` at one number of months (`index`): every member's lines, or None with nothing taken."""
        money, lanes_of, pledges, amounts = self.money, self.lanes, self.line_ranks, self.line_amounts
        prices, take_from = self.price_lists[index], money.take
        since = len(pledges)
        ends = []
        for row in rows:
            price = prices[row]
            if first is not None and first.months == months and helps(first, self.groups[row]):
                first_rank = money.rank[first.id]
                have = money.left[first_rank]
                if have > 0:
                    take = min(have, price)
                    money.left[first_rank] = have - take
                    pledges.append(first_rank)
                    amounts.append(take)
                    price -= take
            # a held member is bought from the holding pledge alone (rule 4)
            if price and (first is not None or not take_from(lanes_of[row][index], price, pledges, amounts)):
                for rank, amount in zip(pledges[since:], amounts[since:], strict=True):
                    money.left[rank] += amount
                del pledges[since:], amounts[since:]
                return None
            ends.append(len(pledges))
        money.spent(pledges, amounts, since)
        return months, ends

    def _fund_one(self, row: int) -> tuple[int, list[int]] | None:
        """`fund` for a unit of one member and no held pledge."""
        money, lanes, pledges, amounts = self.money, self.lanes[row], self.line_ranks, self.line_amounts
        for index, months in self.choices:
            prices = self.price_lists[index]
            if prices is None or prices[row] <= 0 or not money.covers(lanes[index], prices[row]):
                continue
            since = len(pledges)
            money.take(lanes[index], prices[row], pledges, amounts)  # cannot fail: the lanes' money covers it
            money.spent(pledges, amounts, since)
            return months, [len(pledges)]
        return None

    def record(self, unit: int, rows: list[int], months: int, ends: list[int], held: bool) -> None:
        self.rows_funded.extend(rows)
        self.parts.append((len(rows), months, held))
        self.line_ends.extend(ends)
        if self.shared_people:
            self.funded_people.update(self.people[rows].tolist())
        self.funded_in[self.communes[unit]] += 1

    def person_funded(self, rows: list[int]) -> bool:
        return self.shared_people and any(person in self.funded_people for person in self.people[rows].tolist())

    def allocate(self, fair: bool) -> Allocation:
        count = len(self.units)
        self.funded_in = [0] * (max(self.communes, default=0) + 1)  # commune -> units funded in this run
        held = self.fund_held()
        if held:
            self.units = [[row for row in rows if row not in held] for rows in self.units]
        score_starts = np.flatnonzero(np.r_[True, self.scores[1:] != self.scores[:-1]]) if count else []
        bounds = [*np.asarray(score_starts).tolist(), count]
        waiting = [[unit for unit in range(start, end) if self.units[unit]] for start, end in pairwise(bounds)]
        after = [-1] * count
        units, shared, could_pay, fund, record = self.units, self.shared_people, self.could_pay, self.fund, self.record
        tried, tried_funded = self.tried, self.tried_funded
        while waiting:  # passes until one funds nobody: then running again funds nobody either
            funded_before, still = len(self.rows_funded), []
            for band in waiting:
                left_in_band = []
                for unit in _in_turn(band, self.communes, self.funded_in, count, after) if fair else band:
                    rows = units[unit]
                    if shared and self.person_funded(rows):
                        continue
                    left_in_band.append(unit)
                    # Whole when the money allows (then every member could pay for their own card). Otherwise a
                    # member whose group's money could not pay even their own card waits for a pledge that can, and
                    # does not hold the rest of the household back.
                    part, taken = rows, fund(rows)
                    if taken is None:
                        part = [row for row in rows if could_pay(row)]
                        if not part:
                            continue
                        if len(part) < len(rows):
                            taken = fund(part)
                    tried.append(part[0])
                    tried_funded.append(taken is not None)
                    if taken:
                        record(unit, part, *taken, held=False)
                        left_in_band.pop()
                        if len(part) < len(rows):  # the members left wait as the rest of their household
                            self.units[unit] = [row for row in rows if row not in part]
                            left_in_band.append(unit)
                if left_in_band:
                    still.append(left_in_band)
            if len(self.rows_funded) == funded_before:
                break
            waiting = still
        return self.result([row for band in waiting for unit in band for row in self.units[unit]])

    def _scopes(self, unit: int) -> tuple:
        first = self.unit_firsts[unit]
        return ("commune", int(self.needs.communes[first])), ("province", int(self.needs.provinces[first])), ("country",)

    def fund_held(self) -> set[int]:
        """Rule 4: each pledge's held members of a unit (those of its groups) funded together from that pledge alone,
        pledge by pledge in spending order. Returns every held row: held members wait for their pledge's money and
        are not taken in the global order."""
        held = sorted((f for f in self.funds if f.holds), key=lambda f: (f.paid_at, f.id))
        if not held or not self.units:
            return set()
        unit_of_row = np.full(len(self.needs), -1, dtype=np.int64)
        for unit, rows in enumerate(self.units):
            unit_of_row[rows] = unit
        sorter = np.argsort(self.ids, kind="stable")
        every, funded, mine_of = set(), set(), {}
        for f in held:
            wanted = np.asarray(f.holds, dtype=np.int64)
            at = np.minimum(np.searchsorted(self.ids, wanted, sorter=sorter), len(sorter) - 1)
            found = sorter[at][self.ids[sorter[at]] == wanted]
            scope = scope_of(f)
            mine = {row for row in found.tolist() if unit_of_row[row] >= 0 and helps(f, self.groups[row])
                    and scope in self._scopes(int(unit_of_row[row]))}  # only what the pledge may ever pay for
            every |= mine
            mine_of[f.id] = mine
            if f.id not in self.money.rank:
                continue  # no money left on it: its members wait
            for unit in sorted({int(unit_of_row[row]) for row in mine}):
                rows = [row for row in self.units[unit] if row in mine and row not in funded]
                if not rows or self.person_funded(rows):
                    continue
                if self.money.left[self.money.rank[f.id]] <= 0:
                    break
                taken = self.fund(rows, first=f)
                if taken:
                    self.record(unit, rows, *taken, held=True)
                    funded.update(rows)
        # What a pledge has left waits for its own held members still waiting: decided once every pledge has bought
        # its own, so that a member two pledges hold and the second bought keeps nothing of the first's money back.
        for f in held:
            if mine_of[f.id] - funded and f.id in self.money.rank:
                self.reserved[f.id] = self.money.reserve(self.money.rank[f.id])
        return every

    def result(self, waiting: list[int]) -> Allocation:
        rows = np.asarray(self.rows_funded, dtype=np.int64)
        sizes, months, held = (np.asarray(column, dtype=np.int64) for column in zip(*self.parts, strict=True)
                               ) if self.parts else (np.zeros(0, dtype=np.int64),) * 3
        months, held = np.repeat(months, sizes), np.repeat(held, sizes).astype(bool)
        prices = np.zeros(len(rows), dtype=np.int64)
        for length in np.unique(months).tolist():
            chosen = months == length
            prices[chosen] = np.asarray(self.needs.prices[length], dtype=np.int64)[rows[chosen]]
        left = dict(zip(self.money.ids, self.money.left, strict=True))
        for pledge, kept in self.reserved.items():
            left[pledge] += kept
        waiting_rows = np.asarray(waiting, dtype=np.int64)
        unfunded = self.ids[waiting_rows[~np.isin(self.people[waiting_rows], self.people[rows])]]
        return Allocation(
            rows=rows, need_ids=self.ids[rows], people=self.people[rows], households=self.households[rows],
            months=months, prices=prices, held=held,
            line_ends=np.asarray(self.line_ends, dtype=np.int64),
            line_pledges=np.asarray(self.money.ids, dtype=np.int64)[np.asarray(self.line_ranks, dtype=np.intp)],
            line_amounts=np.asarray(self.line_amounts, dtype=np.int64),
            remainder={f.id: left.get(f.id, 0) for f in self.funds}, unfunded=np.sort(unfunded).tolist(),
            considered=list(zip(self.ids[np.asarray(self.tried, dtype=np.intp)].tolist(), self.tried_funded,
                                strict=True)))
