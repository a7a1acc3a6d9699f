"""Dates, months and durations in words, UK tax years and whole days: exact tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.calendar.domain import (
    LONDON,
    TaxYear,
    days_text,
    duration,
    hours,
    long_date,
    long_datetime,
    month_year,
    short_month,
    tax_year,
    whole_days,
)

# --- words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2026, 12, 2), "2 December 2026"),
        (date(2026, 4, 1), "1 April 2026"),
        (date(2025, 12, 25), "25 December 2025"),
        (date(2024, 2, 29), "29 February 2024"),
        (date(2027, 1, 31), "31 January 2027"),
        (None, ""),
    ],
)
def test_a_date_is_written_the_way_people_write_it(value: date | None, text: str) -> None:
    assert long_date(value) == text


MONTH_NAMES = [
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
]


@pytest.mark.parametrize(("month", "name"), list(enumerate(MONTH_NAMES, start=1)))
def test_every_month_has_its_english_name_whatever_the_locale(month: int, name: str) -> None:
    day = date(2026, month, 15)
    assert long_date(day) == f"15 {name} 2026"
    assert month_year(day) == f"{name} 2026"
    assert short_month(day) == name[:3]


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        # Summer time: 23:30 UTC is already the next day in London.
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "1 July 2026 at 00:30"),
        # Winter: London is on UTC.
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "31 December 2026 at 23:30"),
        # The morning the clocks go forward (01:00 UTC on 29 March 2026).
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29 March 2026 at 00:59"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29 March 2026 at 02:00"),
        (datetime(2026, 5, 4, 9, 5, tzinfo=LONDON), "4 May 2026 at 09:05"),
        (None, ""),
    ],
)
def test_an_instant_is_written_as_the_london_clock_shows_it(
    moment: datetime | None, text: str
) -> None:
    assert long_datetime(moment) == text


def test_a_naive_instant_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        long_datetime(datetime(2026, 5, 4, 9, 5))


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (None, ""),
        (0, "0 minutes"),
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (61, "1 hour 1 minute"),
        (90, "1 hour 30 minutes"),
        (120, "2 hours"),
        (135, "2 hours 15 minutes"),
    ],
)
def test_durations_in_words(minutes: int | None, text: str) -> None:
    assert duration(minutes) == text


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, Decimal("0.00")),
        (1, Decimal("0.02")),  # 0.0166…
        (20, Decimal("0.33")),  # 0.333…
        (40, Decimal("0.67")),  # 0.666…
        (45, Decimal("0.75")),
        (60, Decimal("1.00")),
        (90, Decimal("1.50")),
        (300, Decimal("5.00")),
        (1001, Decimal("16.68")),  # 16.683…
        (100_000 * 60, Decimal("100000.00")),
    ],
)
def test_minutes_as_hours_to_two_places(minutes: int, expected: Decimal) -> None:
    got = hours(minutes)
    assert (got, str(got)) == (expected, str(expected))


@given(st.integers(min_value=0, max_value=10**9))
def test_hours_are_the_nearest_hundredth(minutes: int) -> None:
    assert abs(hours(minutes) * 60 - minutes) <= Decimal("0.3")  # half a hundredth of an hour


def test_hours_refuse_floats() -> None:
    with pytest.raises(TypeError):
        hours(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "0 days"),
        (1, "1 day"),
        (2, "2 days"),
        (10, "10 days"),
        (Decimal("1"), "1 day"),
        (Decimal("1.0"), "1 day"),
        (Decimal("6.5"), "6.5 days"),
        (Decimal("6.50"), "6.5 days"),
        (Decimal("10"), "10 days"),
        (Decimal("0.5"), "0.5 days"),
    ],
)
def test_a_number_of_days_in_words(days: int | Decimal, text: str) -> None:
    assert days_text(days) == text


@pytest.mark.parametrize("bad", [1.5, True, "2"])
def test_days_in_words_refuses_floats_and_text(bad: object) -> None:
    with pytest.raises(TypeError):
        days_text(bad)  # type: ignore[arg-type]


# --- tax years ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "text"),
    [
        (date(2026, 4, 5), date(2025, 4, 6), date(2026, 4, 5), "2025 to 2026"),
        (date(2026, 4, 6), date(2026, 4, 6), date(2027, 4, 5), "2026 to 2027"),
        (date(2026, 4, 7), date(2026, 4, 6), date(2027, 4, 5), "2026 to 2027"),
        (date(2026, 1, 1), date(2025, 4, 6), date(2026, 4, 5), "2025 to 2026"),
        (date(2025, 12, 31), date(2025, 4, 6), date(2026, 4, 5), "2025 to 2026"),
        (date(2024, 2, 29), date(2023, 4, 6), date(2024, 4, 5), "2023 to 2024"),
        (date(2027, 4, 5), date(2026, 4, 6), date(2027, 4, 5), "2026 to 2027"),
    ],
)
def test_tax_years_run_from_6_april_to_5_april(
    day: date, start: date, end: date, text: str
) -> None:
    year = tax_year(day)
    assert (year.start, year.end, year.text) == (start, end, text)
    assert year == TaxYear(start.year)


def test_tax_years_sort_oldest_first() -> None:
    assert sorted({TaxYear(2026), TaxYear(2024), TaxYear(2025)}) == [
        TaxYear(2024),
        TaxYear(2025),
        TaxYear(2026),
    ]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_every_day_lies_in_its_tax_year_and_the_next_starts_the_day_after(day: date) -> None:
    year = tax_year(day)
    assert year.start <= day <= year.end
    assert tax_year(year.end + timedelta(days=1)) == TaxYear(year.start_year + 1)
    assert tax_year(year.start - timedelta(days=1)) == TaxYear(year.start_year - 1)


# --- whole days ---------------------------------------------------------------------------------

START = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("elapsed", "days"),
    [
        (timedelta(0), 0),
        (timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999), 0),
        (timedelta(days=1), 1),
        (timedelta(hours=25), 1),
        (timedelta(days=1, hours=23, minutes=59), 1),
        (timedelta(days=2), 2),
        (timedelta(days=365), 365),
        (timedelta(milliseconds=-1), -1),
        (timedelta(days=-1), -1),
        (timedelta(days=-1, seconds=-1), -2),
    ],
)
def test_whole_days_are_complete_24_hour_periods_rounded_down(
    elapsed: timedelta, days: int
) -> None:
    assert whole_days(START, START + elapsed) == days


def test_whole_days_count_elapsed_time_not_the_wall_clock() -> None:
    # Noon to noon across the night the clocks go forward is only 23 hours.
    saturday = datetime(2026, 3, 28, 12, 0, tzinfo=LONDON)
    assert whole_days(saturday, datetime(2026, 3, 29, 12, 0, tzinfo=LONDON)) == 0
    assert whole_days(saturday, datetime(2026, 3, 29, 13, 0, tzinfo=LONDON)) == 1
    # The same instant written in two zones is no time at all.
    assert (
        whole_days(
            datetime(2026, 7, 1, 0, 30, tzinfo=LONDON), datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
        )
        == 0
    )


def test_whole_days_refuse_naive_instants() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        whole_days(datetime(2026, 5, 1), START)
