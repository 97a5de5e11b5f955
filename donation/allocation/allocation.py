"""Allocation runs (DESIGN.md §6): the approved needs and the paid money in the officer's scope, each need priced
at the rule in force on the run's date (`card_prices`; the batch that pays BHXH prices again, `cards.repricing`),
the engine's decision (`allocation_engine`), and the sponsorships with their funding lines saved in one transaction,
or only previewed. Running again allocates only new money and new needs. A sponsorship's dates are expected dates
until its batch is paid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import ColumnElement, Connection, case, literal, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from db.bulk import (
    day_number,
    epoch_seconds,
    fetch_batches,
    foreign_keys_unchecked,
    guards_rebuilt_after,
    index_built_after,
    insert_columns,
    new_ids,
    not_among,
    roomy_cache,
    update_each,
)
from db.models import (
    SPONSORSHIP_LIVE,
    AllocationRun,
    Commune,
    FundingLine,
    Hold,
    Nomination,
    Payment,
    Person,
    Pledge,
    Province,
    PurchaseBatch,
    Sponsorship,
    overlapping_live,
)
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import ADMIN, DONOR, NATIONAL_OFFICER, PROVINCE_OFFICER, Actor, require_role
from donation.access.offices import NATIONAL, lock_offices
from donation.allocation.engine import MONTHS, Allocation, Funds, Needs
from donation.allocation.engine import allocate as run_engine
from donation.allocation.engine import ready as engine_ready
from donation.common.dates import add_months
from donation.common.errors import Forbidden, InvalidInput, NotFound, explain
from donation.pledges.pledges import find_pledge, groups_helped, require_visible
from donation.pledges.states import SPENDABLE, check_transition
from donation.premium.calculator import RuleBook
from donation.premium.card_prices import price_nominations
from donation.premium.rules import load_rule_book
from donation.registry.review import approval_in_force
from donation.reporting import reports

ALLOCATORS = (PROVINCE_OFFICER, NATIONAL_OFFICER, ADMIN)
_PLEDGE_LINES = next(index for index in FundingLine.__table__.indexes  # what a pledge bought is read through it
                     if list(index.columns) == [FundingLine.__table__.c.pledge_id])


@dataclass
class AllocationReport:
    dry_run: bool
    pledges_used: int = 0
    sponsorships: int = 0
    people_funded: int = 0
    households_funded: int = 0
    amount_allocated: int = 0
    people_waiting: int = 0  # approved nominations in scope that a donor must pay for, still without a sponsor
    remainder_total: int = 0  # money left on the pledges of the run
    result_digest: str = ""
    by_commune: dict[int, tuple[int, int]] = field(default_factory=dict)  # commune -> (people, amount)
    by_group: dict[str, tuple[int, int]] = field(default_factory=dict)  # group -> (people, amount)
    commune_names: dict[int, str] = field(default_factory=dict)
    run_id: int | None = None

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "pledges_used": self.pledges_used, "sponsorships": self.sponsorships,
                "people_funded": self.people_funded, "households_funded": self.households_funded,
                "amount_allocated": self.amount_allocated, "people_waiting": self.people_waiting,
                "remainder_total": self.remainder_total, "result_digest": self.result_digest}


# SQLite's guard of one live sponsorship per person and day (migration 0014): a run of many rows writes without it
# and checks once after (`db.bulk.guards_rebuilt_after`)
LIVE_GUARDS = ("ex_sponsorship_person_live_insert", "ex_sponsorship_person_live_update", "ix_sponsorship_person_live")


def _scope(actor: Actor, province: int | None) -> tuple[list[int] | None, int | None]:
    """(the offices whose money is spent, None for every office; the province whose needs count, None for all)."""
    require_role(actor, *ALLOCATORS)
    if actor.role == PROVINCE_OFFICER:
        if province not in (None, actor.province_code):
            raise Forbidden(f"Tài khoản {actor.username} chỉ phân bổ trong tỉnh của mình")
        return [actor.province_code], actor.province_code
    if actor.role == NATIONAL_OFFICER:
        if province is not None:
            raise Forbidden("Cán bộ BHXH Việt Nam phân bổ tiền nhận cho cả nước, không theo từng tỉnh")
        return [NATIONAL], None
    return ([province], province) if province is not None else (None, None)


def _touched(offices: list[int] | None, needs_province: int | None) -> list[int] | None:
    """The offices a run must lock: those whose money it spends and those of the provinces whose people it may fund
    (each province's office stands for its people). A national run funds people anywhere, so it takes every
    office's lock, and a provincial run started at the same time waits for it, or it for the provincial run."""
    if offices is None or needs_province is None:
        return None
    return sorted(set(offices) | {needs_province})


def _numbers(batches: Iterator[list[tuple]]) -> np.ndarray:
    """The one number of each row."""
    return np.concatenate([np.zeros(0, dtype=np.int64), *(np.array(batch, dtype=np.int64).reshape(-1)
                                                         for batch in batches)])


NOMINATION_COLUMNS = ("id", "person", "household", "commune", "province", "score", "nominated", "card_until", "birth",
                "poor", "group")  # the columns of `_need_rows`, in order


def _need_rows(session: Session, province: int | None, on: date, group_names: list[str],
               households: list[int] | ColumnElement[bool] | None = None) -> np.ndarray:
    """Approved needs in scope (or of `households`: a few ids, or a condition on the nomination's household),
    approval in force, without a sponsorship still covering them, in id order: one row of numbers each, columns
    NOMINATION_COLUMNS (the group as its place in `group_names`, dates as yyyymmdd, times as seconds). Whether a commune
    is poor is looked up here, not joined."""
    group = (case({key: index for index, key in enumerate(group_names)}, value=Nomination.group_key)
             if group_names else literal(-1))  # no premium groups: no nomination either (its group is a foreign key)
    query = (select(Nomination.id, Nomination.person_id, Nomination.household_id, Nomination.commune_code,
                    Nomination.province_code, Nomination.priority_score, epoch_seconds(Nomination.nominated_at),
                    day_number(Nomination.current_card_until), day_number(Person.birth_date), group)
             .join(Person, Person.id == Nomination.person_id).where(approval_in_force(on)))
    if province is not None:
        query = query.where(Nomination.province_code == province)
    live = select(Sponsorship.person_id).where(Sponsorship.status.in_(SPONSORSHIP_LIVE), Sponsorship.ends_on >= on)
    connection = session.connection()
    if isinstance(households, ColumnElement):  # which households (a donor's area): SQLite leaves out the covered
        query = query.where(households, not_among(Nomination.person_id, live))
        covered = np.zeros(0, dtype=np.int64)
    else:
        if households is not None:  # a few households (a donor's page): only their people's cover is read
            query = query.where(Nomination.household_id.in_(households))
            live = live.where(Sponsorship.person_id.in_(select(Nomination.person_id)
                                                        .where(Nomination.household_id.in_(households))))
        covered = _numbers(fetch_batches(connection, live))
    width = len(query.selected_columns)
    read = np.concatenate([np.zeros((0, width), dtype=np.int64), *(
        np.array(batch, dtype=np.int64).reshape(-1, width) for batch in fetch_batches(connection, query))])
    rows = np.flatnonzero(~np.isin(read[:, 1], covered))
    rows = rows[np.argsort(read[rows, 0], kind="stable")]
    if len(rows) < len(read) or (rows[1:] < rows[:-1]).any():
        read = read[rows]
    ids, people, households_of, communes, provinces, scores, nominated, card_until, birth, groups = read.T
    poor_communes = np.fromiter(session.exec(select(Commune.code).where(Commune.is_poor)), dtype=np.int64)
    poor = np.isin(communes, poor_communes).astype(np.int64)
    return np.column_stack([ids, people, households_of, communes, provinces, scores, nominated, card_until, birth,
                            poor, groups])


def _needs(session: Session, province: int | None, on: date, rules: RuleBook,
           households: list[int] | ColumnElement[bool] | None = None) -> tuple[Needs, np.ndarray, list[date]]:
    """Approved needs in scope (or of `households`), without a sponsorship still covering them, with a price for
    every number of months (`_priced`)."""
    group_names = sorted(rules.groups)  # the premium groups
    return _priced(_need_rows(session, province, on, group_names, households), on, rules, group_names)


def _priced(rows: np.ndarray, on: date, rules: RuleBook, group_names: list[str]
            ) -> tuple[Needs, np.ndarray, list[date]]:
    """The needs of `rows` (`_need_rows`) with a price for every number of months (`card_prices.price_nominations`);
    children whom the state covers in full and people the state and province pay for in full are left out. With
    them, each need's cover start as an index into the list of distinct starts that comes last."""
    column = dict(zip(NOMINATION_COLUMNS, rows.T, strict=True))
    priced = price_nominations(rules, on, ids=column["id"], households=column["household"], groups=column["group"],
                         group_names=group_names, provinces=column["province"], poor=column["poor"].astype(bool),
                         card_until=column["card_until"], birth=column["birth"])
    kept = np.flatnonzero(priced.prices[MONTHS[-1]] > 0)
    needs = Needs(ids=column["id"][kept], people=column["person"][kept], households=column["household"][kept],
                  communes=column["commune"][kept], provinces=column["province"][kept],
                  groups=np.array(group_names, dtype=object)[column["group"][kept]].tolist(),
                  scores=column["score"][kept], nominated=column["nominated"][kept],
                  prices={months: amounts[kept] for months, amounts in priced.prices.items()})
    return needs, priced.starts[kept], priced.start_days


def _funds(session: Session, offices: list[int] | None) -> list[Funds]:
    query = select(Pledge.id, Pledge.paid, Pledge.allocated, Pledge.months, Pledge.province_code,
                   Pledge.commune_code, Pledge.groups).where(Pledge.status.in_(SPENDABLE),
                                                            Pledge.paid > Pledge.allocated)
    if offices is not None:
        query = query.where(Pledge.office_code.in_(offices))
    connection = session.connection()
    first_paid = {pledge: day for batch in fetch_batches(connection, select(
        Payment.pledge_id, day_number(func.min(Payment.paid_on))).where(Payment.status == "confirmed").group_by(
        Payment.pledge_id)) for pledge, day in batch}
    return [Funds(id=pledge, available=paid - allocated, paid_at=first_paid.get(pledge, 0), months=months,
                  province_code=prov, commune_code=commune, groups=groups_helped(groups))
            for batch in fetch_batches(connection, query)
            for pledge, paid, allocated, months, prov, commune, groups in batch]


def allocate(actor: Actor, *, on: date, province: int | None = None, dry_run: bool = False,
             uow: UnitOfWork | None = None, progress: Callable[[float, str], None] | None = None) -> AllocationReport:
    """Match paid money to approved needs in the actor's scope as of `on`; unless `dry_run`, save the result.
    `progress(share done, what now)` is told as each step begins."""
    offices, needs_province = _scope(actor, province)
    tell = progress or (lambda share, step: None)
    engine_ready()  # before any lock: a first run compiles the engine for seconds
    with uow or UnitOfWork() as work, ExitStack() as unchecked:
        session = work.session
        if not dry_run:  # two runs at once: the second waits, then sees the first's result
            # the sponsorships and their lines go in unchecked: they refer to rows read under the locks taken next
            # or written by the run itself; the run's own row is checked before the commit
            unchecked.enter_context(foreign_keys_unchecked(session.connection(),
                                                           checked_after=[AllocationRun.__table__]))
            lock_offices(session, _touched(offices, needs_province))
        tell(0.0, "Đọc người được duyệt và tính mức đóng")
        rules = load_rule_book(session)
        needs, starts, start_days = _needs(session, needs_province, on, rules)
        tell(0.3, "Đọc tiền đã nộp")
        funds = _funds(session, offices)
        tell(0.4, "Phân bổ theo quy tắc")
        funds = _with_holds(needs, funds, _holds(session))
        result = run_engine(needs, funds)
        report = _report(dry_run, needs, funds, result)
        report.commune_names = dict(session.exec(select(Commune.code, Commune.name)
                                                 .where(Commune.code.in_(list(report.by_commune)))).all())
        if dry_run or not report.sponsorships:
            tell(1.0, "Xong")
            return report
        tell(0.7, "Lưu các suất tài trợ")
        try:
            report.run_id = _save(session, actor, province, on, needs, funds, starts, start_days, result, report)
        except IntegrityError as exc:  # the database's guard against funding a person twice, in Vietnamese
            raise InvalidInput(explain(exc) or "Không lưu được kết quả phân bổ: chạy lại") from exc
        audit.record(session, actor, "allocate", "allocation_run", report.run_id, after=report.as_dict())
        unchecked.close()
        work.commit()
        tell(0.9, "Cập nhật số liệu cho báo cáo")
        reports.tally_new(session)
        tell(1.0, "Xong")
        return report


def _holds(session: Session) -> dict[int, tuple[int, frozenset[str]]]:
    """Households held now: household -> (the holding pledge, the groups it helps; empty: every group)."""
    return {household: (pledge, groups_helped(groups)) for household, pledge, groups in
            session.exec(select(Hold.household_id, Hold.pledge_id, Pledge.groups)
                         .join(Pledge, Pledge.id == Hold.pledge_id).where(Hold.status == "active"))}


def _with_holds(needs: Needs, funds: list[Funds], holds: dict[int, tuple[int, frozenset[str]]]) -> list[Funds]:
    """The pledges with the needs each holds: the members of its held households in its groups. A pledge of
    another office, or with no money left, still holds them (with nothing to spend) so that no other money takes
    them."""
    if not holds:
        return funds
    households = np.asarray(needs.households)
    held: dict[int, list[int]] = {}
    for row in np.flatnonzero(np.isin(households, np.fromiter(holds, np.int64, len(holds)))).tolist():
        pledge, groups = holds[int(households[row])]
        if not groups or needs.groups[row] in groups:
            held.setdefault(pledge, []).append(int(needs.ids[row]))
    present = {f.id for f in funds}
    return [replace(f, holds=tuple(held.get(f.id, ()))) for f in funds] + [
        Funds(id=pledge, available=0, paid_at=0, months=12, holds=tuple(ids))
        for pledge, ids in sorted(held.items()) if pledge not in present]


def _totals(keys: np.ndarray, prices: np.ndarray) -> dict[int, tuple[int, int]]:
    """key -> (sponsorships, money), keys in order."""
    values, at = np.unique(keys, return_inverse=True)
    money = np.zeros(len(values), dtype=np.int64)
    np.add.at(money, at, prices)
    return dict(zip(values.tolist(), zip(np.bincount(at, minlength=len(values)).tolist(), money.tolist(),
                                         strict=True), strict=True))


def _how_many(values: np.ndarray) -> int:
    """Distinct values: marked in a table as long as the largest when that is not much longer than the values
    (ids are), else by sorting (numpy's unique hashes them, several times slower for a million)."""
    if not len(values):
        return 0
    if values.min() >= 0 and values.max() < 4 * len(values) + 1_000_000:
        seen = np.zeros(int(values.max()) + 1, dtype=bool)
        seen[values] = True
        return int(np.count_nonzero(seen))
    ordered = np.sort(values)
    return int((ordered[1:] != ordered[:-1]).sum()) + 1


def _report(dry_run: bool, needs: Needs, funds: list[Funds], result: Allocation) -> AllocationReport:
    report = AllocationReport(dry_run=dry_run)
    report.pledges_used, report.sponsorships = _how_many(result.line_pledges), len(result.rows)
    report.people_funded = _how_many(result.people)
    report.households_funded = _how_many(result.households)
    report.amount_allocated = int(result.prices.sum())
    report.people_waiting = len(needs) - report.people_funded
    report.remainder_total = sum(result.remainder.values())
    report.result_digest = result.digest()
    report.by_commune = _totals(np.asarray(needs.communes)[result.rows], result.prices)
    group_names = sorted(set(needs.groups))
    codes = {group: index for index, group in enumerate(group_names)}
    funded_groups = np.asarray(needs.groups, dtype=object)[result.rows].tolist()
    groups = np.fromiter(map(codes.__getitem__, funded_groups), dtype=np.int64, count=len(funded_groups))
    report.by_group = {group_names[code]: totals for code, totals in _totals(groups, result.prices).items()}
    return report


def _save(session: Session, actor: Actor, province: int | None, on: date, needs: Needs, funds: list[Funds],
          starts: np.ndarray, start_days: list[date], result: Allocation, report: AllocationReport) -> int:
    """Sponsorships in nomination order and their funding lines in sponsorship order, column by column: each index
    then grows at its end, which for a million rows is several times cheaper than inserting all over it. The
    sponsorships' ids are taken first, so the lines need not read them back."""
    run = AllocationRun(province_code=province, run_on=on, run_by=actor.user_id, sponsorships=report.sponsorships,
                        amount=report.amount_allocated, digest=report.result_digest)
    session.add(run)
    session.flush()
    connection = session.connection()
    order = np.argsort(result.need_ids, kind="stable")
    rows, months = result.rows[order], result.months[order]
    start_at = starts[rows]
    periods, period_at = np.unique(start_at * 100 + months, return_inverse=True)
    ends = [add_months(start_days[period // 100], period % 100) - timedelta(days=1) for period in periods.tolist()]
    saved = new_ids(connection, Sponsorship.__table__, len(rows))  # the run's row is written: safe on SQLite
    guarded = guards_rebuilt_after(connection, Sponsorship.__table__, LIVE_GUARDS, len(rows),
                                   overlapping_live(int(saved[0])))
    with roomy_cache(connection, megabytes=128), guarded:
        insert_columns(connection, Sponsorship.__table__, {
            "id": saved, "run_id": run.id, "nomination_id": result.need_ids[order], "person_id": result.people[order],
            "household_id": result.households[order], "commune_code": np.asarray(needs.communes)[rows],
            "province_code": np.asarray(needs.provinces)[rows],
            "group_key": np.asarray(needs.groups, dtype=object)[rows], "months": months,
            "price": result.prices[order], "starts_on": np.array(start_days, dtype=object)[start_at],
            "ends_on": np.array(ends, dtype=object)[period_at], "score": np.asarray(needs.scores)[rows],
            "rule": np.where(result.held[order], "held", "priority"), "status": "allocated", "release_reason": ""},
            len(rows))
        counts = np.diff(result.line_ends, prepend=0)
        firsts = (result.line_ends - counts)[order]
        counts = counts[order]
        lines = np.repeat(firsts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        with index_built_after(connection, _PLEDGE_LINES, len(lines)):  # lines in sponsorship order: pledges at random
            insert_columns(connection, FundingLine.__table__, {
                "sponsorship_id": np.repeat(saved, counts), "pledge_id": result.line_pledges[lines],
                "amount": result.line_amounts[lines]}, len(lines))
    now = datetime.now(UTC)
    _spend(connection, needs, funds, result, now)
    held = np.flatnonzero(result.held)  # a held sponsorship's lines are all from its holding pledge
    holders = result.line_pledges[np.r_[0, result.line_ends[:-1]][held]] if len(held) else held
    for pledge in np.unique(holders).tolist():
        session.execute(update(Hold).where(Hold.status == "active", Hold.pledge_id == pledge, Hold.household_id.in_(
            np.unique(result.households[held][holders == pledge]).tolist())).values(status="funded", ended_at=now))
    return run.id


def _spend(connection: Connection, needs: Needs, funds: list[Funds], result: Allocation, now: datetime) -> None:
    """Each pledge used gains what the run took from it; a paid pledge left with nothing, or with less than its
    cheapest card, becomes allocated. Two updates of many rows (`update_each`) that read nothing first: the money
    of every pledge used, then the status of those done (the status is in an index, so setting it, even to what it
    was, moves the pledge's entry: 0.63 s for 64,000 pledges in one statement against 0.15 s without it on SQLite,
    measured here)."""
    used, used_at = np.unique(result.line_pledges, return_inverse=True)
    spent = np.zeros(len(used), dtype=np.int64)
    np.add.at(spent, used_at, result.line_amounts)
    cheapest = {}
    for m in MONTHS:
        positive = np.asarray(needs.prices[m])[np.asarray(needs.prices[m]) > 0]
        cheapest[m] = int(positive.min()) if len(positive) else None
    months = {f.id: f.months for f in funds}
    pledges = used.tolist()
    done = [{"row_id": pledge} for pledge in pledges if result.remainder[pledge] == 0 or (
        cheapest[months[pledge]] is not None and result.remainder[pledge] < cheapest[months[pledge]])]
    table = Pledge.__table__
    update_each(connection, lambda row: update(table).where(table.c.id == row["row_id"]).values(
        allocated=table.c.allocated + row["spent"], updated_at=now), {"row_id": table.c.id, "spent": table.c.allocated},
        [{"row_id": pledge, "spent": amount} for pledge, amount in zip(pledges, spent.tolist(), strict=True)])
    check_transition("paid", "allocated")
    update_each(connection, lambda row: update(table).where(table.c.id == row["row_id"], table.c.status == "paid")
                .values(status="allocated"), {"row_id": table.c.id}, done)


def provinces(actor: Actor, *, uow: UnitOfWork | None = None) -> dict[int, str]:
    """The provinces an administrator may allocate for (each province's office): code -> name."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        return dict(work.session.exec(select(Province.code, Province.name).order_by(Province.code)).all())


def release(actor: Actor, sponsorship_id: int, reason: str, *, uow: UnitOfWork | None = None) -> None:
    """Before purchase, a sponsorship is released (the person died, moved, or got other cover) with a reason; its
    money returns to its pledges, and its nomination is withdrawn: for those reasons the person must not be funded
    again by the next run (the commune nominates them anew if they need a card after all)."""
    require_role(actor, *ALLOCATORS)
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise InvalidInput("Ghi lý do trả lại, ít nhất 5 ký tự (ví dụ: người được tài trợ đã có thẻ BHYT khác)")
    with uow or UnitOfWork() as work:
        session = work.session
        sponsorship = session.get(Sponsorship, sponsorship_id)
        if sponsorship is None:
            raise NotFound(f"Không có suất tài trợ mã {sponsorship_id}")
        if actor.role == PROVINCE_OFFICER and sponsorship.province_code != actor.province_code:
            raise Forbidden(f"Suất tài trợ {sponsorship_id} không thuộc tỉnh của bạn")
        lines = list(session.exec(select(FundingLine).where(FundingLine.sponsorship_id == sponsorship_id)))
        pledges = {p.id: p for p in session.exec(select(Pledge).where(Pledge.id.in_([ln.pledge_id for ln in lines])))}
        if actor.role == NATIONAL_OFFICER and any(p.office_code != NATIONAL for p in pledges.values()):
            raise Forbidden(f"Suất tài trợ {sponsorship_id} có tiền của tỉnh: BHXH tỉnh trả lại")
        # the person's province too: it is the one that batches the sponsorship for purchase
        lock_offices(session, {p.office_code for p in pledges.values()} | {sponsorship.province_code})
        session.refresh(sponsorship)
        if sponsorship.status == "released":
            raise InvalidInput(f"Suất tài trợ {sponsorship_id} đã được trả lại")
        if sponsorship.status != "allocated":
            raise InvalidInput(f"Suất tài trợ {sponsorship_id} đã mua thẻ (đợt mua đã chuyển tiền cho BHXH): "
                               "không trả lại được")
        now = datetime.now(UTC)
        if sponsorship.batch_id is not None:  # an open batch: it leaves the batch, whose totals follow
            batch = session.get(PurchaseBatch, sponsorship.batch_id, with_for_update=True)
            batch.people, batch.amount = batch.people - 1, batch.amount - sponsorship.price
            sponsorship.batch_id = None
        for line in lines:
            pledge = pledges[line.pledge_id]
            session.refresh(pledge)
            pledge.allocated -= line.amount
            if pledge.status == "allocated":
                check_transition("allocated", "paid")
                pledge.status = "paid"
            pledge.updated_at = now
        sponsorship.status, sponsorship.release_reason = "released", reason
        sponsorship.released_by, sponsorship.released_at = actor.user_id, now
        audit.record(session, actor, "release_sponsorship", "sponsorship", sponsorship_id,
                     after={"reason": reason, "returned": sum(line.amount for line in lines)})
        nomination = session.get(Nomination, sponsorship.nomination_id, with_for_update=True)
        if nomination.status == "approved":
            nomination.status, nomination.updated_at = "withdrawn", now
            audit.record(session, actor, "withdraw_nomination", "nomination", nomination.id,
                         before={"status": "approved"}, after={"status": "withdrawn", "reason": reason})
        work.commit()


@dataclass(frozen=True)
class Bought:
    """What a pledge's money bought in one commune for one group: cards, their length, the money, and how many of
    those cards BHXH has been paid for and has issued. No names."""

    commune: str
    group: str
    cards: int
    months: int
    amount: int
    purchased: int = 0  # paid to BHXH in a purchase batch (issued ones included)
    carded: int = 0  # issued and imported back


def what_it_bought(actor: Actor, pledge_code: str, *, uow: UnitOfWork | None = None) -> list[Bought]:
    """For a pledge's donor or its office: the cards its money pays for (sponsorships not released), by commune,
    group and length; the people are never named."""
    require_role(actor, DONOR, *ALLOCATORS)
    with uow or UnitOfWork() as work:
        session = work.session
        pledge = find_pledge(session, pledge_code)
        require_visible(actor, session, pledge)
        rows = session.exec(
            select(Commune.name, Sponsorship.group_key, Sponsorship.months, func.count(), func.sum(FundingLine.amount),
                   func.sum(case((Sponsorship.status.in_(("purchased", "carded")), 1), else_=0)),
                   func.sum(case((Sponsorship.status == "carded", 1), else_=0)))
            .join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id)
            .join(Commune, Commune.code == Sponsorship.commune_code)
            .where(FundingLine.pledge_id == pledge.id, Sponsorship.status.in_(SPONSORSHIP_LIVE))
            .group_by(Commune.name, Sponsorship.group_key, Sponsorship.months)
            .order_by(func.count().desc(), Commune.name)).all()
        return [Bought(commune, group, cards, months, int(amount), int(purchased), int(carded))
                for commune, group, months, cards, amount, purchased, carded in rows]


@dataclass(frozen=True)
class Waiting:
    """The approved needs of some households still waiting, read once: every one as numbers (`rows`, columns
    NOMINATION_COLUMNS, the group as its place in `group_names`), and those a donor would pay something for, priced."""

    rows: np.ndarray
    group_names: list[str]
    needs: Needs

    def sums(self, months: int, groups: frozenset[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What a pledge of `months` helping `groups` (empty: every group) would pay for each household's needs in
        those groups: households (ascending) with someone to pay for, their people, their amounts."""
        households, prices = np.asarray(self.needs.households), np.asarray(self.needs.prices[months])
        if groups:
            kept = np.isin(np.asarray(self.needs.groups, dtype=str), sorted(groups))
            households, prices = households[kept], prices[kept]
        found, at = np.unique(households, return_inverse=True)
        amounts = np.zeros(len(found), dtype=np.int64)
        np.add.at(amounts, at, prices)
        return found, np.bincount(at, minlength=len(found)), amounts


def waiting_nominations(session: Session, households: list[int] | ColumnElement[bool], on: date) -> Waiting:
    """The approved needs of `households` (ids, or a condition on the nomination's household) still waiting as of
    `on`, read and priced once."""
    rules = load_rule_book(session)
    group_names = sorted(rules.groups)
    rows = _need_rows(session, None, on, group_names, households)
    return Waiting(rows, group_names, _priced(rows, on, rules, group_names)[0])


def household_prices(session: Session, households: list[int], on: date, months: int, groups: frozenset[str]
                     ) -> dict[int, tuple[int, int]]:
    """What a pledge of `months` helping `groups` (empty: every group) would pay as of `on` for each household's
    approved members still waiting in those groups: household -> (people, amount). Households with nobody a donor
    must pay for are left out."""
    if not households:
        return {}
    found, people, amounts = waiting_nominations(session, households, on).sums(months, groups)
    return dict(zip(found.tolist(), zip(people.tolist(), amounts.tolist(), strict=True), strict=True))
