"""Directed gifts: a donor browses anonymised approved households inside a pledge's scope and groups and holds some
for that pledge's money. A household has at most one hold in force; a hold lapses after the `hold_days` setting
unless its pledge is paid in full, and ends as funded when an allocation pays for it from the pledge.

What a donor sees of a household: its commune, how many people and of which groups, age bands, flood damage and the
hardships that are not sensitive data (elderly living alone, orphan), and its price, in priority order. Never a name,
an identifier, a birth date, disability, illness or ethnicity (Decree 13/2023: sensitive data), nor the priority
score, which adds up weights of those facts and so would tell them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, func, select

from db.bulk import not_among
from db.models import SPONSORSHIP_LIVE, Commune, Hold, Nomination, Person, Pledge, Sponsorship
from db.uow import UnitOfWork
from donation.access import app_settings, audit
from donation.access.actors import ADMIN, Actor, require_role
from donation.access.offices import lock_offices, share_offices
from donation.allocation.allocation import NOMINATION_COLUMNS, household_prices, waiting_nominations
from donation.common.dates import today_vn
from donation.common.errors import InvalidInput, NotFound
from donation.common.money import format_vnd
from donation.pledges.pledges import PLEDGERS, find_pledge, groups_helped, require_visible
from donation.pledges.states import HOLDING
from donation.premium.rule_data import GROUP_NAMES
from donation.registry.nomination_rows import DAMAGE_NAMES, FLAG_NAMES
from donation.registry.review import approval_in_force

SHOWN_FLAGS = ("elderly_alone", "orphan")  # the need flags that are not sensitive personal data
AGE_BANDS = ((6, "6–17 tuổi"), (18, "18–39 tuổi"), (40, "40–59 tuổi"), (60, "60–79 tuổi"), (80, "từ 80 tuổi"))
DAMAGE_ORDER = ("destroyed", "severe", "partial", "livelihood")
MAX_PER_REQUEST = 100


@dataclass(frozen=True)
class OpenHousehold:
    """An approved household still waiting, as a donor may see it: no name, no identifier, no sensitive fact."""

    household_id: int
    commune: str
    members: tuple[str, ...]  # "Học sinh, 6–17 tuổi", one per person the pledge's groups cover
    circumstances: str
    price: int  # what the pledge would pay for them for its months, at today's prices


@dataclass(frozen=True)
class HeldHousehold:
    household_id: int
    commune: str
    people: int
    amount: int
    held_at: datetime
    expires_at: datetime
    lapses: bool  # False once the pledge is paid in full: the hold then lasts until an allocation funds it


@dataclass
class HoldResult:
    held: list[int] = field(default_factory=list)  # households now held for the pledge
    taken: list[int] = field(default_factory=list)  # held by another pledge a moment earlier
    refused: dict[int, str] = field(default_factory=dict)  # household -> why not (already funded, over budget…)

    @property
    def message(self) -> str:
        parts = []
        if self.held:
            parts.append(f"Đã giữ chỗ {len(self.held)} hộ")
        if self.taken:
            parts.append(f"{len(self.taken)} hộ vừa được cam kết khác giữ chỗ")
        if self.refused:
            parts.append(f"{len(self.refused)} hộ không giữ được: " + "; ".join(sorted(set(self.refused.values()))))
        return ". ".join(parts) + "."


def _holding_pledge(actor: Actor, session: Session, code: str) -> Pledge:
    require_role(actor, *PLEDGERS)
    pledge = find_pledge(session, code)
    require_visible(actor, session, pledge)
    return pledge


def _groups(pledge: Pledge) -> frozenset[str]:
    return groups_helped(pledge.groups)


def _waiting(pledge: Pledge, on: date, households: list[int] | None = None):
    """The approved nominations the pledge may hold: in its scope and groups, approval in force, not covered by a
    live sponsorship, their household not held. For a few `households`, only their people's cover is read."""
    covered = select(Sponsorship.person_id).where(Sponsorship.status.in_(SPONSORSHIP_LIVE), Sponsorship.ends_on >= on)
    if households is not None:
        covered = covered.where(Sponsorship.person_id.in_(
            select(Nomination.person_id).where(Nomination.household_id.in_(households))))
    held = select(Hold.household_id).where(Hold.status == "active")
    query = (select(Nomination.household_id).where(
        approval_in_force(on),
        not_among(Nomination.person_id, covered), not_among(Nomination.household_id, held)))
    if pledge.commune_code is not None:
        query = query.where(Nomination.commune_code == pledge.commune_code)
    elif pledge.province_code is not None:
        query = query.where(Nomination.province_code == pledge.province_code)
    if groups := _groups(pledge):
        query = query.where(Nomination.group_key.in_(sorted(groups)))
    if households is not None:
        query = query.where(Nomination.household_id.in_(households))
    return query


def _room(session: Session, pledge: Pledge) -> int:
    """Money the pledge may still promise to held households: its amount, less what is allocated and already held."""
    holding = session.exec(select(func.coalesce(func.sum(Hold.amount), 0))
                           .where(Hold.pledge_id == pledge.id, Hold.status == "active")).one()
    return pledge.amount - pledge.allocated - int(holding)


def room_left(actor: Actor, code: str, *, uow: UnitOfWork | None = None) -> int:
    """What the pledge may still hold households for (its amount less what is allocated and held)."""
    with uow or UnitOfWork() as work:
        return max(0, _room(work.session, _holding_pledge(actor, work.session, code)))


@dataclass(frozen=True)
class Browse:
    """What a donor browsing a pledge's area sees: the communes with households waiting (code, name, households),
    most first; one page of those households, highest priority first; how many there are in the chosen commune."""

    communes: list[tuple[int, str, int]]
    households: list[OpenHousehold]
    total: int


def browse(actor: Actor, code: str, *, commune: int | None = None, limit: int = 20, offset: int = 0,
           on: date | None = None, uow: UnitOfWork | None = None) -> Browse:
    """The households the pledge may hold, highest priority first: every member of the households with someone
    waiting in its area read once, priced as the allocation prices them (with the household ladder over all their
    members), then counted by commune and paged here as numbers. A household with nobody a donor pays for (the
    state or the province pays in full) is left out."""
    on = on or today_vn()
    with uow or UnitOfWork() as work:
        session = work.session
        pledge = _holding_pledge(actor, session, code)
        if pledge.status not in HOLDING:
            return Browse([], [], 0)
        groups = _groups(pledge)
        if pledge.province_code is None and not groups:  # anywhere, for everyone: each household not held
            area = not_among(Nomination.household_id, select(Hold.household_id).where(Hold.status == "active"))
        else:
            area = Nomination.household_id.in_(select(Nomination.household_id).where(_waiting(pledge, on).whereclause))
        found = waiting_nominations(session, area, on)
        rows = found.rows
        column = {name: rows[:, index] for index, name in enumerate(NOMINATION_COLUMNS)}
        mine = np.ones(len(rows), dtype=bool)  # the members waiting for this pledge: in its area and groups
        if pledge.commune_code is not None:
            mine &= column["commune"] == pledge.commune_code
        elif pledge.province_code is not None:
            mine &= column["province"] == pledge.province_code
        if groups:
            mine &= np.isin(column["group"], [i for i, key in enumerate(found.group_names) if key in groups])
        priced, _, amounts = found.sums(pledge.months, groups)
        mine &= np.isin(column["household"], priced)
        household, place, score, nominated = (column[name][mine] for name in ("household", "commune", "score",
                                                                             "nominated"))
        # one row per household and commune (a household's members may live in different communes)
        order = np.lexsort((place, household))
        household, place, score, nominated = household[order], place[order], score[order], nominated[order]
        changes = (household[1:] != household[:-1]) | (place[1:] != place[:-1])
        firsts = np.flatnonzero(np.r_[len(household) > 0, changes])
        if len(firsts):
            household, place = household[firsts], place[firsts]
            score, nominated = np.maximum.reduceat(score, firsts), np.minimum.reduceat(nominated, firsts)
        codes, counts = np.unique(place, return_counts=True)
        names = dict(session.exec(select(Commune.code, Commune.name).where(Commune.code.in_(codes.tolist()))).all())
        communes = sorted(((c, names[c], n) for c, n in zip(codes.tolist(), counts.tolist(), strict=True)),
                          key=lambda r: (-r[2], r[1]))
        if commune is not None:
            chosen = place == commune
            household, score, nominated = household[chosen], score[chosen], nominated[chosen]
        ranked = household[np.lexsort((household, nominated, -score))]
        households = ranked[offset:offset + limit].tolist()
        details = _details(session, _waiting(pledge, on, households), on) if households else {}
        price = amounts[np.searchsorted(priced, households)].tolist() if households else []
        shown = [OpenHousehold(h, *details[h], amount) for h, amount in zip(households, price, strict=True)
                 if h in details]
        return Browse(communes, shown, len(ranked))


def _age_band(birth: date, on: date) -> str:
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    band = "dưới 6 tuổi"
    for lowest, name in AGE_BANDS:
        if age >= lowest:
            band = name
    return band


def _details(session: Session, waiting, on: date) -> dict[int, tuple[str, tuple[str, ...], str]]:
    """household -> (commune name, its members as group and age band, its circumstances), for donors' eyes."""
    rows = session.exec(select(Nomination.household_id, Commune.name, Nomination.group_key, Person.birth_date,
                               Nomination.flood_damage, Nomination.need_flags)
                        .join(Person, Person.id == Nomination.person_id)
                        .join(Commune, Commune.code == Nomination.commune_code)
                        .where(waiting.whereclause).order_by(Nomination.household_id, Nomination.id)).all()
    found: dict[int, list] = {}
    for household, commune, group, birth, damage, flags in rows:
        entry = found.setdefault(household, [commune, [], set(), set(), False])
        entry[1].append(f"{GROUP_NAMES.get(group, group)}, {_age_band(birth, on)}")
        if damage:
            entry[2].add(damage)
        for flag in (f for f in flags.split(";") if f):
            if flag in SHOWN_FLAGS:
                entry[3].add(flag)
            else:
                entry[4] = True
    result = {}
    for household, (commune, members, damages, flags, sensitive) in found.items():
        words = [DAMAGE_NAMES[d] for d in DAMAGE_ORDER if d in damages][:1]
        words += [FLAG_NAMES[f] for f in SHOWN_FLAGS if f in flags]
        if sensitive:
            words.append("Hoàn cảnh đặc biệt khác")
        result[household] = (commune, tuple(members), "; ".join(words) or "—")
    return result


def _insert_ignoring_held(session: Session, rows: list[dict]) -> set[int]:
    """Insert holds, skipping households another pledge holds (the partial unique index decides, at once, on both
    databases); returns the households inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(Hold.__table__).values(rows)
                 .on_conflict_do_nothing(index_elements=["household_id"], index_where=text("status = 'active'"))
                 .returning(Hold.__table__.c.household_id))
    return set(session.execute(statement).scalars())


def hold(actor: Actor, code: str, households: Sequence[int], *, now: datetime | None = None,
         uow: UnitOfWork | None = None) -> HoldResult:
    """Hold households for the pledge, in the order given, while its money not yet allocated or held covers them.
    Two pledges holding one household at the same moment: exactly one gets it; the other is told in its answer."""
    wanted = list(dict.fromkeys(int(h) for h in households))
    if not wanted:
        raise InvalidInput("Chọn ít nhất một hộ để giữ chỗ")
    if len(wanted) > MAX_PER_REQUEST:
        raise InvalidInput(f"Mỗi lần giữ chỗ tối đa {MAX_PER_REQUEST} hộ: chọn ít hơn")
    now = now or datetime.now(UTC)
    on = today_vn(now)
    result = HoldResult()
    with uow or UnitOfWork() as work:
        session = work.session
        pledge = _holding_pledge(actor, session, code)
        # Under the locks an allocation takes (the offices of the pledge and of the households' provinces, in
        # order), shared with other holds: no run reads the holds while they change, and holds of other pledges go
        # on beside this one (one household to two of them at once: the unique index gives it to one). Requests
        # for one pledge are decided one at a time (its row's lock), so the budget read below stays true until
        # commit.
        places = set(session.exec(select(Nomination.province_code).where(Nomination.household_id.in_(wanted))))
        share_offices(session, places | {pledge.office_code})
        session.exec(select(Pledge.id).where(Pledge.id == pledge.id).with_for_update())
        session.refresh(pledge)
        if pledge.status not in HOLDING:
            raise InvalidInput(f"Cam kết {pledge.code} đã kết thúc: không giữ chỗ được")
        open_now = set(session.exec(_waiting(pledge, on).where(Nomination.household_id.in_(wanted))))
        prices = household_prices(session, sorted(open_now), on, pledge.months, _groups(pledge))
        room = _room(session, pledge)
        rows = []
        for household in wanted:
            if household not in open_now or household not in prices:
                holder = session.exec(select(Hold.pledge_id).where(Hold.household_id == household,
                                                                   Hold.status == "active")).first()
                if holder == pledge.id:
                    result.refused[household] = "đã giữ chỗ cho cam kết này"
                elif holder is not None:
                    result.taken.append(household)
                else:
                    result.refused[household] = "không còn chờ tài trợ trong phạm vi của cam kết"
                continue
            people, amount = prices[household]
            if amount > room:
                result.refused[household] = f"vượt số tiền cam kết còn lại ({format_vnd(max(room, 0))})"
                continue
            room -= amount
            rows.append({"household_id": household, "pledge_id": pledge.id, "people": people, "amount": amount,
                         "held_by": actor.user_id, "held_at": now, "status": "active",
                         "expires_at": now + timedelta(days=app_settings.get(session, "hold_days"))})
        inserted = _insert_ignoring_held(session, sorted(rows, key=lambda row: row["household_id"])) if rows else set()
        result.held = [row["household_id"] for row in rows if row["household_id"] in inserted]
        result.taken += [row["household_id"] for row in rows if row["household_id"] not in inserted]
        if result.held:
            # The audit log's action keeps its first name: the entries already written use it.
            audit.record(session, actor, "hold_needs", "pledge", pledge.id, after={
                "households": result.held,
                "amount": sum(row["amount"] for row in rows if row["household_id"] in inserted)})
            work.commit()
        return result


def release(actor: Actor, code: str, household: int, *, uow: UnitOfWork | None = None) -> None:
    """The donor (or the pledge's office) gives a held household back to the common pool."""
    with uow or UnitOfWork() as work:
        session = work.session
        pledge = _holding_pledge(actor, session, code)
        # the locks `hold` shares, taken whole: a run reading the holds sees this one either held or given back, never half
        lock_offices(session, set(session.exec(select(Nomination.province_code).where(
            Nomination.household_id == household))) | {pledge.office_code})
        row = session.exec(select(Hold).where(Hold.pledge_id == pledge.id, Hold.household_id == household,
                                              Hold.status == "active")).first()
        if row is None:
            raise NotFound(f"Cam kết {pledge.code} không giữ chỗ hộ này")
        row.status, row.ended_at, row.ended_by = "released", datetime.now(UTC), actor.user_id
        audit.record(session, actor, "release_hold", "pledge", pledge.id, after={"household": household})
        work.commit()


def held_households(actor: Actor, code: str, *, uow: UnitOfWork | None = None) -> list[HeldHousehold]:
    """The households the pledge holds now, the soonest to lapse first."""
    with uow or UnitOfWork() as work:
        session = work.session
        pledge = _holding_pledge(actor, session, code)
        paid_in_full = pledge.paid >= pledge.amount
        rows = session.exec(select(Hold, Commune.name).join(Nomination, Nomination.household_id == Hold.household_id)
                            .join(Commune, Commune.code == Nomination.commune_code)
                            .where(Hold.pledge_id == pledge.id, Hold.status == "active")
                            .distinct().order_by(Hold.expires_at, Hold.household_id)).all()
        return [HeldHousehold(h.household_id, commune, h.people, h.amount, h.held_at, h.expires_at, not paid_in_full)
                for h, commune in rows]


def expire(actor: Actor, *, now: datetime | None = None, dry_run: bool = False,
           uow: UnitOfWork | None = None) -> int:
    """Holds past their time whose pledge is not paid in full lapse, and so do holds of pledges that have ended, of
    households nobody in which still waits (funded otherwise, sent back for review, approval ended), and any hold
    past its time by a second `hold_days`: their households go back to the common pool. Returns how many."""
    require_role(actor, ADMIN)
    now = now or datetime.now(UTC)
    with uow or UnitOfWork() as work:
        session = work.session
        ended = select(Pledge.id).where(Pledge.status.not_in(HOLDING))
        unpaid = select(Pledge.id).where(Pledge.paid < Pledge.amount)
        on = today_vn(now)
        waiting = select(Nomination.household_id).where(
            approval_in_force(on),
            not_among(Nomination.person_id, select(Sponsorship.person_id).where(
                Sponsorship.status.in_(SPONSORSHIP_LIVE), Sponsorship.ends_on >= on)))
        # a paid pledge that no run could buy its holds with over a second period (their price rose above what it
        # has) lets them go too, so that its money is not kept for them for ever
        overdue = now - timedelta(days=app_settings.get(session, "hold_days"))
        stale = (Hold.status == "active") & (Hold.pledge_id.in_(ended) | not_among(Hold.household_id, waiting)
                                            | ((Hold.expires_at < now) & Hold.pledge_id.in_(unpaid))
                                            | (Hold.expires_at < overdue))
        if not dry_run:  # holds of any pledge anywhere: every office's lock, as a national run takes them
            lock_offices(session, None)
        households = list(session.exec(select(Hold.household_id).where(stale).order_by(Hold.household_id)))
        if dry_run or not households:
            return len(households)
        session.execute(update(Hold).where(stale).values(status="expired", ended_at=now))
        audit.record(session, actor, "expire_holds", "hold", None, after={"households": households})
        work.commit()
        return len(households)
