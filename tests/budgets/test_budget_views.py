"""Budget pages as coordinators, finance and admin use them, with the hand-computed dataset of
`tests.items.budget_dataset`: fees £50.00 budget, £34.50 committed, £13.80 spent (96.6%);
expenses £20.00, £12.00, £4.50 (82.5%); adaptations £500.00, £315.00, £250.00 (113.0%)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_fund, make_project, make_user
from tests.items import Paying, budget_dataset
from tracker.audit.models import AuditEvent
from tracker.budgets import services as budgets
from tracker.budgets.alerts import budget_alerts
from tracker.budgets.models import Budget
from tracker.calendar.domain import long_date, month_year
from tracker.dates import local_today
from tracker.demo import load_demo
from tracker.extensions import db
from tracker.projects.models import Project

LINES = {"fees": 5000, "expenses": 2000, "adaptations": 50000, "other": 0}


@pytest.fixture
def dataset(paying: Paying) -> Paying:
    return budget_dataset(paying)


def _budget(p: Paying, **kw: object) -> Budget:
    values: dict[str, object] = {
        "project_id": p.world.project.id,
        "period_start": date(2026, 4, 1),
        "period_end": max(date(2027, 3, 31), local_today()),
        "lines": LINES,
    }
    values.update(kw)
    budget = budgets.save_budget(actor=p.finance, budget=None, **values)  # type: ignore[arg-type]
    db.session.commit()
    return budget


def _cells(html: str, row_header: str, caption: str | None = None) -> list[str]:
    """The text of each cell in the table row whose header cell says `row_header`."""
    if caption is not None:
        html = html[html.index(caption) :]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        texts = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
        if texts and texts[0] == row_header:
            return texts[1:]
    raise AssertionError(f"no row {row_header!r}")


def _period(budget: Budget) -> str:
    return f"{long_date(budget.period_start)} to {long_date(budget.period_end)}"


def test_budget_page_shows_each_line_against_committed_and_spent(
    dataset: Paying, client: FlaskClient
) -> None:
    budget = _budget(dataset)
    sign_in(client, dataset.world.coordinator.email)
    page = client.get(f"/budgets/{budget.id}")
    assert page.status_code == 200
    html = page.text
    # Each line's state is a tag beside its name: words, not only a colour.
    assert _cells(html, "Fees Reached 80%") == ["£50.00", "£34.50", "£13.80", "£1.70", "96.6%"]
    assert _cells(html, "Expenses Reached 80%") == ["£20.00", "£12.00", "£4.50", "£3.50", "82.5%"]
    assert _cells(html, "Equipment and adaptations Over budget") == [
        "£500.00",
        "£315.00",
        "£250.00",
        "£65.00 over",
        "113.0%",
    ]
    assert _cells(html, "Other No budget") == ["£0.00", "£0.00", "£0.00", "£0.00", "–"]
    assert _cells(html, "All lines") == ["£570.00", "£361.50", "£268.30", "£59.80 over", "110.5%"]
    # The words say it, as well as the colour of the tag.
    assert 'govuk-tag--red">Over budget' in html and 'govuk-tag--yellow">Reached 80%' in html
    assert html.count("<div") == html.count("</div>")  # the table wrappers are closed
    assert "Change this budget" not in html  # coordinators read, finance and admin change


def test_burn_up_charts_are_svg_images_with_the_same_numbers_in_a_table(
    dataset: Paying, client: FlaskClient
) -> None:
    budget = _budget(dataset)
    sign_in(client, dataset.finance.email)
    html = client.get(f"/budgets/{budget.id}").text
    charts = re.findall(r"<svg[^>]*>", html)
    assert len(charts) == 1 + 4  # the header's logo, then one chart per line
    for name in ("fees", "expenses", "adaptations", "other"):
        assert f'aria-labelledby="burn-up-{name}-title burn-up-{name}-desc"' in html
        assert f'<title id="burn-up-{name}-title">' in html
    assert 'role="img"' in charts[1]
    # Paid this month (the dataset's run was paid today), at the end of this month.
    month = month_year(local_today())
    caption = "Spent so far at the end of each month"
    assert _cells(html, month, caption) == ["£13.80", "£4.50", "£250.00", "£0.00"]
    assert _cells(html, "April 2026", caption) == ["£0.00", "£0.00", "£0.00", "£0.00"]
    assert _cells(html, "Budget", caption) == ["£50.00", "£20.00", "£500.00", "£0.00"]
    assert f"Spent £13.80 by the end of {month}." in html
    assert "Budget £500.00" in html and "Spent £250.00" in html
    # The Content-Security-Policy forbids inline styles and scripts.
    assert " style=" not in html
    assert re.search(r"<script(?![^>]*src=)", html) is None


def test_coordinators_see_only_the_budgets_of_their_projects(
    dataset: Paying, client: FlaskClient
) -> None:
    budget = _budget(dataset)
    stranger = make_user("coordinator", name="Stranger")
    elsewhere = make_project(coordinators=[stranger], name="Elsewhere")
    other = _budget(dataset, project_id=elsewhere.id)
    sign_in(client, dataset.world.coordinator.email)
    listing = client.get("/budgets/")
    assert listing.status_code == 200
    assert f"/budgets/{budget.id}" in listing.text and f"/budgets/{other.id}" not in listing.text
    assert "Elsewhere" not in listing.text
    project = dataset.world.project
    [alerts] = _cells(listing.text, f"{project.name} ({project.code}) {_period(budget)} Current")[
        1:
    ]
    assert alerts == (
        "Fees: Reached 80% Expenses: Reached 80% Equipment and adaptations: Over budget"
    )
    assert client.get(f"/budgets/{other.id}").status_code == 404
    assert "Add a budget" not in listing.text


def test_finance_adds_and_changes_a_budget(dataset: Paying, client: FlaskClient) -> None:
    sign_in(client, dataset.finance.email)
    project_id = dataset.world.project.id
    form = client.get(f"/budgets/new?project_id={project_id}")
    assert form.status_code == 200
    assert f'<option value="{project_id}" selected>' in form.text
    data = {
        "project_id": str(project_id),
        "period_start": ["1", "4", "2026"],
        "period_end": ["31", "3", "2027"],
        "fees": "1,200.50",
        "expenses": "300",
        "adaptations": "0",
        "other": "£25",
        "alert_low_percent": "75",
        "alert_high_percent": "100",
    }
    saved = client.post("/budgets/new", data=data)
    assert saved.status_code == 302
    budget = db.session.scalars(select(Budget)).one()
    assert saved.headers["Location"] == f"/budgets/{budget.id}"
    assert {line.line: line.budget_pence for line in budget.lines} == {
        "fees": 120050,
        "expenses": 30000,
        "adaptations": 0,
        "other": 2500,
    }
    assert (budget.alert_low_percent, budget.period_end) == (75, date(2027, 3, 31))
    edit = client.get(f"/budgets/{budget.id}/edit")
    assert 'value="1200.50"' in edit.text and 'value="75"' in edit.text
    changed = client.post(f"/budgets/{budget.id}/edit", data={**data, "fees": "60"})
    assert changed.status_code == 302
    db.session.refresh(budget)
    assert {line.line: line.budget_pence for line in budget.lines}["fees"] == 6000
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "budget.saved"))
    assert len(list(events)) == 2


def test_budget_form_explains_what_to_fix_and_keeps_what_was_typed(
    dataset: Paying, client: FlaskClient
) -> None:
    sign_in(client, dataset.finance.email)
    response = client.post(
        "/budgets/new",
        data={
            "project_id": str(dataset.world.project.id),
            "period_start": ["1", "4", "2027"],
            "period_end": ["31", "3", "2027"],
            "fees": "12.345",
            "expenses": "",
            "adaptations": "10",
            "other": "0",
            "alert_low_percent": "80",
            "alert_high_percent": "100",
        },
    )
    assert response.status_code == 400
    assert "Enter the budget for expenses, or 0" in response.text
    assert 'value="12.345"' in response.text
    assert db.session.scalar(select(db.func.count(Budget.id))) == 0
    wrong_way_round = client.post(
        "/budgets/new",
        data={
            "project_id": str(dataset.world.project.id),
            "period_start": ["1", "4", "2027"],
            "period_end": ["31", "3", "2027"],
            "fees": "1",
            "expenses": "1",
            "adaptations": "1",
            "other": "0",
            "alert_low_percent": "90",
            "alert_high_percent": "80",
        },
    )
    assert wrong_way_round.status_code == 400
    assert "The end must be on or after the start" in wrong_way_round.text
    assert "The first alert must be between 1% and the second alert" in wrong_way_round.text


@pytest.mark.parametrize("role", ["funder", "coordinator", "contributor"])
def test_only_finance_and_admin_open_the_budget_forms(
    dataset: Paying, client: FlaskClient, role: str
) -> None:
    budget = _budget(dataset)
    user = make_user(role)
    if role == "funder":
        fund = make_fund(members=[user])
        db.session.get(Project, dataset.world.project.id).funds.append(fund)  # type: ignore[union-attr]
        db.session.commit()
    sign_in(client, user.email)
    assert client.get("/budgets/new").status_code == 403
    assert client.get(f"/budgets/{budget.id}/edit").status_code == 403
    assert client.post(f"/budgets/{budget.id}/edit", data={"fees": "1"}).status_code == 403
    # Reading: funders and contributors have no budget pages; this coordinator is not the
    # project's, so for them the budget does not exist.
    expected = {"funder": 403, "coordinator": 404, "contributor": 403}[role]
    assert client.get(f"/budgets/{budget.id}").status_code == expected


def test_home_page_alerts_cover_current_budgets_worst_first(dataset: Paying) -> None:
    _budget(dataset)
    _budget(dataset, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31))  # ended
    alerts = budget_alerts(dataset.world.coordinator)
    assert [(a.line, a.level, a.tag_text) for a in alerts] == [
        ("adaptations", "over", "Over budget"),
        ("expenses", "near", "Reached 80%"),
        ("fees", "near", "Reached 80%"),
    ]
    assert alerts[0].message == "Equipment and adaptations: over budget"
    assert alerts[2].message == "Fees: 80% or more of the budget used"
    assert budget_alerts(dataset.finance) == alerts
    assert budget_alerts(make_user("coordinator")) == []
    assert budget_alerts(dataset.world.person_user) == []  # a contributor on the project


def test_demo_budgets_show_a_line_on_track_one_near_and_one_over(app: object) -> None:
    load_demo()
    db.session.commit()
    peer = db.session.scalars(select(Project).where(Project.code == "PEER-01")).one()
    reports = budgets.budget_reports(list(db.session.scalars(select(Budget))))
    assert len(reports) == 3
    [report] = [r for r in reports if r.budget.project_id == peer.id]
    levels = {line.line: report.alert(line) for line in report.lines}
    assert levels == {"fees": None, "expenses": "near", "adaptations": "over", "other": None}
    assert all(line.remaining_pence < 0 for line, level in report.alerts if level == "over")


def test_home_page_shows_budget_alerts_to_the_coordinator(client, paying) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from tests.conftest import sign_in
    from tests.items import budget_dataset
    from tracker.budgets import services as budgets
    from tracker.extensions import db

    budget_dataset(paying)
    budgets.save_budget(
        actor=paying.finance,
        budget=None,
        project_id=paying.world.project.id,
        period_start=date(2026, 4, 1),
        period_end=date(2099, 3, 31),
        lines={"fees": 100, "expenses": 100000, "adaptations": 10000000, "other": 0},
    )
    db.session.commit()
    sign_in(client, paying.world.coordinator.email)
    page = client.get("/").text
    assert "Budgets to look at" in page and "Over budget" in page
