"""The one clock: now in UTC, today in Europe/London.

Nothing else in `tracker/` reads the system clock (ruff's banned-api rule refuses
`datetime.now`, `date.today` and `time.time` elsewhere), so tests can move it with `set_clock`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from tracker.calendar.domain import LONDON

_fixed_now: datetime | None = None


def set_clock(moment: datetime | None) -> None:
    """Tests only: make `utc_now` answer `moment` (timezone-aware), or the real time again."""
    global _fixed_now
    if moment is not None and moment.tzinfo is None:
        raise ValueError("give a timezone-aware moment")
    _fixed_now = moment


def utc_now() -> datetime:
    """Now, timezone-aware in UTC."""
    return _fixed_now.astimezone(UTC) if _fixed_now else datetime.now(UTC)  # noqa: TID251


def epoch_seconds() -> float:
    """Now as seconds since 1970 (for session timestamps)."""
    return utc_now().timestamp()


def local_today() -> date:
    """Today in Europe/London."""
    return utc_now().astimezone(LONDON).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def end_of_local_day(day: date) -> datetime:
    """The first UTC instant after `day` ends in London (so `approved_at < this` means on or
    before `day`)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)


def start_of_local_day(day: date) -> datetime:
    """The UTC instant `day` begins in London."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)
