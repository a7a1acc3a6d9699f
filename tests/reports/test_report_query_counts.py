"""A page's number of SQL queries does not grow with the number of items: the budget page, the
fund report and the resourcing dashboard cost the same with 10 and with 10,000 time entries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event, func, insert, select

from tests.conftest import sign_in
from tests.reports.conftest import Funded
from tracker.extensions import db
from tracker.rates.models import Rate
from tracker.timesheets.models import TimeEntry


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _add_entries(funded: Funded, how_many: int, start: int) -> None:
    """Approved time entries, inserted in bulk with the snapshot that approval takes; every
    third one paid, every fifth with the fee declined, spread over twelve months."""
    w = funded.paying.world
    rate_id = db.session.scalar(select(Rate.id).limit(1))
    approved = datetime(2026, 5, 10, 11, tzinfo=UTC)
    rows = []
    for n in range(start, start + how_many):
        paid = n % 3 == 0
        declined = n % 5 == 0
        rows.append(
            {
                "contributor_id": w.person.id,
                "project_id": w.project.id,
                "activity_type_id": w.activity.id,
                "work_date": date(2026, 4 + n % 9, 1 + n % 28),
                "minutes": 30 + n % 90,
                "notes": "",
                "fee_choice": "decline" if declined else "accept",
                "status": "paid" if paid else "approved",
                "rate_id": rate_id,
                "billable_minutes": 60,
                "calculated_fee_pence": 1380,
                "fee_pence": 0 if declined else 1380,
                "approved_at": approved,
                "decided_at": approved,
                "paid_at": approved + timedelta(days=n % 20) if paid else None,
                "recorded_by_id": w.coordinator.id,
                "decided_by_id": w.other_coordinator.id,
                "created_at": approved,
                "updated_at": approved,
            }
        )
    db.session.execute(insert(TimeEntry), rows)
    db.session.commit()


def _queries(client: FlaskClient, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: the same work both times
    with counting() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_query_counts_do_not_grow_with_the_number_of_items(
    funded: Funded, client: FlaskClient
) -> None:
    urls = [
        f"/budgets/{funded.budget.id}",
        f"/reports/funds/{funded.fund.id}",
        "/reports/resourcing",
        "/budgets/",
    ]
    sign_in(client, funded.paying.finance.email)
    existing = db.session.scalar(select(func.count(TimeEntry.id))) or 0
    _add_entries(funded, 10 - existing, 0)
    assert db.session.scalar(select(func.count(TimeEntry.id))) == 10
    small = {url: _queries(client, url) for url in urls}
    _add_entries(funded, 9_990, 10)
    assert db.session.scalar(select(func.count(TimeEntry.id))) == 10_000
    large = {url: _queries(client, url) for url in urls}
    assert large == small
    # And the figures did change, so the pages really read the new entries.
    page = client.get(f"/reports/funds/{funded.fund.id}").text
    hours = re.search(r"Hours contributed.*?<td[^>]*>([^<]+)</td>", page, flags=re.S)
    assert hours is not None and hours.group(1) not in ("5.00", "0.00")
