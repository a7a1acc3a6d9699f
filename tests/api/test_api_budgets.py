"""API: budgets (admin and finance create them), a project's budget report and the funder
summary of a fund, with the hand-computed dataset of `tests.items.budget_dataset`."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.api_support import bearer, error_of
from tests.factories import make_contributor, make_fund, make_project, make_user
from tests.items import Paying, budget_dataset
from tracker.budgets import services as budgets
from tracker.budgets.models import Budget
from tracker.dates import local_today
from tracker.extensions import db
from tracker.projects.models import Fund, Project

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


def _fund_for(p: Paying, *members: object) -> Fund:
    fund = make_fund(members=list(members), name="Community Voices Fund")  # type: ignore[arg-type]
    project = db.session.get(Project, p.world.project.id)
    assert project is not None
    project.funds.append(fund)
    db.session.commit()
    return fund


# --- creating and reading budgets -------------------------------------------------------------


def test_finance_creates_a_budget_and_lines_left_out_are_zero(
    paying: Paying, client: FlaskClient
) -> None:
    response = client.post(
        "/api/v1/budgets",
        headers=bearer(paying.finance),
        json={
            "project_id": paying.world.project.id,
            "period_start": "2026-04-01",
            "period_end": "2027-03-31",
            "lines": [
                {"line": "fees", "budget_pence": 120050},
                {"line": "other", "budget_pence": 0},
            ],
            "alert_low_percent": 75,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json
    assert body == {
        "id": body["id"],
        "project_id": paying.world.project.id,
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "alert_low_percent": 75,
        "alert_high_percent": 100,
        "lines": [
            {"line": "fees", "budget_pence": 120050},
            {"line": "expenses", "budget_pence": 0},
            {"line": "adaptations", "budget_pence": 0},
            {"line": "other", "budget_pence": 0},
        ],
    }
    stored = db.session.get(Budget, body["id"])
    assert stored is not None
    assert {line.line: line.budget_pence for line in stored.lines}["fees"] == 120050


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"lines": [{"line": "travel", "budget_pence": 1}]}, {"lines[0].line"}),
        ({"lines": [{"line": "fees", "budget_pence": -1}]}, {"lines[0].budget_pence"}),
        ({"lines": [{"line": "fees", "budget_pence": 1.5}]}, {"lines[0].budget_pence"}),
        ({"lines": [{"line": "fees", "budget_pence": True}]}, {"lines[0].budget_pence"}),
        (
            {"lines": [{"line": "fees", "budget_pence": 1}, {"line": "fees", "budget_pence": 2}]},
            {"lines[1].line"},
        ),
        ({"lines": [{"line": "fees", "budget_pence": 1, "extra": 1}]}, {"lines[0]"}),
        ({"lines": "fees"}, {"lines"}),
        ({"lines": None}, {"lines"}),
        ({"period_end": "2026-03-31"}, {"period_end"}),
        ({"period_start": "2026-02-30"}, {"period_start"}),
        ({"project_id": 999_999}, {"project_id"}),
        ({"alert_low_percent": 90, "alert_high_percent": 80}, {"alert_low_percent"}),
        ({"alert_high_percent": 0}, {"alert_high_percent"}),
    ],
)
def test_bad_budgets_are_refused_field_by_field(
    paying: Paying, client: FlaskClient, changes: dict[str, object], fields: set[str]
) -> None:
    body = {
        "project_id": paying.world.project.id,
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "lines": [{"line": "fees", "budget_pence": 100}],
        **changes,
    }
    response = client.post("/api/v1/budgets", headers=bearer(paying.finance), json=body)
    assert set(error_of(response, 422)["fields"]) == fields
    assert db.session.scalar(select(db.func.count(Budget.id))) == 0


@pytest.mark.parametrize("role", ["coordinator", "funder", "contributor"])
def test_only_admin_and_finance_create_budgets(
    paying: Paying, client: FlaskClient, role: str
) -> None:
    response = client.post(
        "/api/v1/budgets",
        headers=bearer(make_user(role)),
        json={"project_id": paying.world.project.id, "lines": []},
    )
    error_of(response, 403)


def test_who_reads_a_budget(dataset: Paying, client: FlaskClient) -> None:
    budget = _budget(dataset)
    funder, other_funder = make_user("funder"), make_user("funder")
    _fund_for(dataset, funder)
    make_fund(members=[other_funder])
    url = f"/api/v1/budgets/{budget.id}"
    for reader in (dataset.finance, make_user("admin")):
        response = client.get(url, headers=bearer(reader))
        assert response.status_code == 200, reader.roles
        assert response.json["lines"][0] == {"line": "fees", "budget_pence": 5000}
    # DESIGN §11: admin and finance only. Coordinators and funders read the project's budget
    # report (GET /api/v1/projects/{id}/budget) instead.
    both = make_user("coordinator", "contributor")
    make_contributor(user=both, projects_=[dataset.world.project])
    for other in (
        dataset.world.coordinator,
        funder,
        make_user("coordinator"),
        other_funder,
        dataset.world.person_user,
        both,
    ):
        error_of(client.get(url, headers=bearer(other)), 403)
    error_of(client.get("/api/v1/budgets/999999", headers=bearer(dataset.finance)), 404)


# --- a project's budget report ----------------------------------------------------------------


def test_project_budget_report_has_the_hand_computed_lines(
    dataset: Paying, client: FlaskClient
) -> None:
    budget = _budget(dataset)
    response = client.get(
        f"/api/v1/projects/{dataset.world.project.id}/budget",
        headers=bearer(dataset.world.coordinator),
    )
    assert response.status_code == 200, response.text
    report = response.json
    assert report["budget_id"] == budget.id
    lines = {line["line"]: line for line in report["lines"]}
    assert lines["fees"] == {
        "line": "fees",
        "budget_pence": 5000,
        "budget": "50.00",
        "committed_pence": 3450,
        "committed": "34.50",
        "spent_pence": 1380,
        "spent": "13.80",
        "remaining_pence": 170,
        "remaining": "1.70",
        "percent_used": "96.6",
        "alert": "near",
    }
    assert (lines["adaptations"]["remaining_pence"], lines["adaptations"]["remaining"]) == (
        -6500,
        "-65.00",
    )
    assert (lines["adaptations"]["percent_used"], lines["adaptations"]["alert"]) == (
        "113.0",
        "over",
    )
    assert (lines["other"]["percent_used"], lines["other"]["alert"]) == (None, None)


def test_the_budget_covering_today_is_chosen_or_else_the_latest(
    dataset: Paying, client: FlaskClient
) -> None:
    headers = bearer(dataset.finance)
    url = f"/api/v1/projects/{dataset.world.project.id}/budget"
    error_of(client.get(url, headers=headers), 404)
    today = local_today()
    old = _budget(dataset, period_start=date(2020, 1, 1), period_end=date(2020, 12, 31))
    assert client.get(url, headers=headers).json["budget_id"] == old.id
    later = _budget(
        dataset,
        period_start=date(today.year + 2, 1, 1),
        period_end=date(today.year + 2, 12, 31),
    )
    assert client.get(url, headers=headers).json["budget_id"] == later.id
    current = _budget(dataset, period_start=date(today.year, 1, 1), period_end=today)
    assert client.get(url, headers=headers).json["budget_id"] == current.id


def test_project_budget_visibility(dataset: Paying, client: FlaskClient) -> None:
    _budget(dataset)
    funder, other_funder = make_user("funder"), make_user("funder")
    _fund_for(dataset, funder)
    url = f"/api/v1/projects/{dataset.world.project.id}/budget"
    assert client.get(url, headers=bearer(funder)).status_code == 200
    error_of(client.get(url, headers=bearer(other_funder)), 404)
    error_of(client.get(url, headers=bearer(make_user("coordinator"))), 404)
    unseen = make_project(name="Unseen")
    error_of(client.get(f"/api/v1/projects/{unseen.id}/budget", headers=bearer(funder)), 404)


# --- the funder summary -----------------------------------------------------------------------


def test_fund_summary_for_its_funder_with_small_numbers_suppressed(
    dataset: Paying, client: FlaskClient
) -> None:
    budget = _budget(dataset)
    funder = make_user("funder")
    fund = _fund_for(dataset, funder)
    response = client.get(f"/api/v1/funds/{fund.id}/summary", headers=bearer(funder))
    assert response.status_code == 200, response.text
    body = response.json
    figures = {
        "contributors": "fewer than 5",
        "hours": "5.00",
        "declined_fee_hours": "1.50",
        "fees_paid_pence": 1380,
        "fees_paid": "13.80",
        "expenses_paid_pence": 450,
        "expenses_paid": "4.50",
        "adaptations": {"tablet": "fewer than 5", "data_top_up": "fewer than 5"},
    }
    assert {k: body[k] for k in figures} == figures
    assert (body["fund_id"], body["suppression_threshold"]) == (fund.id, 5)
    [project] = body["projects"]
    assert {k: project[k] for k in figures} == figures
    assert (project["project_id"], project["code"]) == (
        dataset.world.project.id,
        dataset.world.project.code,
    )
    [project_budget] = project["budgets"]
    assert project_budget["budget_id"] == budget.id
    assert project_budget["lines"][1]["committed_pence"] == 1200
    assert body["budget_lines"][0]["spent_pence"] == 1380
    assert "Robin" not in response.text


def test_fund_summary_shows_counts_from_the_threshold(dataset: Paying, client: FlaskClient) -> None:
    for name in ("Ash", "Bo", "Cam", "Dev"):
        dataset.approved_time(dataset.add_person(name), minutes=60)
    fund = _fund_for(dataset)
    body = client.get(f"/api/v1/funds/{fund.id}/summary", headers=bearer(dataset.finance)).json
    assert body["contributors"] == 5
    assert body["hours"] == "9.00"


def test_fund_summary_is_for_its_funders_finance_and_admin(
    dataset: Paying, client: FlaskClient
) -> None:
    funder = make_user("funder")
    fund = _fund_for(dataset, funder)
    url = f"/api/v1/funds/{fund.id}/summary"
    error_of(client.get(url, headers=bearer(make_user("funder"))), 404)
    error_of(client.get(url, headers=bearer(dataset.world.coordinator)), 403)
    assert client.get(url, headers=bearer(make_user("admin"))).status_code == 200
    error_of(client.get("/api/v1/funds/999999/summary", headers=bearer(funder)), 404)


def test_the_openapi_document_describes_the_budget_and_summary_endpoints(
    client: FlaskClient,
) -> None:
    document = client.get("/api/v1/openapi.json", headers=bearer(make_user("funder"))).json
    paths = document["paths"]
    assert "post" in paths["/api/v1/budgets"]
    assert "get" in paths["/api/v1/budgets/{budget_id}"]
    assert "get" in paths["/api/v1/projects/{project_id}/budget"]
    assert "get" in paths["/api/v1/funds/{fund_id}/summary"]
    assert "FundSummary" in document["components"]["schemas"]
