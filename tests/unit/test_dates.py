"""Dates typed and shown as dd/mm/yyyy; 'today' is Vietnam's."""

from datetime import UTC, date, datetime

import pytest

from donation.common.dates import format_date, format_datetime_vn, parse_date, today_vn
from donation.common.errors import InvalidInput


@pytest.mark.parametrize(("text", "value"), [("01/09/2025", date(2025, 9, 1)), ("1/9/2025", date(2025, 9, 1)),
                                             ("24.11.2026", date(2026, 11, 24)), ("2024-09-01", date(2024, 9, 1)),
                                             (" 29/02/2024 ", date(2024, 2, 29))])
def test_parse_date(text, value):
    assert parse_date(text) == value


@pytest.mark.parametrize(("text", "reason"), [("31/02/2025", "không có trên lịch"), ("09/2025", "không đúng dạng"),
                                              ("", "không đúng dạng"), ("2025/09/01", "không đúng dạng")])
def test_bad_dates_say_why(text, reason):
    with pytest.raises(InvalidInput, match=reason):
        parse_date(text, field="Ngày sinh")


def test_format_and_vietnam_time():
    assert format_date(date(2026, 11, 4)) == "04/11/2026"
    late_utc = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # 00:30 on the 25th in Vietnam
    assert today_vn(late_utc) == date(2026, 11, 25)
    assert format_datetime_vn(late_utc) == "25/11/2026 00:30"
    assert format_datetime_vn(datetime(2026, 11, 24, 9, 0)) == "24/11/2026 16:00"  # naive means UTC
