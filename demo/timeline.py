"""The demo's past at the times its dates tell.

The demo is made in one go at the first start, through the services officials use, and tells a story over weeks:
pledges made 3 to 120 days ago (each quoted on its day) and paid on their days, lists posted at the communes ten days
ago. The services stamp the time a row is saved (`created_at`, `nominated_at`) from the clock, so without this every
demo pledge and nomination would be "made today", and the daily report's change since the previous day would equal
its total. Here those stamps are moved back to the day the demo says (the day's quote, the day's posting), in the
morning of that day in Vietnam; a stamp is only ever moved earlier, never later than it was saved. What the demo does
today (reviews, the allocation run, the purchase, the cards) keeps today's time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, update
from sqlmodel import select

from db.models import Donor, Nomination, Pledge
from db.uow import UnitOfWork
from donation.common.dates import VN_TZ

PLEDGED_AT = time(9)  # a demo pledge of a past day was made at 09:00 that day (Vietnam)
NOMINATED_AT = time(8)  # a posted list's nominations were entered at 08:00 on the day it went up


def morning(day: date, at: time) -> datetime:
    return datetime.combine(day, at, VN_TZ).astimezone(UTC)


def date_the_story(uow: UnitOfWork, today: date) -> None:
    """Move the save times of the demo's pledges and posted nominations of days before `today` back to those days;
    donors were registered no later than their first pledge. One transaction; a few statements per day."""
    with uow as work:
        session = work.session
        for day in session.exec(select(Pledge.quoted_on).where(Pledge.quoted_on < today).distinct()).all():
            at = morning(day, PLEDGED_AT)
            session.execute(update(Pledge).where(Pledge.quoted_on == day, Pledge.created_at > at)
                         .values(created_at=at))
        for day in session.exec(select(Nomination.posted_on).where(Nomination.posted_on < today).distinct()).all():
            at = morning(day, NOMINATED_AT)
            session.execute(update(Nomination).where(Nomination.posted_on == day, Nomination.nominated_at > at)
                         .values(nominated_at=at))
        first = dict(session.exec(select(Pledge.donor_id, func.min(Pledge.created_at)).group_by(Pledge.donor_id)).all())
        for donor in session.exec(select(Donor).where(Donor.id.in_(list(first)))).all() if first else ():
            pledged = _aware(first[donor.id])
            if _aware(donor.created_at) > pledged:
                donor.created_at = pledged
        work.commit()


def _aware(value) -> datetime:
    """A stored time as aware UTC (SQLite's MIN gives text)."""
    value = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return value if value.tzinfo else value.replace(tzinfo=UTC)
