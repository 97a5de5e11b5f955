"""The daily and weekly report of letter 3642/BHXH-TST item 4 (DESIGN.md §8), for one province or the nation.

Every figure is as of the end of a day in Vietnam (Asia/Ho_Chi_Minh, UTC+7, no summer time): with D that day and
T = D + 1 day 00:00 in Vietnam (D 17:00 UTC), "by D" means a stored UTC time before T, or a stored Vietnam date on or
before D. Money is counted at the receiving office of the pledge it belongs to (a province's BHXH, or BHXH Việt Nam,
office 0); needs and cards at the province of the person. So every national integer is the sum of the provinces'
plus the national office's (whose needs and cards are always 0: its money buys cards in the provinces).

The integers (all as of D):

- `pledged`: the amounts of pledges made by D (`created_at`) that are not cancelled or expired now. (A pledge keeps
  no date of its cancellation: one cancelled after D leaves earlier reports too, when they are made again.)
- `received`: confirmed payments whose money date (`paid_on`) is on or before D, at the payment's office (the
  pledge's receiving office).
- `allocated`: the funding lines of sponsorships whose allocation run happened by D (`allocation_run.run_at`) and
  that were not released by D (`released_at`), as the lines are now: a batch priced again at its payment changes
  its cards' lines (`donation.cards.repricing`), and the change counts from the run on (a tally row of the run's
  own, `count_runs`), so that a report made again for an earlier day adds up to the rows too.
- `spent`: the funding lines of sponsorships in purchase batches paid to BHXH on or before D (`paid_on`; paid and
  carded batches: a paid batch is never cancelled).
- `cards_funded`: sponsorships allocated by D and not released by D (one card each), at the person's province.
- `people_nominated`: nominations made by D (`nominated_at`), whatever happened to them since.
- `people_approved`: nominations approved now whose review was by D (`reviewed_at`) and whose approval had not ended
  before D (`approved_until` empty or on or after D).
- `people_funded`: nominations with at least one sponsorship counted in `cards_funded` (a person renewed for a second
  period has two cards funded and is one need funded).
- `people_carded`: nominations with an issued card imported by D (`card.imported_at`).

Besides: `donors_by_kind` (kind -> donors with a pledge counted in `pledged`, their pledged and received), `cards_by
_group` (group -> cards funded), `change` (each integer minus the previous report's: the day before for a daily
report, the Friday a week before for a weekly one), `ranking` (every province by the share of its approved needs
that are funded, in basis points; then more needs funded first; then the province code; provinces with no approved
need last, without a share).

The weekly report runs from Saturday to Friday (the Friday 16:00 deadline of the letter): given a date, the week is
the one that ends on the first Friday on or after it (a Friday is its own week's end); its figures are the daily
report's as of that Friday and its change is the week's (that Friday against the one before).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from db.bulk import epoch_seconds
from db.models import (
    AllocationRun,
    Card,
    Donor,
    FundingLine,
    Nomination,
    Payment,
    Pledge,
    Province,
    PurchaseBatch,
    ReportTally,
    Sponsorship,
)
from db.uow import UnitOfWork
from donation.access import audit_checkpoints
from donation.access.actors import OFFICE_STAFF, PROVINCE_OFFICER, Actor, require_role
from donation.access.offices import NATIONAL, NATIONAL_NAME
from donation.common.dates import VN_TZ, today_vn
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.pledges.donors import KINDS
from donation.pledges.states import LIVE_PLEDGES

FIGURES = ("pledged", "received", "allocated", "spent", "cards_funded", "people_nominated", "people_approved",
           "people_funded", "people_carded")
MONEY = ("pledged", "received", "allocated", "spent")
FIGURE_NAMES = {
    "pledged": "Tiền cam kết", "received": "Tiền đã nhận", "allocated": "Tiền đã phân bổ",
    "spent": "Tiền đã chi mua thẻ", "cards_funded": "Thẻ được tài trợ", "people_nominated": "Người được đề cử",
    "people_approved": "Người được duyệt", "people_funded": "Người được tài trợ", "people_carded": "Người đã có thẻ",
}
KINDS_OF_REPORT = {"daily": "Báo cáo ngày", "weekly": "Báo cáo tuần"}
FRIDAY = 4
VN_OFFSET_SECONDS = 7 * 3600  # Vietnam keeps UTC+7 all year
EPOCH_DAY = date(1970, 1, 1)


@dataclass(frozen=True)
class Figures:
    pledged: int = 0
    received: int = 0
    allocated: int = 0
    spent: int = 0
    cards_funded: int = 0
    people_nominated: int = 0
    people_approved: int = 0
    people_funded: int = 0
    people_carded: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f) + getattr(other, f) for f in FIGURES))

    def __sub__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f) - getattr(other, f) for f in FIGURES))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def left(self) -> int:
        """Money received and not yet allocated."""
        return self.received - self.allocated

    @property
    def share_funded_bp(self) -> int | None:
        """Approved needs funded, in basis points (10000 = all); None without approved needs."""
        return self.people_funded * 10000 // self.people_approved if self.people_approved else None


@dataclass(frozen=True)
class Ranked:
    rank: int
    province: int
    name: str
    people_approved: int
    people_funded: int
    share_bp: int | None

    def as_dict(self) -> dict:
        return {"rank": self.rank, "province": self.province, "name": self.name,
                "people_approved": self.people_approved, "people_funded": self.people_funded, "share_bp": self.share_bp}


@dataclass(frozen=True)
class AreaRow:
    code: int  # a province's code, or 0 for the national office
    name: str
    figures: Figures
    change: Figures


@dataclass(frozen=True)
class KindRow:
    donors: int
    pledged: int
    received: int


@dataclass(frozen=True)
class Report:
    kind: str  # daily or weekly
    on: date  # as of the end of this day (the week's Friday for a weekly report)
    since: date  # the first day the change covers: the day itself, or the week's Saturday
    previous: date  # the previous report's date, which `change` is taken against
    province: int | None  # None: the nation
    name: str
    figures: Figures
    change: Figures
    donors_by_kind: dict[str, KindRow]
    cards_by_group: dict[str, int]
    ranking: tuple[Ranked, ...]
    provinces: tuple[AreaRow, ...] = ()  # the national report: one row per province
    national_office: AreaRow | None = None
    made_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The newest signed audit checkpoint, printed so that a deletion of later-anchored events shows against paper.
    audit_checkpoint: audit_checkpoints.Checkpoint | None = None

    @property
    def title(self) -> str:
        if self.kind == "weekly":
            return f"{KINDS_OF_REPORT['weekly']} từ {self.since:%d/%m/%Y} đến {self.on:%d/%m/%Y}"
        return f"{KINDS_OF_REPORT['daily']} {self.on:%d/%m/%Y}"

    def as_json(self) -> dict:
        data: dict = {"report": self.kind, "date": self.on.isoformat(), "since": self.since.isoformat(),
                      "previous": self.previous.isoformat(),
                      "scope": "national" if self.province is None else self.province, "name": self.name,
                      **self.figures.as_dict(), "left": self.figures.left,
                      "donors_by_kind": {k: vars(v) for k, v in self.donors_by_kind.items()},
                      "cards_by_group": self.cards_by_group, "change": self.change.as_dict(),
                      "ranking": [r.as_dict() for r in self.ranking],
                      "audit_checkpoint": self.audit_checkpoint.as_dict() if self.audit_checkpoint else None}
        if self.province is None:
            data["provinces"] = [{"province": r.code, "name": r.name, **r.figures.as_dict(),
                                  "change": r.change.as_dict()} for r in self.provinces]
            office = self.national_office
            data["national_office"] = {"office": NATIONAL, "name": office.name, **office.figures.as_dict(),
                                       "change": office.change.as_dict()}
        return data


# Dates ----------------------------------------------------------------------------------------------------------

def end_of_day(day: date) -> datetime:
    """The first instant after `day` in Vietnam, in UTC: what "by the end of `day`" is compared against."""
    return datetime.combine(day + timedelta(days=1), time(), VN_TZ).astimezone(UTC)


def week_ending(day: date) -> date:
    """The Friday that ends `day`'s Saturday-to-Friday week: `day` itself when it is a Friday."""
    return day + timedelta(days=(FRIDAY - day.weekday()) % 7)


def _vn_day(value: datetime) -> date:
    return value.astimezone(VN_TZ).date()


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_time(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _utc(value) -> datetime:
    """A stored time: aware UTC from the column's type (db.types.UTCDateTime)."""
    return _as_time(value)


# Scope ----------------------------------------------------------------------------------------------------------

def check_scope(actor: Actor, province: int | None) -> None:
    """A provincial officer reads their own province; the national officer and administrators any province or the
    nation; nobody else reads reports (the public page has its own, suppressed figures)."""
    require_role(actor, *OFFICE_STAFF)
    if actor.role == PROVINCE_OFFICER and province != actor.province_code:
        raise Forbidden(f"Tài khoản {actor.username} chỉ xem được báo cáo của tỉnh mình" if province is not None else
                        f"Báo cáo cả nước dành cho BHXH Việt Nam: tài khoản {actor.username} xem báo cáo tỉnh mình")


# The tally: every area's figures at several dates, from a few grouped queries ------------------------------------

@dataclass
class Tally:
    """What the grouped queries found, kept small (a row per area and run, batch, release or import), so that
    figures at any of the requested dates come without another query."""

    days: tuple[date, ...]
    names: dict[int, str]  # province code -> name
    counts: dict[tuple[int, date], dict[str, int]] = field(default_factory=lambda: defaultdict(
        lambda: defaultdict(int)))
    groups: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))  # at the first day
    kinds: dict[tuple[int, str], list[int]] = field(default_factory=dict)  # (area, kind) -> donors, pledged, received
    national_kinds: dict[str, int] = field(default_factory=dict)  # kind -> distinct donors in the nation

    def figures(self, area: int, day: date) -> Figures:
        return Figures(**{k: self.counts.get((area, day), {}).get(k, 0) for k in FIGURES})

    def areas(self) -> list[int]:
        return sorted(self.names)


def tally(session: Session, days: Iterable[date], *, nomination_days: Iterable[date] | None = None) -> Tally:
    """Every province's and the national office's integers at each of `days` (the first also gives donors by kind
    and cards by group); nominations are counted only at the days in `nomination_days` (default: every one of
    `days`), as they cost a conditional count per day over every nomination."""
    days = tuple(days)
    nomination_days = days if nomination_days is None else tuple(nomination_days)
    result = Tally(days, dict(session.exec(select(Province.code, Province.name)).all()))
    ends = {day: end_of_day(day) for day in days}
    add = result.counts

    def put(area: int, day: date, key: str, value) -> None:
        add[(area, day)][key] += int(value or 0)

    runs, batches = _sources(session)

    def live(run_id: int, released_at, day: date) -> bool:
        end = ends[day]
        if runs[run_id] >= end:
            return False
        if released_at is None:
            return True
        return _as_time(released_at) >= end

    # Runs and paid batches, each counted once (`ReportTally`); releases, few, read apart.
    stored = _tallies(session, runs, batches)
    released = session.exec(
        select(Sponsorship.id, Sponsorship.province_code, Sponsorship.group_key, Sponsorship.run_id,
               Sponsorship.released_at).where(Sponsorship.released_at.is_not(None))).all()
    released_money = defaultdict(list)
    if released:
        for sponsorship, office, amount in session.exec(
                select(FundingLine.sponsorship_id, Pledge.office_code, FundingLine.amount)
                .join(Pledge, Pledge.id == FundingLine.pledge_id)
                .where(FundingLine.sponsorship_id.in_([r[0] for r in released]))):
            released_money[sponsorship].append((office, amount))
    for source, source_id, kind, area, key, value in stored:
        for day in days:
            if source == "batch":
                if batches[source_id] <= day:
                    put(area, day, "spent", value)
            elif runs[source_id] < ends[day]:
                if kind == "money":
                    put(area, day, "allocated", value)
                elif kind == "cards":
                    put(area, day, "cards_funded", value)
                    put(area, day, "people_funded", value)
                    if day == days[0]:
                        result.groups[(area, key)] += value
    for sponsorship, province, group, run_id, released_at in released:
        for day in days:
            if runs[run_id] < ends[day] and not live(run_id, released_at, day):  # funded, then released by then
                put(province, day, "cards_funded", -1)
                put(province, day, "people_funded", -1)
                if day == days[0]:
                    result.groups[(province, group)] -= 1
                for office, amount in released_money[sponsorship]:
                    put(office, day, "allocated", -amount)
    result.groups = defaultdict(int, {k: v for k, v in result.groups.items() if v})
    # A person with more than one sponsorship is one need funded: take the extra ones back.
    repeated = sorted({value for source, _, kind, _, _, value in stored if kind == "repeat"})
    extra: dict[tuple[int, int], list] = defaultdict(list)
    for start in range(0, len(repeated), 5000):
        for nomination, province, run_id, released_at in session.exec(
                select(Sponsorship.nomination_id, Sponsorship.province_code, Sponsorship.run_id,
                       Sponsorship.released_at).where(Sponsorship.nomination_id.in_(repeated[start:start + 5000]))):
            extra[(nomination, province)].append((run_id, released_at))
    for (_, province), rows in extra.items():
        for day in days:
            alive = sum(live(run_id, released_at, day) for run_id, released_at in rows if run_id in runs)
            if alive > 1:
                put(province, day, "people_funded", 1 - alive)

    # People with a card, at the batch's province (a batch is one province's): cards by batch and import, then the
    # few people with more than one card counted once.
    first_end = ends[days[0]]
    provinces_of = dict(session.exec(select(PurchaseBatch.id, PurchaseBatch.province_code)).all())
    for batch_id, imported_at, people in session.exec(
            select(Card.batch_id, Card.imported_at, func.count()).group_by(Card.batch_id, Card.imported_at)):
        for day in days:
            if _utc(imported_at) < ends[day]:
                put(provinces_of[batch_id], day, "people_carded", people)
    twice = select(Card.person_id).group_by(Card.person_id).having(func.count() > 1)
    by_nomination: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for nomination, province, imported_at in session.exec(
            select(Sponsorship.nomination_id, Sponsorship.province_code, Card.imported_at)
            .join(Sponsorship, Sponsorship.id == Card.sponsorship_id).where(Card.person_id.in_(twice))):
        by_nomination[(nomination, province)].append(_utc(imported_at))
    for (_, province), times in by_nomination.items():
        for day in days:
            cards = sum(t < ends[day] for t in times)
            if cards > 1:
                put(province, day, "people_carded", 1 - cards)

    # Nominations: counted now by province and status from the index alone, less the few rows that a date changes
    # (nominated, or approved, after the day; an approval ended before it), counted day by day.
    if nomination_days:
        for province, status, count in session.exec(
                select(Nomination.province_code, Nomination.status, func.count())
                .group_by(Nomination.province_code, Nomination.status)):
            for day in nomination_days:
                put(province, day, "people_nominated", count)
                if status == "approved":
                    put(province, day, "people_approved", count)
        earliest, latest = min(ends[d] for d in nomination_days), max(nomination_days)
        approved = Nomination.status == "approved"

        def not_counted(day: date):
            return and_(approved, or_(Nomination.reviewed_at.is_(None), Nomination.reviewed_at >= ends[day],
                                      Nomination.approved_until < day))

        columns = []
        for day in nomination_days:
            columns.append(func.sum(case((Nomination.nominated_at >= ends[day], 1), else_=0)))
            columns.append(func.sum(case((not_counted(day), 1), else_=0)))
        for province, *sums in session.exec(
                select(Nomination.province_code, *columns)
                .where(or_(Nomination.nominated_at >= earliest,
                           and_(approved, or_(Nomination.reviewed_at.is_(None), Nomination.reviewed_at >= earliest,
                                              Nomination.approved_until < latest))))
                .group_by(Nomination.province_code)):
            for index, day in enumerate(nomination_days):
                put(province, day, "people_nominated", -int(sums[2 * index] or 0))
                put(province, day, "people_approved", -int(sums[2 * index + 1] or 0))

    # Pledges and payments, at the receiving office (donors by kind at the first date).
    # Summed by office, kind and the Vietnam day the pledge was made (whole seconds since 1970, shifted to UTC+7,
    # divided by a day's), then added up here for each day, as the payments below.
    made_on = (epoch_seconds(Pledge.created_at) + VN_OFFSET_SECONDS) / 86_400
    day_numbers = {day: (day - EPOCH_DAY).days for day in days}
    for office, kind, made, amount in session.exec(
            select(Pledge.office_code, Donor.kind, made_on, func.sum(Pledge.amount))
            .join(Donor, Donor.id == Pledge.donor_id).where(Pledge.status.in_(LIVE_PLEDGES))
            .group_by(Pledge.office_code, Donor.kind, made_on)):
        entry = result.kinds.setdefault((office, kind), [0, 0, 0])
        for day in days:
            if int(made) <= day_numbers[day]:
                put(office, day, "pledged", amount)
                if day == days[0]:
                    entry[1] += int(amount or 0)
    for office, kind, donors in session.exec(
            select(Pledge.office_code, Donor.kind, func.count(distinct(Pledge.donor_id)))
            .join(Donor, Donor.id == Pledge.donor_id)
            .where(Pledge.status.in_(LIVE_PLEDGES), Pledge.created_at < first_end)
            .group_by(Pledge.office_code, Donor.kind)):
        result.kinds[(office, kind)][0] = int(donors or 0)
    # "+ 0": grouped by the office's index, SQLite would read every row through it, at twice the cost of a scan.
    # Summed by office and money date (a few thousand rows), then added up here for each day: a conditional sum per
    # day over every payment cost five times as much for a month's trend.
    office_of_payment = Payment.office_code + 0
    for office, paid_on, amount in session.exec(
            select(office_of_payment, Payment.paid_on, func.sum(Payment.amount))
            .where(Payment.status == "confirmed").group_by(office_of_payment, Payment.paid_on)):
        paid_on = _as_date(paid_on)
        for day in days:
            if paid_on <= day:
                put(office, day, "received", amount)
    for office, kind, amount in session.exec(
            select(office_of_payment, Donor.kind, func.sum(Payment.amount))
            .join(Pledge, Pledge.id == Payment.pledge_id).join(Donor, Donor.id == Pledge.donor_id)
            .where(Payment.status == "confirmed", Payment.paid_on <= days[0])
            .group_by(office_of_payment, Donor.kind)):
        result.kinds.setdefault((office, kind), [0, 0, 0])[2] = int(amount or 0)
    result.national_kinds = dict(session.exec(
        select(Donor.kind, func.count(distinct(Pledge.donor_id))).join(Donor, Donor.id == Pledge.donor_id)
        .where(Pledge.status.in_(LIVE_PLEDGES), Pledge.created_at < first_end).group_by(Donor.kind)).all())
    return result


def _money_by_office(session: Session, which) -> list[tuple[int, int]]:
    """The funding lines of the sponsorships `which` selects, summed by their pledges' receiving office."""
    return [(office, int(amount)) for office, amount in session.exec(
        select(Pledge.office_code, func.sum(FundingLine.amount))
        .join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id)
        .join(Pledge, Pledge.id == FundingLine.pledge_id).where(which).group_by(Pledge.office_code))]


def _sources(session: Session) -> tuple[dict[int, datetime], dict[int, date]]:
    """The allocation runs (id -> when, UTC) and the batches paid to BHXH (id -> the day paid)."""
    runs = {run_id: _as_time(at) for run_id, at in session.exec(select(AllocationRun.id, AllocationRun.run_at))}
    batches = {batch_id: _as_date(paid_on) for batch_id, paid_on in session.exec(
        select(PurchaseBatch.id, PurchaseBatch.paid_on).where(PurchaseBatch.paid_on.is_not(None),
                                                              PurchaseBatch.status.in_(("paid", "carded"))))}
    return runs, batches


def count_new(*, uow: UnitOfWork | None = None) -> None:
    """Count the runs and paid batches no report has counted yet, now (`tally_new`)."""
    with uow or UnitOfWork() as work:
        tally_new(work.session)


def tally_new(session: Session) -> None:
    """Count the runs and paid batches no report has counted yet, now, in a transaction of its own: an allocation
    does once it has saved its run, so that the next report does not pay for it (a run of a million sponsorships
    costs seconds, once). Reports still count what this missed."""
    _tallies(session, *_sources(session))


def _tallies(session: Session, runs: dict[int, datetime], batches: dict[int, date], *, attempts: int = 3
             ) -> list[tuple]:
    """The stored tallies of every run and paid batch, counting (and storing) those not counted yet: a run's cards
    by province and group, its money by the pledges' office, and the nominations that have more than one
    sponsorship; a batch's money by office. Another process counting the same at once only costs time: the unique
    row refuses the second copy and its rows are read instead."""
    source = (ReportTally.source, ReportTally.source_id, ReportTally.kind, ReportTally.area, ReportTally.key,
              ReportTally.value)
    done = set(session.exec(select(ReportTally.source, ReportTally.source_id).where(ReportTally.kind == "done")))
    new_runs = sorted(r for r in runs if ("run", r) not in done)
    new_batches = sorted(b for b in batches if ("batch", b) not in done)
    if new_runs or new_batches:
        rows = _counted(session, new_runs, new_batches)
        session.add_all(rows)
        try:
            session.commit()
        except IntegrityError:  # counted by another process meanwhile: theirs are the same, but maybe fewer
            session.rollback()
            if attempts > 1:
                return _tallies(session, runs, batches, attempts=attempts - 1)
    return [tuple(row) for row in session.exec(select(*source).where(ReportTally.kind != "done"))
            if (row[0] == "run" and row[1] in runs) or (row[0] == "batch" and row[1] in batches)]


def _counted(session: Session, new_runs: list[int], new_batches: list[int]) -> list[ReportTally]:
    """The tally rows of runs and paid batches not counted yet, with their `done` rows."""
    rows: list[ReportTally] = []
    for run_id in new_runs:
        rows += [ReportTally(source="run", source_id=run_id, kind="cards", area=province, key=group, value=n)
                 for province, group, n in session.exec(
                     select(Sponsorship.province_code, Sponsorship.group_key, func.count())
                     .where(Sponsorship.run_id == run_id)
                     .group_by(Sponsorship.province_code, Sponsorship.group_key))]
        rows += [ReportTally(source="run", source_id=run_id, kind="money", area=office, value=amount)
                 for office, amount in _money_by_office(session, Sponsorship.run_id == run_id)]
    if new_runs:  # sponsorships are never deleted: the nominations funded twice only grow, run by run
        twice = select(Sponsorship.nomination_id).group_by(Sponsorship.nomination_id).having(func.count() > 1)
        rows += [ReportTally(source="run", source_id=new_runs[-1], kind="repeat", area=province, value=n)
                 for n, province in session.exec(
                     select(Sponsorship.nomination_id, Sponsorship.province_code)
                     .where(Sponsorship.nomination_id.in_(twice)).distinct())]
    for batch_id in new_batches:
        rows += [ReportTally(source="batch", source_id=batch_id, kind="money", area=office, value=amount)
                 for office, amount in _money_by_office(session, Sponsorship.batch_id == batch_id)]
    rows += [ReportTally(source="run", source_id=r, kind="done") for r in new_runs]
    rows += [ReportTally(source="batch", source_id=b, kind="done") for b in new_batches]
    return rows


def count_runs(session: Session, run_ids: list[int]) -> None:
    """Count the runs of `run_ids` not counted yet inside the caller's transaction, before it changes their funding
    lines (a batch priced again at its payment, `donation.cards.repricing`): the change is then stored as tally
    rows of its own (kind `money`, key `batch N`), and the run's figures stay the sum of its funding lines as they
    are. A report counting the same runs at once stores the same rows (the lines it reads are those before the
    change, not committed yet): the second copy is refused and dropped with its savepoint."""
    done = set(session.exec(select(ReportTally.source_id).where(
        ReportTally.source == "run", ReportTally.kind == "done", ReportTally.source_id.in_(run_ids))))
    missing = [r for r in run_ids if r not in done]
    if not missing:
        return
    rows = _counted(session, missing, [])
    try:
        with session.begin_nested():
            session.add_all(rows)
    except IntegrityError:  # counted by a report meanwhile, from the same lines
        pass


# The reports ----------------------------------------------------------------------------------------------------

def ranking(counts: Tally, day: date) -> tuple[Ranked, ...]:
    rows = [(counts.figures(code, day), code) for code in counts.areas()]
    rows.sort(key=lambda r: (r[0].share_funded_bp is None, -(r[0].share_funded_bp or 0), -r[0].people_funded, r[1]))
    return tuple(Ranked(rank, code, counts.names[code], f.people_approved, f.people_funded, f.share_funded_bp)
                 for rank, (f, code) in enumerate(rows, start=1))


def _previous(kind: str, on: date) -> date:
    return on - timedelta(days=7 if kind == "weekly" else 1)


def _report(session: Session, kind: str, on: date, province: int | None, counts: Tally | None = None) -> Report:
    if province is not None and session.get(Province, province) is None:
        raise NotFound(f"Không có tỉnh/thành phố mã {province}")
    previous = _previous(kind, on)
    counts = counts or tally(session, (on, previous))
    areas = [province] if province is not None else [NATIONAL, *counts.areas()]
    now = sum((counts.figures(a, on) for a in areas), Figures())
    before = sum((counts.figures(a, previous) for a in areas), Figures())
    kinds = {}
    for key in KINDS:
        donors, pledged, received = (sum(counts.kinds.get((a, key), [0, 0, 0])[i] for a in areas) for i in range(3))
        if province is None:
            donors = int(counts.national_kinds.get(key, 0))  # a donor who pledged to two offices is one donor
        kinds[key] = KindRow(donors, pledged, received)
    groups: dict[str, int] = defaultdict(int)
    for (area, group), cards in counts.groups.items():
        if area in areas:
            groups[group] += cards
    report = Report(kind, on, previous + timedelta(days=1), previous, province,
                    NATIONAL_NAME if province is None else counts.names[province], now, now - before, kinds,
                    dict(sorted(groups.items())), ranking(counts, on))
    if province is None:
        rows = tuple(AreaRow(code, counts.names[code], counts.figures(code, on),
                             counts.figures(code, on) - counts.figures(code, previous)) for code in counts.areas())
        office = AreaRow(NATIONAL, NATIONAL_NAME, counts.figures(NATIONAL, on),
                         counts.figures(NATIONAL, on) - counts.figures(NATIONAL, previous))
        report = Report(**{**vars(report), "provinces": rows, "national_office": office})
    return report


def daily(actor: Actor, *, on: date | None = None, province: int | None = None,
          uow: UnitOfWork | None = None) -> Report:
    """The daily report as of the end of `on` (default today in Vietnam) for `province`, or the nation (None)."""
    check_scope(actor, province)
    with uow or UnitOfWork() as work:
        report = _report(work.session, "daily", on or today_vn(), province)
    return replace(report, audit_checkpoint=audit_checkpoints.newest())


def weekly(actor: Actor, *, on: date | None = None, province: int | None = None,
           uow: UnitOfWork | None = None) -> Report:
    """The weekly report of the Saturday-to-Friday week that ends on the first Friday on or after `on`."""
    check_scope(actor, province)
    with uow or UnitOfWork() as work:
        report = _report(work.session, "weekly", week_ending(on or today_vn()), province)
    return replace(report, audit_checkpoint=audit_checkpoints.newest())


@dataclass(frozen=True)
class TrendPoint:
    day: date
    received: int
    allocated: int
    spent: int
    cards_funded: int


def trend(actor: Actor, *, on: date | None = None, province: int | None = None, days: int = 30,
          uow: UnitOfWork | None = None) -> tuple[TrendPoint, ...]:
    """The cumulative money and cards funded at the end of each of the `days` days up to `on`."""
    check_scope(actor, province)
    if not 1 <= days <= 366:
        raise InvalidInput("Số ngày của biểu đồ phải từ 1 đến 366")
    on = on or today_vn()
    series = tuple(on - timedelta(days=n) for n in range(days - 1, -1, -1))
    with uow or UnitOfWork() as work:
        counts = tally(work.session, series, nomination_days=())
    return _trend(counts, series, province)


def _trend(counts: Tally, series: Iterable[date], province: int | None) -> tuple[TrendPoint, ...]:
    areas = [province] if province is not None else [NATIONAL, *counts.areas()]
    points = []
    for day in series:
        f = sum((counts.figures(a, day) for a in areas), Figures())
        points.append(TrendPoint(day, f.received, f.allocated, f.spent, f.cards_funded))
    return tuple(points)


@dataclass(frozen=True)
class Dashboard:
    report: Report
    trend: tuple[TrendPoint, ...]


def dashboard(actor: Actor, *, kind: str = "daily", on: date | None = None, province: int | None = None,
              days: int = 30, uow: UnitOfWork | None = None) -> Dashboard:
    """What the report page shows: the report and the trend of the `days` days up to it, from one tally."""
    check_scope(actor, province)
    if kind not in KINDS_OF_REPORT:
        raise InvalidInput(f"Không có loại báo cáo '{kind}': dùng daily hoặc weekly")
    on = on or today_vn()
    on = week_ending(on) if kind == "weekly" else on
    previous = _previous(kind, on)
    series = tuple(on - timedelta(days=n) for n in range(days - 1, -1, -1))
    with uow or UnitOfWork() as work:
        counts = tally(work.session, (on, previous, *(d for d in series if d not in (on, previous))),
                       nomination_days=(on, previous))
        return Dashboard(_report(work.session, kind, on, province, counts), _trend(counts, series, province))


def provinces(actor: Actor, *, uow: UnitOfWork | None = None) -> dict[int, str]:
    """The provinces whose report the actor may read: code -> name."""
    require_role(actor, *OFFICE_STAFF)
    with uow or UnitOfWork() as work:
        query = select(Province.code, Province.name).order_by(Province.code)
        if actor.role == PROVINCE_OFFICER:
            query = query.where(Province.code == actor.province_code)
        return dict(work.session.exec(query).all())
