"""Vietnam's calendar: today in Asia/Ho_Chi_Minh, dates read and written as dd/mm/yyyy, UTC shown locally."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from db.types import as_utc
from donation.common.errors import InvalidInput

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter (31 January + 1: 28 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def today_vn(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(VN_TZ).date()


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def format_datetime_vn(value: datetime) -> str:
    """A UTC timestamp shown in Vietnam's time: '24/11/2026 16:05'."""
    return as_utc(value).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")  # naive: UTC, as db.types reads it


def parse_date(text: str, *, field: str = "Ngày") -> date:
    """Read dd/mm/yyyy (also d/m/yyyy, with . or -) or ISO yyyy-mm-dd."""
    raw = str(text or "").strip()
    if match := _DMY.fullmatch(raw):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.fullmatch(raw):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise InvalidInput(f"{field} '{raw}' không đúng dạng: nhập ngày/tháng/năm, ví dụ 01/09/2025")
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"{field} '{raw}' không có trên lịch: kiểm tra lại ngày và tháng") from None
