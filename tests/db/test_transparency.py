"""The public figures on real databases: they agree with the report, no small count is shown or can be worked out
from a published total, named donors are those who agreed, and nobody funded is named."""

from dataclasses import astuple, fields, is_dataclass

from sqlalchemy import text
from sqlmodel import select

from db.models import Donor, Person
from donation.access.actors import SYSTEM_ACTOR
from donation.reporting import reports, transparency
from tests.db import test_reports

history = test_reports.history  # the fixture: demo data spread over the last days (a copy of its template)
uow_level = test_reports.uow_level  # which the template is


def strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if is_dataclass(value):
        return set().union(*(strings(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, dict):
        return set().union(set(), *(strings(k) | strings(v) for k, v in value.items()))
    if isinstance(value, (tuple, list)):
        return set().union(set(), *(strings(v) for v in value))
    return set()


def hidden_rows_hold_at_least_five(places, raw_of, total_of):
    """Each count column: what the published total leaves for the hidden cells is never a small number."""
    for key in transparency.COUNTS:
        total = total_of(key)
        if total is None:
            continue
        shown = sum(p.counts[key].value for p in places if p.counts[key].value is not None)
        hidden = [raw_of(p, key) for p in places if p.counts[key].value is None]
        assert not hidden or total - shown >= 5, key
        assert total - shown == sum(hidden)


def test_public_figures_agree_with_the_report_and_hide_small_counts(history, today):
    report = reports.daily(SYSTEM_ACTOR, on=today, uow=history)
    public = transparency.figures(province=66, on=today, uow=history)
    assert public.money == {k: getattr(report.figures, k) for k in reports.MONEY}
    raw = {r.code: r.figures for r in report.provinces}
    for place in public.provinces:
        for key in transparency.COUNTS:
            cell, value = place.counts[key], getattr(raw[place.code], key)
            assert cell.value in (None, value) and (cell.value is None or value >= 5)
            if value < 5:
                assert cell.value is None and cell.text == "•"
    assert any(c.why == transparency.SMALL for p in public.provinces for c in p.counts.values())
    hidden_rows_hold_at_least_five(public.provinces, lambda p, k: getattr(raw[p.code], k),
                                   lambda k: public.counts[k].value)
    # the communes of Đắk Lắk against the province's own published figure
    communes = public.communes
    assert len(communes) > 3 and public.province.code == 66
    with history as work:
        unsuppressed = {code: counts for code, counts in _raw_communes(work.session, today)}
    assert set(unsuppressed) == {c.code for c in communes}
    hidden_rows_hold_at_least_five(communes, lambda c, k: unsuppressed[c.code][k],
                                   lambda k: public.province.counts[k].value)
    for key in transparency.COUNTS:
        assert sum(v[key] for v in unsuppressed.values()) == getattr(raw[66], key)


def _raw_communes(session, today):
    rows = {}
    for key, sql in {
        "people_approved": "SELECT commune_code, COUNT(*) FROM nomination WHERE province_code = 66 AND status = "
                          "'approved' AND (approved_until IS NULL OR approved_until >= :today) GROUP BY commune_code",
        "people_funded": "SELECT commune_code, COUNT(DISTINCT nomination_id) FROM sponsorship WHERE province_code = 66 "
                        "AND status != 'released' GROUP BY commune_code",
        "people_carded": "SELECT commune_code, COUNT(DISTINCT nomination_id) FROM sponsorship WHERE province_code = 66 "
                        "AND status = 'carded' GROUP BY commune_code",
    }.items():
        for code, value in session.connection().execute(text(sql), {"today": today}):
            rows.setdefault(code, dict.fromkeys(transparency.COUNTS, 0))[key] = int(value)
    return rows.items()


def test_named_donors_agreed_and_nobody_funded_is_named(history, today):
    public = transparency.figures(province=66, on=today, uow=history)
    with history as work:
        agreed = set(work.session.exec(select(Donor.name).where(Donor.public)))
        refused = set(work.session.exec(select(Donor.name).where(Donor.public.is_(False))))
        people = set(work.session.exec(select(Person.full_name)))
        identifiers = {i for p in work.session.exec(select(Person)) for i in (p.national_id, p.social_insurance_code)
                       if i}
    assert public.named and {d.name for d in public.named} <= agreed
    published = strings(public)
    assert not published & (refused - agreed) and not published & (people - agreed)  # a donor may share a name
    assert not any(i in s for s in published for i in identifiers)
    assert all(d.received >= 0 and d.pledged > 0 for d in public.named)
    assert astuple(public.anonymous)[0] is None or public.anonymous.value >= 5
