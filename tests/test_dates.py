"""The one clock: tracker/dates.py answers now and today, and tests can move it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from tests.items import entry_input, make_world
from tracker import dates
from tracker.errors import TrackerError
from tracker.timesheets import services as timesheets


@pytest.fixture
def clock() -> Iterator[None]:
    yield
    dates.set_clock(None)


def test_today_is_the_london_day_of_the_utc_instant(clock: None) -> None:
    dates.set_clock(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))  # 00:30 on 1 July in London
    assert dates.local_today() == date(2026, 7, 1)
    dates.set_clock(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # GMT in winter
    assert dates.local_today() == date(2026, 12, 31)


def test_a_naive_moment_is_refused(clock: None) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        dates.set_clock(datetime(2026, 6, 30, 12, 0))


def test_services_read_the_moved_clock(app: object, clock: None) -> None:
    w = make_world()
    dates.set_clock(datetime(2026, 5, 3, 12, 0, tzinfo=UTC))
    with pytest.raises(TrackerError) as refused:
        timesheets.create_time_entry(
            actor=w.person_user, data=entry_input(w, work_date=date(2026, 5, 4))
        )
    assert refused.value.fields["work_date"] == "The date cannot be in the future"
    dates.set_clock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    entry = timesheets.create_time_entry(
        actor=w.person_user, data=entry_input(w, work_date=date(2026, 5, 4))
    )
    assert entry.created_at == datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
