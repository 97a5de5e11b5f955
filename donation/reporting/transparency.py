"""The public transparency page's figures (no sign-in, DESIGN.md §8): money and people for the nation, each province
and the communes of one, and the donors who agreed to be named with their amounts. No personal data of anyone
funded: counts only, and every count below 5 suppressed so that nobody can be singled out.

Suppression (`suppress`): in each row of cells whose total is published (the communes of a province add up to the
province's figure, the provinces plus nothing else to the nation's), every count below 5 is hidden; then,
while the hidden cells add up to less than 5 (the total minus the cells shown would tell a small number, or a
hidden cell exactly), the smallest cell still shown is hidden too ("secondary" suppression). When the total itself
is hidden, its cells must not give it away either: at least cells adding up to 5 stay hidden among them. Every
hidden cell shows the same mark: marking which were small would tell that the others are at least the smallest shown
one, and so narrow the small one down (found in review: [1, 5, 100] of 106 would leave the small one 0 or 1). Shares
(progress bars) are shown only where both their counts are.

Donors by kind (`donor_kinds`): the rule protects people, not donors who agreed to be named, whom the page lists by
name anyway. A kind's count is the named donors of that kind plus those who did not agree; only the latter are
suppressed as above (against their published total, the count of donors not named), so a kind all of whose donors
are named is always shown, and a kind's count never tells a small number of unnamed donors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, or_
from sqlmodel import Session, func, select

from db.models import Commune, Donor, Nomination, Payment, Pledge, Sponsorship
from db.uow import UnitOfWork
from donation.access.offices import NATIONAL
from donation.common.dates import today_vn
from donation.common.errors import NotFound
from donation.pledges.donors import KINDS
from donation.pledges.states import LIVE_PLEDGES
from donation.reporting import reports

THRESHOLD = 5
COUNTS = ("people_approved", "people_funded", "people_carded")
SMALL, HIDDEN = "small", "hidden"  # a count below 5; a count hidden so that a small one cannot be worked out


@dataclass(frozen=True)
class Count:
    """A published count: its value, or None with why it is not shown."""

    value: int | None
    why: str = ""  # SMALL or HIDDEN when value is None

    @property
    def text(self) -> str:
        if self.value is not None:
            return f"{self.value:,}".replace(",", ".")
        return "•"  # one mark for every hidden cell: which were small is not told


def suppress(values: Sequence[int], *, total_hidden: bool = False, threshold: int = THRESHOLD) -> list[Count]:
    """Hide counts below `threshold`, then more (smallest first) until the hidden ones add up to at least
    `threshold`, so that neither a small count nor the hidden total can be worked out from the published total."""
    hidden = {i for i, v in enumerate(values) if v < threshold}
    small = set(hidden)
    while (hidden or total_hidden) and sum(values[i] for i in hidden) < threshold and len(hidden) < len(values):
        hidden.add(min((i for i in range(len(values)) if i not in hidden), key=lambda i: (values[i], i)))
    return [Count(None, SMALL if i in small else HIDDEN) if i in hidden else Count(v) for i, v in enumerate(values)]


def share_bp(funded: Count, approved: Count) -> int | None:
    """Funded over approved in basis points, only when both are shown."""
    if funded.value is None or approved.value is None or not approved.value:
        return None
    return min(10000, funded.value * 10000 // approved.value)


@dataclass(frozen=True)
class Place:
    code: int
    name: str
    counts: dict[str, Count]  # COUNTS -> Count
    money: dict[str, int]  # pledged, received, allocated, spent at this office (provinces only; empty for communes)

    @property
    def share_bp(self) -> int | None:
        return share_bp(self.counts["people_funded"], self.counts["people_approved"])


@dataclass(frozen=True)
class NamedDonor:
    name: str
    kind: str  # its Vietnamese name
    pledged: int
    received: int


@dataclass(frozen=True)
class Public:
    on: date
    money: dict[str, int]  # the nation's pledged, received, allocated, spent
    counts: dict[str, Count]  # the nation's counts
    national_office: dict[str, int]  # money of pledges for anywhere (BHXH Việt Nam)
    provinces: tuple[Place, ...]
    province: Place | None  # the province whose communes are listed
    communes: tuple[Place, ...]
    donors_by_kind: dict[str, Count]
    named: tuple[NamedDonor, ...]
    anonymous: Count  # donors who did not agree to be named
    anonymous_received: int

    @property
    def share_bp(self) -> int | None:
        return share_bp(self.counts["people_funded"], self.counts["people_approved"])


def _columns(rows: list[dict[str, int]], hidden_totals: dict[str, bool] | None = None) -> list[dict[str, Count]]:
    """Suppress each count column of `rows` on its own (each column adds up to a published total)."""
    out: list[dict[str, Count]] = [{} for _ in rows]
    for key in COUNTS:
        cells = suppress([row[key] for row in rows], total_hidden=bool(hidden_totals and hidden_totals[key]))
        for place, cell in zip(out, cells, strict=True):
            place[key] = cell
    return out


def figures(*, province: int | None = None, on: date | None = None, uow: UnitOfWork | None = None) -> Public:
    """What anyone may see, as of today (the end of `on`): suppressed counts, money, named donors."""
    on = on or today_vn()
    with uow or UnitOfWork() as work:
        session = work.session
        counts = reports.tally(session, (on,))
        areas = [code for code in counts.areas()
                 if any(counts.figures(code, on).as_dict()[k] for k in (*COUNTS, *reports.MONEY))]
        raw = [counts.figures(code, on).as_dict() for code in areas]
        nation = sum((counts.figures(code, on) for code in [NATIONAL, *counts.areas()]), reports.Figures())
        nation_counts = {k: Count(getattr(nation, k)) if getattr(nation, k) >= THRESHOLD else Count(None, SMALL)
                         for k in COUNTS}
        cells = _columns(raw, {k: nation_counts[k].value is None for k in COUNTS})
        places = tuple(Place(code, counts.names[code], cell, {k: row[k] for k in reports.MONEY})
                       for code, row, cell in zip(areas, raw, cells, strict=True))
        chosen, communes = None, ()
        if province is not None:
            if province not in counts.names:
                raise NotFound(f"Không có tỉnh/thành phố mã {province}")
            chosen = next((p for p in places if p.code == province), None)
            if chosen is not None:
                communes = _communes(session, chosen, on)
        office = counts.figures(NATIONAL, on)
        kinds, named, anonymous, anonymous_received = _donors(session, on)
    return Public(on, {k: getattr(nation, k) for k in reports.MONEY}, nation_counts,
                  {k: getattr(office, k) for k in reports.MONEY}, places, chosen, communes, kinds, named, anonymous,
                  anonymous_received)


def _communes(session: Session, province: Place, on: date) -> tuple[Place, ...]:
    """The communes of `province` with approved or funded people, their counts suppressed against the province's."""
    found: dict[int, dict[str, int]] = {}

    def put(rows, key):
        for code, value in rows:
            found.setdefault(code, dict.fromkeys(COUNTS, 0))[key] = int(value)

    put(session.exec(select(Nomination.commune_code, func.count()).where(
        Nomination.province_code == province.code, Nomination.status == "approved",
        or_(Nomination.approved_until.is_(None), Nomination.approved_until >= on))
        .group_by(Nomination.commune_code)), "people_approved")
    live = (Sponsorship.province_code == province.code, Sponsorship.status != "released")
    put(session.exec(select(Sponsorship.commune_code, func.count(distinct(Sponsorship.nomination_id)))
                     .where(*live).group_by(Sponsorship.commune_code)), "people_funded")
    put(session.exec(select(Sponsorship.commune_code, func.count(distinct(Sponsorship.nomination_id)))
                     .where(*live, Sponsorship.status == "carded").group_by(Sponsorship.commune_code)),
        "people_carded")
    names = dict(session.exec(select(Commune.code, Commune.name).where(Commune.province_code == province.code)).all())
    codes = sorted(found, key=lambda c: names.get(c, ""))
    rows = [found[c] for c in codes]
    cells = _columns(rows, {k: province.counts[k].value is None for k in COUNTS})
    return tuple(Place(code, names.get(code, str(code)), cell, {}) for code, cell in zip(codes, cells, strict=True))


def donor_kinds(donors: Sequence[tuple[str, bool]]) -> dict[str, Count]:
    """Donors by kind from (kind, agreed to be named) pairs: named plus unnamed donors; hidden only where the unnamed
    ones of the kind are hidden (below 5, or to keep another such count from being worked out from their total)."""
    named = {kind: sum(1 for k, public in donors if k == kind and public) for kind in KINDS}
    unnamed = {kind: sum(1 for k, public in donors if k == kind and not public) for kind in KINDS}
    with_unnamed = [kind for kind in KINDS if unnamed[kind]]
    total = sum(unnamed.values())
    cells = dict(zip(with_unnamed, suppress([unnamed[k] for k in with_unnamed], total_hidden=total < THRESHOLD),
                     strict=True))
    return {kind: Count(named[kind] + unnamed[kind]) if kind not in cells or cells[kind].value is not None
            else cells[kind] for kind in KINDS}


def _donors(session: Session, on: date):
    """Donors with a live pledge: counts by kind (suppressed), those who agreed to be named with their amounts, and
    the others only as a count and a sum."""
    end = reports.end_of_day(on)
    pledged = dict(session.exec(
        select(Pledge.donor_id, func.sum(Pledge.amount)).where(Pledge.status.in_(LIVE_PLEDGES),
                                                               Pledge.created_at < end).group_by(Pledge.donor_id)).all())
    received = dict(session.exec(
        select(Pledge.donor_id, func.sum(Payment.amount)).join(Pledge, Pledge.id == Payment.pledge_id)
        .where(Payment.status == "confirmed", Payment.paid_on <= on).group_by(Pledge.donor_id)).all())
    donors = session.exec(select(Donor.id, Donor.kind, Donor.name, Donor.public).where(
        Donor.id.in_(list(pledged)))).all() if pledged else []
    kinds = donor_kinds([(kind, bool(public)) for _, kind, _, public in donors])
    named = tuple(sorted((NamedDonor(name, KINDS[kind], int(pledged[i]), int(received.get(i, 0)))
                          for i, kind, name, public in donors if public),
                         key=lambda d: (-d.received, -d.pledged, d.name)))
    others = [i for i, _, _, public in donors if not public]
    anonymous = Count(len(others)) if len(others) >= THRESHOLD else Count(None, SMALL)
    return kinds, named, anonymous, sum(int(received.get(i, 0)) for i in others)
