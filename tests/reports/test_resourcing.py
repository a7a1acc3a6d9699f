"""The resourcing dashboard: per project and month of work, hours (declined fees included),
fees and expenses paid, adaptations provided by kind and the median days to payment."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_project, make_user
from tests.items import Paying
from tracker.calendar.domain import month_year
from tracker.dates import local_today
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.reports import queries
from tracker.timesheets.models import TimeEntry


def _cells(html: str, caption: str, row_header: str) -> list[str]:
    table = html[html.index(caption) :]
    table = table[: table.index("</table>")]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        texts = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
        if texts[0] == row_header:
            return texts[1:]
    raise AssertionError(f"no row {row_header!r}")


def _waits(dataset: Paying) -> None:
    """The paid entry waited 10 days from approval to payment, the paid claim 3."""
    approved = datetime(2026, 5, 8, 11, tzinfo=UTC)
    entry = db.session.scalars(select(TimeEntry).where(TimeEntry.status == "paid")).one()
    claim = db.session.scalars(select(ExpenseClaim).where(ExpenseClaim.status == "paid")).one()
    entry.approved_at, entry.paid_at = approved, approved + timedelta(days=10)
    claim.approved_at, claim.paid_at = approved, approved + timedelta(days=3)
    db.session.commit()


def test_months_of_work_with_hours_payments_adaptations_and_waits(
    dataset: Paying, client: FlaskClient
) -> None:
    _waits(dataset)
    project = dataset.world.project
    sign_in(client, dataset.world.coordinator.email)
    page = client.get("/reports/resourcing")
    assert page.status_code == 200
    caption = f"{project.name} <span"
    # May 2026: 300 minutes of approved work (90 with the fee declined), £13.80 of fees paid,
    # the £4.50 claim paid; waits of 10 and 3 days, so the median is 6.5.
    assert _cells(page.text, caption, "May 2026") == [
        "5.00 1.50 without a fee",
        "£13.80",
        "£4.50",
        "None",
        "6.5 days",
    ]
    # The tablet and the data top-up were provided this month.
    provided = month_year(local_today())
    assert _cells(page.text, caption, provided) == [
        "0.00",
        "£0.00",
        "£0.00",
        "Data top-up: 1 Tablet: 1",
        "Not paid yet",
    ]
    assert _cells(page.text, caption, "All months")[0] == "5.00 1.50 without a fee"
    assert _cells(page.text, caption, "All months")[-1] == "6.5 days"
    assert page.text.count("<div") == page.text.count("</div>")


def test_coordinators_see_their_projects_and_finance_every_project(
    dataset: Paying, client: FlaskClient
) -> None:
    stranger = make_user("coordinator")
    make_project(coordinators=[stranger], name="Somewhere else")
    sign_in(client, stranger.email)
    page = client.get("/reports/resourcing")
    assert "Somewhere else" in page.text and dataset.world.project.name not in page.text
    assert "No approved work yet." in page.text
    client.post("/sign-out")
    sign_in(client, dataset.finance.email)
    page = client.get("/reports/resourcing")
    assert "Somewhere else" in page.text and dataset.world.project.name in page.text
    client.post("/sign-out")
    sign_in(client, make_user("funder").email)
    assert client.get("/reports/resourcing").status_code == 403


def test_monthly_figures_and_the_median_wait_come_from_sql(dataset: Paying) -> None:
    _waits(dataset)
    pid = dataset.world.project.id
    [may, *_] = queries.monthly_resourcing([pid])[pid]
    assert (may.month.year, may.month.month) == (2026, 5)
    assert (may.minutes, may.declined_minutes) == (300, 90)
    assert (may.fees_paid_pence, may.expenses_paid_pence) == (1380, 450)
    assert may.payment_days == {10: 1, 3: 1}
    assert may.median_days_to_payment == Decimal("6.5")
    assert queries.monthly_resourcing([]) == {}
