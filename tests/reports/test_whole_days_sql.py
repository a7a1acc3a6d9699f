"""Reports group by whole days in SQL; the database must count them exactly as
`tracker.calendar.domain.whole_days` does, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import literal, select

from tracker.calendar.domain import LONDON, whole_days
from tracker.extensions import UTCDateTime, db
from tracker.reports.queries import whole_days_sql

START = datetime(2026, 5, 1, 10, 0, 0, 500_000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (START, START, 0),
        (START, START + timedelta(hours=23, minutes=59, seconds=59, milliseconds=999), 0),
        (START, START + timedelta(days=1), 1),
        (START, START + timedelta(days=1, milliseconds=1), 1),
        (START, START + timedelta(hours=47, minutes=59), 1),
        (START, START + timedelta(days=10), 10),
        (START, START + timedelta(days=400, hours=3), 400),
        (START, START - timedelta(milliseconds=1), -1),
        (START, START - timedelta(days=1), -1),
        (START, START - timedelta(days=1, seconds=1), -2),
        # Noon to noon across the night the clocks go forward is 23 hours.
        (
            datetime(2026, 3, 28, 12, tzinfo=LONDON),
            datetime(2026, 3, 29, 12, tzinfo=LONDON),
            0,
        ),
        (
            datetime(2026, 10, 24, 12, tzinfo=LONDON),
            datetime(2026, 10, 25, 12, tzinfo=LONDON),
            1,
        ),
    ],
)
def test_the_database_counts_whole_days_as_the_domain_rule_does(
    app: Flask, start: datetime, end: datetime, days: int
) -> None:
    counted = db.session.scalar(
        select(whole_days_sql(literal(start, UTCDateTime()), literal(end, UTCDateTime())))
    )
    assert (int(counted), whole_days(start, end)) == (days, days)
