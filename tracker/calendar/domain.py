"""Calendar rules shared by every feature: dates, months and durations in words, UK tax years,
and whole days between two instants.

Pure functions over `date`, `datetime`, `int` and `Decimal`; the words never depend on the
server's locale. Nothing here reads the clock: `tracker/dates.py` is the one clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from zoneinfo import ZoneInfo

LONDON: Final = ZoneInfo("Europe/London")

MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# UK tax years run from 6 April to 5 April.
TAX_YEAR_START_MONTH: Final = 4
TAX_YEAR_START_DAY: Final = 6


# --- words --------------------------------------------------------------------------------------


def long_date(value: date | None) -> str:
    """A date as people write it: "2 December 2026" ("" for None)."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def long_datetime(value: datetime | None) -> str:
    """An instant as the London clock shows it: "2 December 2026 at 09:05" ("" for None)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        raise ValueError("give a timezone-aware moment")
    local = value.astimezone(LONDON)
    return f"{long_date(local.date())} at {local:%H:%M}"


def month_year(value: date) -> str:
    """A month as people write it: "December 2026"."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def short_month(value: date) -> str:
    """A month's first three letters, for chart axes: "Dec"."""
    return MONTHS[value.month - 1][:3]


def duration(minutes: int | None) -> str:
    """Minutes in words: "1 hour 30 minutes", "45 minutes", "2 hours" ("" for None)."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("" if hours == 1 else "s"))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("" if rest == 1 else "s"))
    return " ".join(parts)


def hours(minutes: int) -> Decimal:
    """Minutes as hours to two decimal places, for reports: 90 is 1.50, 20 is 0.33. Rounded
    half up (a whole number of minutes never falls exactly half-way)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError(f"minutes must be an int, not {type(minutes).__name__}")
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def days_text(days: int | Decimal) -> str:
    """A number of days in words, without trailing zeros: "1 day", "6.5 days", "10 days"."""
    if isinstance(days, bool) or not isinstance(days, (int, Decimal)):
        raise TypeError(f"days must be an int or Decimal, not {type(days).__name__}")
    number = f"{Decimal(days).normalize():f}"
    return f"{number} day" if days == 1 else f"{number} days"


# --- tax years ----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class TaxYear:
    """The UK tax year that starts on 6 April of `start_year` and ends on 5 April after it."""

    start_year: int

    @property
    def start(self) -> date:
        return date(self.start_year, TAX_YEAR_START_MONTH, TAX_YEAR_START_DAY)

    @property
    def end(self) -> date:
        """The last day, inclusive: 5 April of the next year."""
        return self.start.replace(year=self.start_year + 1) - timedelta(days=1)

    @property
    def text(self) -> str:
        """The years it spans: "2026 to 2027"."""
        return f"{self.start_year} to {self.start_year + 1}"


def tax_year(day: date) -> TaxYear:
    """The tax year `day` falls in (6 April to 5 April)."""
    starts = date(day.year, TAX_YEAR_START_MONTH, TAX_YEAR_START_DAY)
    return TaxYear(day.year if day >= starts else day.year - 1)


# --- whole days ---------------------------------------------------------------------------------


def whole_days(start: datetime, end: datetime) -> int:
    """Whole days from `start` to `end`: complete 24-hour periods, rounded down (23 hours is 0
    days, 25 hours is 1; negative when `end` is earlier). Both must be timezone-aware.

    Reports count the same in SQL (`tracker.reports.queries.whole_days_sql`)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("give timezone-aware moments")
    # In UTC: Python subtracts two times in the same zone by their wall clocks.
    return (end.astimezone(UTC) - start.astimezone(UTC)) // timedelta(days=1)
