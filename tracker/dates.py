"""Dates and durations in words, and the organisation's local day (Europe/London)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def long_date(value: date | None) -> str:
    """`1 April 2026`."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def duration(minutes: int | None) -> str:
    """`1 hour 30 minutes`, `45 minutes`, `2 hours`."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("" if hours == 1 else "s"))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("" if rest == 1 else "s"))
    return " ".join(parts)


def local_today() -> date:
    return datetime.now(LONDON).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def end_of_local_day(day: date) -> datetime:
    """The first UTC instant after `day` ends in London (so `approved_at < this` means on or
    before `day`)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)


def start_of_local_day(day: date) -> datetime:
    """The UTC instant `day` begins in London."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)
