"""The report's calendar: the end of a day in Vietnam, and the Saturday-to-Friday week."""

from datetime import UTC, date, datetime

import pytest

from donation.reporting.reports import end_of_day, week_ending


def test_the_end_of_a_vietnam_day_is_17_00_utc():
    assert end_of_day(date(2026, 11, 27)) == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(("day", "friday"), [
    (date(2026, 11, 27), date(2026, 11, 27)),  # a Friday ends its own week
    (date(2026, 11, 28), date(2026, 12, 4)),  # Saturday starts the next
    (date(2026, 12, 1), date(2026, 12, 4)),
    (date(2026, 12, 3), date(2026, 12, 4)),
])
def test_a_week_runs_from_saturday_to_the_friday_on_or_after_the_date(day, friday):
    assert week_ending(day) == friday
