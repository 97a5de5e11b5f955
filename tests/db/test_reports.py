"""The daily and weekly report against real databases: each figure equals SQL written here independently (raw SQL,
not the module's queries), on days before and after runs, releases, a paid batch and imported cards; national
figures add up; scopes are checked."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from db.models import Sponsorship
from db.uow import UnitOfWork
from demo import seed as demo
from donation.access import auth
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation
from donation.cards import cards
from donation.common.dates import VN_TZ, today_vn
from donation.common.errors import Forbidden
from donation.reporting import reports
from tests.databases import register_template
from tests.db.test_cards import card_row, filled, issued


def last_days(today: date) -> list[date]:
    """The five days the report tests look at, ending today."""
    return [today - timedelta(days=n) for n in (4, 3, 2, 1, 0)]


def make_history(uow, today: date) -> None:
    """Demo people and pledges, allocated, with their times spread over the last days: some nominated and
    reviewed earlier, the run two days ago, two sponsorships released yesterday, a batch paid yesterday whose
    cards were imported today."""
    demo.seed_demo(seed=3, nominations=300, pledges=12, uow=uow, today=today - timedelta(days=3))
    allocation.allocate(SYSTEM_ACTOR, on=today, uow=uow)
    tinh = auth.find_actor("demo.tinh", uow=uow)
    with uow as work:
        gone = list(work.session.exec(select(Sponsorship.id).where(Sponsorship.province_code == 66)
                                      .order_by(Sponsorship.id.desc()).limit(2)))
    for sponsorship in gone:
        allocation.release(tinh, sponsorship, "Người được tài trợ đã có thẻ BHYT khác", uow=uow)
    with uow as work:
        first = work.session.exec(select(Sponsorship.commune_code).where(Sponsorship.province_code == 66,
                                                                         Sponsorship.status == "allocated")
                                  .order_by(Sponsorship.commune_code)).first()
    batch = cards.create_batch(tinh, communes=[first], uow=uow, today=today - timedelta(days=1))
    cards.record_payment(tinh, batch.id, paid_on=today - timedelta(days=1), reference="UNC 7", uow=uow, today=today)
    _, template = cards.card_template(tinh, batch.id, uow=uow)
    cards.import_cards(tinh, filled(template, card_row(issued(uow, batch.id))), "the.xlsx", uow=uow, today=today)
    shift = {"postgresql": "{column} - INTERVAL '{days} days'", "sqlite": "datetime({column}, '-{days} days')"}[
        uow.engine.dialect.name]
    with uow as work:
        run = lambda sql: work.session.connection().execute(text(sql))  # noqa: E731
        ago = lambda column, days: shift.format(column=column, days=days)  # noqa: E731
        run(f"UPDATE nomination SET nominated_at = {ago('nominated_at', 3)} WHERE id % 3 = 0")
        run(f"UPDATE nomination SET reviewed_at = {ago('reviewed_at', 2)} WHERE id % 2 = 0")
        run(f"UPDATE nomination SET nominated_at = {ago('nominated_at', 1)}, reviewed_at = {ago('reviewed_at', 1)} "
            "WHERE id % 2 = 1")
        run(f"UPDATE allocation_run SET run_at = {ago('run_at', 2)}")
        run(f"UPDATE sponsorship SET released_at = {ago('released_at', 1)} WHERE released_at IS NOT NULL")
        run(f"UPDATE pledge SET created_at = {ago('created_at', 4)} WHERE id % 2 = 0")
        work.session.connection().execute(text(
                "UPDATE nomination SET approved_until = :ended WHERE id % 7 = 0 AND status = 'approved'"),
                {"ended": today - timedelta(days=2)})  # approvals that ended two days ago
        work.commit()


# Built once per worker and day (tests.databases), then copied for each test that takes `history`.
register_template("report_history", lambda engine: make_history(UnitOfWork(engine), today_vn()), on="seeded")


@pytest.fixture
def uow_level(request, today) -> str:
    return "report_history" if "history" in request.fixturenames else "seeded"


@pytest.fixture
def history(uow, people, today):
    """A copy of the report_history template (`make_history` as of today)."""
    return uow


def expected(uow, day: date) -> dict[int, dict[str, int]]:
    """Each area's integers as of the end of `day` in Vietnam, by plain SQL."""
    end = datetime.combine(day + timedelta(days=1), time(), VN_TZ).astimezone(UTC)
    sqlite = uow.engine.dialect.name == "sqlite"
    params = {"end": end.strftime("%Y-%m-%d %H:%M:%S") if sqlite else end, "day": day.isoformat() if sqlite else day}
    live = "r.run_at < :end AND (s.released_at IS NULL OR s.released_at >= :end)"
    queries = {
        "pledged": "SELECT office_code, SUM(amount) FROM pledge WHERE status NOT IN ('cancelled', 'expired') "
                   "AND created_at < :end GROUP BY office_code",
        "received": "SELECT office_code, SUM(amount) FROM payment WHERE status = 'confirmed' AND paid_on <= :day "
                    "GROUP BY office_code",
        "allocated": "SELECT p.office_code, SUM(f.amount) FROM funding_line f JOIN sponsorship s ON s.id = "
                     "f.sponsorship_id JOIN allocation_run r ON r.id = s.run_id JOIN pledge p ON p.id = f.pledge_id "
                     f"WHERE {live} GROUP BY p.office_code",
        "spent": "SELECT p.office_code, SUM(f.amount) FROM funding_line f JOIN sponsorship s ON s.id = "
                 "f.sponsorship_id JOIN purchase_batch b ON b.id = s.batch_id JOIN pledge p ON p.id = f.pledge_id "
                 "WHERE b.status IN ('paid', 'carded') AND b.paid_on <= :day GROUP BY p.office_code",
        "cards_funded": "SELECT s.province_code, COUNT(*) FROM sponsorship s JOIN allocation_run r ON r.id = s.run_id "
                        f"WHERE {live} GROUP BY s.province_code",
        "people_funded": "SELECT s.province_code, COUNT(DISTINCT s.nomination_id) FROM sponsorship s JOIN "
                        f"allocation_run r ON r.id = s.run_id WHERE {live} GROUP BY s.province_code",
        "people_nominated": "SELECT province_code, COUNT(*) FROM nomination WHERE nominated_at < :end "
                           "GROUP BY province_code",
        "people_approved": "SELECT province_code, COUNT(*) FROM nomination WHERE status = 'approved' AND reviewed_at "
                          "< :end AND (approved_until IS NULL OR approved_until >= :day) GROUP BY province_code",
        "people_carded": "SELECT s.province_code, COUNT(DISTINCT s.nomination_id) FROM card c JOIN sponsorship s ON "
                        "s.id = c.sponsorship_id WHERE c.imported_at < :end GROUP BY s.province_code",
    }
    found: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(reports.FIGURES, 0))
    with uow as work:
        for key, sql in queries.items():
            for area, value in work.session.connection().execute(text(sql), params):
                found[area][key] = int(value)
    return found


def test_every_figure_equals_plain_sql_on_each_day(history, today):
    seen = set()
    for day in last_days(today):
        want = expected(history, day)
        report = reports.daily(SYSTEM_ACTOR, on=day, uow=history).as_json()
        got = {row["province"]: {k: row[k] for k in reports.FIGURES} for row in report["provinces"]}
        got[0] = {k: report["national_office"][k] for k in reports.FIGURES}
        for area, figures in got.items():
            assert figures == want.get(area, dict.fromkeys(reports.FIGURES, 0)), (day, area)
        assert set(want) <= set(got)
        national = {k: sum(row[k] for row in want.values()) for k in reports.FIGURES}
        assert {k: report[k] for k in reports.FIGURES} == national
        # every national integer is the provinces' plus the national office's
        for key in reports.FIGURES:
            assert report[key] == sum(r[key] for r in report["provinces"]) + report["national_office"][key]
        assert report["people_funded"] <= report["cards_funded"]
        province = reports.daily(SYSTEM_ACTOR, on=day, province=66, uow=history).as_json()
        assert {k: province[k] for k in reports.FIGURES} == want[66]
        seen.add(tuple(national.values()))
    assert len(seen) >= 4  # the days differ: runs, releases, payments and imports fall on different days
    last = expected(history, today)
    assert all(last[66][k] > 0 for k in ("allocated", "spent", "people_carded", "people_funded", "received"))


def test_change_is_the_difference_from_the_previous_day_and_week(history, today):
    report = reports.daily(SYSTEM_ACTOR, on=today, uow=history)
    yesterday = reports.daily(SYSTEM_ACTOR, on=today - timedelta(days=1), uow=history)
    assert report.change == report.figures - yesterday.figures and report.previous == today - timedelta(days=1)
    week = reports.weekly(SYSTEM_ACTOR, on=today, uow=history)
    friday = reports.week_ending(today)
    assert (week.on, week.since, week.on.weekday()) == (friday, friday - timedelta(days=6), 4)
    assert week.since.weekday() == 5  # a Saturday
    before = reports.daily(SYSTEM_ACTOR, on=friday - timedelta(days=7), uow=history)
    assert week.figures == reports.daily(SYSTEM_ACTOR, on=friday, uow=history).figures
    assert week.change == week.figures - before.figures


def test_donors_by_kind_groups_and_ranking(history, today):
    report = reports.daily(SYSTEM_ACTOR, on=today, uow=history)
    with history as work:
        rows = work.session.connection().execute(text(
            "SELECT d.kind, COUNT(DISTINCT p.donor_id), SUM(p.amount) FROM pledge p JOIN donor d ON d.id = p.donor_id "
            "WHERE p.status NOT IN ('cancelled', 'expired') GROUP BY d.kind")).all()
        groups = dict(work.session.connection().execute(text(
            "SELECT group_key, COUNT(*) FROM sponsorship WHERE released_at IS NULL GROUP BY group_key")).all())
    assert {k: (v.donors, v.pledged) for k, v in report.donors_by_kind.items() if v.donors} == {
        kind: (donors, int(amount)) for kind, donors, amount in rows}
    assert sum(v.received for v in report.donors_by_kind.values()) == report.figures.received
    assert report.cards_by_group == groups
    ranked = report.ranking
    assert [r.rank for r in ranked] == list(range(1, 35)) and ranked[0].province == 66
    shares = [r.share_bp for r in ranked if r.share_bp is not None]
    assert shares == sorted(shares, reverse=True)
    assert all(r.share_bp is None for r in ranked[len(shares):])


def test_scope_is_checked(history, people, today):
    tinh = people["demo.tinh"]
    assert reports.daily(tinh, on=today, province=66, uow=history).province == 66
    with pytest.raises(Forbidden):
        reports.daily(tinh, on=today, province=1, uow=history)
    with pytest.raises(Forbidden, match="cả nước"):
        reports.daily(tinh, on=today, uow=history)
    with pytest.raises(Forbidden):
        reports.weekly(people["demo.nhataitro"], on=today, province=66, uow=history)
    assert reports.daily(people["demo.quocgia"], on=today, uow=history).province is None
    assert reports.daily(people["demo.admin"], on=today, province=1, uow=history).figures == reports.Figures()


def test_the_trend_is_cumulative_and_ends_at_the_report(history, today):
    points = reports.trend(SYSTEM_ACTOR, on=today, days=5, uow=history)
    assert [p.day for p in points] == last_days(today)
    last = reports.daily(SYSTEM_ACTOR, on=today, uow=history).figures
    assert (points[-1].received, points[-1].allocated, points[-1].spent, points[-1].cards_funded) == (
        last.received, last.allocated, last.spent, last.cards_funded)
    assert points[0].allocated == 0 < points[-1].allocated


def test_a_later_run_and_a_second_card_for_one_person_are_counted_once_tallied(history, today):
    """Runs are tallied once: a run saved after a report is added by the next one; a person funded twice (a second
    period) is one need funded and two cards."""
    before = reports.daily(SYSTEM_ACTOR, on=today, uow=history)
    with history as work:
        run = lambda sql, **p: work.session.connection().execute(text(sql), p)  # noqa: E731
        now = datetime.now(UTC)
        run_id = run("INSERT INTO allocation_run (run_on, run_at, sponsorships, amount, digest) VALUES "
                     "(:on, :at, 1, 0, '') RETURNING id", on=today, at=now).scalar_one()
        first = work.session.exec(select(Sponsorship).where(Sponsorship.status == "allocated")
                                  .order_by(Sponsorship.id)).first()
        sponsorship = run(
            "INSERT INTO sponsorship (run_id, nomination_id, person_id, household_id, commune_code, province_code, "
            "group_key, months, price, starts_on, ends_on, score, rule, status, release_reason) VALUES (:run, :n, :p, "
            ":h, :c, :v, :g, 12, :price, :s, :e, 0, 'priority', 'allocated', '') RETURNING id", run=run_id,
            n=first.nomination_id, p=first.person_id, h=first.household_id, c=first.commune_code,
            v=first.province_code, g=first.group_key, price=first.price, s=first.ends_on + timedelta(days=1),
            e=first.ends_on + timedelta(days=366)).scalar_one()
        pledge = run("SELECT pledge_id FROM funding_line WHERE sponsorship_id = :s", s=first.id).scalar()
        run("INSERT INTO funding_line (sponsorship_id, pledge_id, amount) VALUES (:s, :p, :a)", s=sponsorship,
            p=pledge, a=first.price)
        work.commit()
    after = reports.daily(SYSTEM_ACTOR, on=today, uow=history)
    want = expected(history, today)
    assert (after.figures.cards_funded, after.figures.people_funded) == (
        before.figures.cards_funded + 1, before.figures.people_funded)
    assert after.figures.allocated == before.figures.allocated + first.price
    province = reports.daily(SYSTEM_ACTOR, on=today, province=first.province_code, uow=history)
    assert province.figures.as_dict() == want[first.province_code]
    yesterday = reports.daily(SYSTEM_ACTOR, on=today - timedelta(days=1), uow=history)
    assert yesterday.figures.as_dict() == {k: sum(v[k] for v in expected(history, today - timedelta(days=1))
                                                  .values()) for k in reports.FIGURES}


def test_reports_made_at_once_count_each_run_once_and_agree(history, today):
    """Four first reports at the same moment: each run is tallied by one of them, and all four say the same."""
    from concurrent.futures import ThreadPoolExecutor

    from db.uow import UnitOfWork

    def one(_):
        return reports.daily(SYSTEM_ACTOR, on=today, uow=UnitOfWork(history.engine)).figures

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, range(4)))
    want = {k: sum(v[k] for v in expected(history, today).values()) for k in reports.FIGURES}
    assert all(r.as_dict() == want for r in results)
    with history as work:
        done = work.session.connection().execute(text(
            "SELECT source, source_id, COUNT(*) FROM report_tally WHERE kind = 'done' GROUP BY source, source_id")).all()
    assert done and all(n == 1 for _, _, n in done)


def test_a_saved_allocation_is_counted_for_reports_at_once_by_the_command(new_database):
    import json

    from db.engine import make_engine
    from db.models import AllocationRun, ReportTally
    from db.uow import UnitOfWork
    from tests.cli import cli

    url = new_database("sqlite", "initialised")  # what `init` leaves: the commands below are the test's
    env = {"DATABASE_URL": url}
    assert cli("seed-demo", "--nominations", "120", "--pledges", "10", env=env).returncode == 0
    assert json.loads(cli("allocate", "--json", env=env).stdout)["sponsorships"] > 0
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as work:
            runs = set(work.session.exec(select(AllocationRun.id)))
            counted = set(work.session.exec(select(ReportTally.source_id).where(
                ReportTally.source == "run", ReportTally.kind == "done")))
        assert runs and counted == runs  # counted by the command: the next report reads, it does not count
    finally:
        engine.dispose()


def test_the_change_is_since_the_previous_days_report_on_the_demo_and_after_a_new_day(uow, people, today):
    """Two reports on consecutive days: the change of the second is what happened on its day. On the demo (whose
    pledges were made and lists posted on days before its first start) the change since yesterday is not the total;
    a pledge and a payment made the next day are that day's whole change of pledged and received."""
    from donation.payments import payments
    from donation.pledges import pledges

    yesterday = today - timedelta(days=1)
    demo.seed_demo(seed=5, nominations=120, pledges=10, allocate=True, uow=uow, today=yesterday)
    _made_yesterday(uow, today)
    first = reports.daily(SYSTEM_ACTOR, on=yesterday, uow=uow)
    day_before = reports.daily(SYSTEM_ACTOR, on=yesterday - timedelta(days=1), uow=uow)
    assert first.change == first.figures - day_before.figures
    with uow as work:
        made = work.session.connection().execute(text(
            "SELECT COALESCE(SUM(amount), 0) FROM pledge WHERE status NOT IN ('cancelled', 'expired') "
            "AND quoted_on = :day"), {"day": yesterday.isoformat() if uow.engine.dialect.name == "sqlite"
                                       else yesterday}).scalar_one()
        late = work.session.connection().execute(text(
            "SELECT COUNT(*) FROM nomination WHERE posted_on IS NULL OR posted_on = :day"),
            {"day": yesterday.isoformat() if uow.engine.dialect.name == "sqlite" else yesterday}).scalar_one()
    # the demo's pledges were made before its day: the day's change of pledged is only that day's pledges
    assert first.figures.pledged > 0 and first.change.pledged == int(made) < first.figures.pledged
    assert first.change.people_nominated == late < first.figures.people_nominated
    assert first.change.allocated == first.figures.allocated > 0  # the demo allocates on its day

    # the next day: a walk-in pledge and its payment, and nothing else
    tinh = people["demo.tinh"]
    pledge = pledges.create_pledge(tinh, amount=3_000_000, province_code=66, today=today, uow=uow,
                                   donor_id=_a_donor(uow))
    paid = payments.record_payment(tinh, pledge.code, amount=1_000_000, method="cash", paid_on=today, today=today,
                                   uow=uow)
    payments.confirm_payment(people["tinh.hai"], paid.id, uow=uow)
    second = reports.daily(SYSTEM_ACTOR, on=today, uow=uow)
    again = reports.daily(SYSTEM_ACTOR, on=yesterday, uow=uow)
    assert again.figures == first.figures  # yesterday's report made again says the same
    assert second.previous == yesterday and second.change == second.figures - first.figures
    assert second.change.as_dict() == {**dict.fromkeys(reports.FIGURES, 0), "pledged": 3_000_000,
                                       "received": 1_000_000}
    assert second.change.left == 1_000_000


def _made_yesterday(uow, today: date) -> None:
    """What the demo of yesterday did at the clock's time (today), at the same time yesterday: its reviews, the late
    nominations, the allocation run, the cards; as if the first start had been yesterday."""
    start = reports.end_of_day(today - timedelta(days=1))
    sqlite = uow.engine.dialect.name == "sqlite"
    earlier = "datetime({0}, '-1 days')" if sqlite else "{0} - INTERVAL '1 day'"
    with uow as work:
        for table, column in (("nomination", "nominated_at"), ("nomination", "reviewed_at"),
                              ("allocation_run", "run_at"), ("card", "imported_at"), ("pledge", "created_at")):
            work.session.connection().execute(text(
                f"UPDATE {table} SET {column} = {earlier.format(column)} WHERE {column} >= :start"),
                {"start": start.strftime("%Y-%m-%d %H:%M:%S") if sqlite else start})
        work.commit()


def _a_donor(uow) -> int:
    """A walk-in donor of the Đắk Lắk office (the demo's companies)."""
    from db.models import Donor

    with uow as work:
        return work.session.exec(select(Donor.id).where(Donor.kind == "organisation").order_by(Donor.id)).first()
