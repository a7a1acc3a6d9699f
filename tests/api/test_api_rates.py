"""API: rate card lines and the fee estimate (DESIGN §4 worked examples)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.api.api_support import bearer, error_of
from tests.factories import make_activity, make_contributor, make_project, make_user
from tests.items import make_world
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.rates.models import Rate
from tracker.timesheets.models import TimeEntry


def _hour_rate(activity_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "activity_type_id": activity_id,
        "basis": "hour",
        "amount_pence": 1380,
        "effective_from": "2026-04-01",
        **overrides,
    }


# --- rate card ----------------------------------------------------------------------------------


def test_finance_adds_a_rate_with_the_design_field_names(client: FlaskClient) -> None:
    finance = make_user("finance")
    activity = make_activity("Meeting")
    project = make_project()
    body = _hour_rate(
        activity.id,
        project_id=project.id,
        amount_pence=2750,
        rounding="nearest",
        note="Agreed at the steering group",
    )
    response = client.post("/api/v1/rates", headers=bearer(finance), json=body)
    assert response.status_code == 201, response.text
    created = response.json
    assert created == {
        "id": created["id"],
        "project_id": project.id,
        "activity_type_id": activity.id,
        "contributor_id": None,
        "basis": "hour",
        "amount_pence": 2750,
        "amount": "27.50",
        "half_day_pence": None,
        "half_day": None,
        "day_pence": None,
        "day": None,
        "increment_minutes": 15,
        "rounding": "nearest",
        "minimum_minutes": 0,
        "half_day_max_minutes": 240,
        "effective_from": "2026-04-01",
        "note": "Agreed at the steering group",
    }
    stored = db.session.get(Rate, created["id"])
    assert stored is not None
    assert (stored.amount_pence, stored.rounding, stored.created_by_id) == (
        2750,
        "nearest",
        finance.id,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rate.created"))
    assert event is not None and event.actor_id == finance.id


def test_a_day_rate_takes_half_and_full_day_amounts_only(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    activity = make_activity()
    day = {
        "activity_type_id": activity.id,
        "basis": "day",
        "half_day_pence": 5000,
        "day_pence": 10000,
        "effective_from": "2026-04-01",
    }
    response = client.post("/api/v1/rates", headers=headers, json=day)
    assert response.status_code == 201
    assert (response.json["half_day"], response.json["day"], response.json["amount"]) == (
        "50.00",
        "100.00",
        None,
    )
    mixed = client.post(
        "/api/v1/rates",
        headers=headers,
        json={**day, "amount_pence": 1380, "effective_from": "2026-05-01"},
    )
    assert error_of(mixed, 422)["fields"] == {
        "amount_pence": "Leave this out for a rate by the day"
    }
    hour_with_day = client.post(
        "/api/v1/rates", headers=headers, json=_hour_rate(activity.id, day_pence=100)
    )
    assert set(error_of(hour_with_day, 422)["fields"]) == {"day_pence"}
    missing = client.post(
        "/api/v1/rates",
        headers=headers,
        json={"activity_type_id": activity.id, "basis": "day", "effective_from": "2026-06-01"},
    )
    assert set(error_of(missing, 422)["fields"]) == {"half_day_pence", "day_pence"}
    assert db.session.scalar(select(func.count(Rate.id))) == 1


def test_rate_fields_are_checked_and_versions_never_clash(client: FlaskClient) -> None:
    headers = bearer(make_user("finance"))
    activity = make_activity()
    bad = {
        "activity_type_id": 0,
        "basis": "week",
        "effective_from": "1 April",
        "increment_minutes": 0,
        "rounding": "sideways",
        "amount_pence": -1,
        "note": 7,
    }
    error = error_of(client.post("/api/v1/rates", headers=headers, json=bad), 422)
    assert set(error["fields"]) == set(bad)
    unknown = client.post("/api/v1/rates", headers=headers, json=_hour_rate(999_999))
    assert error_of(unknown, 422)["fields"] == {"activity_type_id": "Choose an activity"}
    long_increment = client.post(
        "/api/v1/rates", headers=headers, json=_hour_rate(activity.id, increment_minutes=300)
    )
    assert set(error_of(long_increment, 422)["fields"]) == {"increment_minutes"}
    assert client.post("/api/v1/rates", headers=headers, json=_hour_rate(activity.id)).status_code
    again = client.post("/api/v1/rates", headers=headers, json=_hour_rate(activity.id))
    assert error_of(again, 409)["fields"] == {
        "effective_from": "A version already starts on this date"
    }
    assert db.session.scalar(select(func.count(Rate.id))) == 1


def test_only_finance_and_admin_add_rates_and_contributors_cannot_read_them(
    client: FlaskClient,
) -> None:
    activity = make_activity()
    for role in ["coordinator", "contributor", "funder"]:
        headers = bearer(make_user(role))
        error_of(client.post("/api/v1/rates", headers=headers, json=_hour_rate(activity.id)), 403)
    for role in ["contributor", "funder"]:
        error_of(client.get("/api/v1/rates", headers=bearer(make_user(role))), 403)
    assert db.session.scalar(select(func.count(Rate.id))) == 0


def test_coordinators_read_defaults_and_their_own_projects_rates(client: FlaskClient) -> None:
    finance = bearer(make_user("finance"))
    coordinator = make_user("coordinator")
    mine = make_project(coordinators=[coordinator])
    theirs = make_project()
    member = make_contributor(projects_=[mine])
    stranger = make_contributor(projects_=[theirs])
    activity = make_activity()

    def add(**scope: Any) -> int:
        response = client.post(
            "/api/v1/rates", headers=finance, json=_hour_rate(activity.id, **scope)
        )
        assert response.status_code == 201, response.text
        return int(response.json["id"])

    default = add()
    my_project = add(project_id=mine.id)
    their_project = add(project_id=theirs.id)
    my_member = add(contributor_id=member.id)
    their_member = add(contributor_id=stranger.id)

    seen = client.get("/api/v1/rates", headers=bearer(coordinator)).json
    assert [r["id"] for r in seen["items"]] == [default, my_project, my_member]
    assert seen["total"] == 3
    everything = client.get("/api/v1/rates", headers=finance).json
    assert {r["id"] for r in everything["items"]} == {
        default,
        my_project,
        their_project,
        my_member,
        their_member,
    }
    by_project = client.get(f"/api/v1/rates?project={theirs.id}", headers=finance).json
    assert [r["id"] for r in by_project["items"]] == [their_project]
    by_contributor = client.get(f"/api/v1/rates?contributor={member.id}", headers=finance).json
    assert [r["id"] for r in by_contributor["items"]] == [my_member]
    other_activity = client.get(
        f"/api/v1/rates?activity_type={activity.id + 1}", headers=finance
    ).json
    assert other_activity["total"] == 0
    hidden = client.get(f"/api/v1/rates?project={theirs.id}", headers=bearer(coordinator)).json
    assert hidden["total"] == 0
    bad = error_of(client.get("/api/v1/rates?project=abc", headers=finance), 400)
    assert bad["fields"] == {"project": "Enter an id (a whole number)"}


# --- the estimate -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "minutes", "billable", "pence", "pounds"),
    [
        ({"amount_pence": 1380}, 50, 60, 1380, "13.80"),
        ({"amount_pence": 2750, "rounding": "nearest"}, 52, 45, 2063, "20.63"),
        (
            {
                "amount_pence": 1271,
                "increment_minutes": 30,
                "rounding": "down",
                "minimum_minutes": 60,
            },
            20,
            60,
            1271,
            "12.71",
        ),
        ({"basis": "day", "half_day_pence": 5000, "day_pence": 10000}, 180, 180, 5000, "50.00"),
        ({"basis": "day", "half_day_pence": 5000, "day_pence": 10000}, 300, 300, 10000, "100.00"),
        ({"basis": "session", "amount_pence": 4000}, 5, 5, 4000, "40.00"),
    ],
)
def test_the_estimate_gives_the_worked_examples_and_saves_nothing(
    client: FlaskClient,
    rate: dict[str, Any],
    minutes: int,
    billable: int,
    pence: int,
    pounds: str,
) -> None:
    w = make_world()
    activity = make_activity("Interview panel")
    line = {"activity_type_id": activity.id, "basis": "hour", "effective_from": "2026-04-01"}
    created = client.post(
        "/api/v1/rates", headers=bearer(make_user("finance")), json={**line, **rate}
    )
    assert created.status_code == 201, created.text
    body = {
        "project_id": w.project.id,
        "activity_type_id": activity.id,
        "work_date": "2026-05-04",
        "minutes": minutes,
    }
    response = client.post("/api/v1/estimate", headers=bearer(w.person_user), json=body)
    assert response.status_code == 200, response.text
    result = response.json
    assert result["rate_id"] == created.json["id"]
    assert (result["billable_minutes"], result["calculated_fee_pence"]) == (billable, pence)
    assert result["calculated_fee"] == pounds
    assert result["reason"] == "Organisation default rate for Interview panel, from 1 April 2026"
    assert result["explanation"]
    assert db.session.scalar(select(func.count(TimeEntry.id))) == 0


def test_the_estimate_prefers_a_project_rate_then_a_personal_one(client: FlaskClient) -> None:
    w = make_world(pence=1380)
    finance = bearer(make_user("finance"))
    project_rate = _hour_rate(w.activity.id, project_id=w.project.id, amount_pence=1500)
    assert client.post("/api/v1/rates", headers=finance, json=project_rate).status_code == 201
    body = {
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "activity_type_id": w.activity.id,
        "work_date": "2026-05-04",
        "minutes": 60,
    }
    chosen = client.post("/api/v1/estimate", headers=bearer(w.coordinator), json=body).json
    assert chosen["calculated_fee_pence"] == 1500
    assert chosen["reason"] == "Project rate for Meeting, from 1 April 2026"
    personal_rate = _hour_rate(
        w.activity.id, project_id=w.project.id, contributor_id=w.person.id, amount_pence=2000
    )
    assert client.post("/api/v1/rates", headers=finance, json=personal_rate).status_code == 201
    # A contributor need not name themselves.
    del body["contributor_id"]
    personal = client.post("/api/v1/estimate", headers=bearer(w.person_user), json=body).json
    assert personal["calculated_fee_pence"] == 2000
    # Finance may ask for nobody in particular; a coordinator must say whose work it is.
    general = client.post("/api/v1/estimate", headers=finance, json=body).json
    assert general["calculated_fee_pence"] == 1500
    unnamed = client.post("/api/v1/estimate", headers=bearer(w.coordinator), json=body)
    assert error_of(unnamed, 422)["fields"] == {"contributor_id": "Choose who did the work"}


def test_no_rate_is_a_plain_422(client: FlaskClient) -> None:
    w = make_world()
    unpaid = make_activity("Training")
    body = {
        "project_id": w.project.id,
        "activity_type_id": unpaid.id,
        "work_date": "2026-05-04",
        "minutes": 60,
    }
    error = error_of(client.post("/api/v1/estimate", headers=bearer(w.person_user), json=body), 422)
    assert error["message"] == (
        "There is no agreed rate for Training on 4 May 2026 yet, so we cannot work out a fee. "
        "Finance can add a rate."
    )
    before = {**body, "activity_type_id": w.activity.id, "work_date": "2026-03-31"}
    error_of(client.post("/api/v1/estimate", headers=bearer(w.person_user), json=before), 422)


def test_only_people_who_may_log_for_someone_get_their_estimate(client: FlaskClient) -> None:
    w = make_world()
    body = {
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "activity_type_id": w.activity.id,
        "work_date": "2026-05-04",
        "minutes": 60,
    }
    outsider = make_user("coordinator")
    make_project(coordinators=[outsider])
    error_of(client.post("/api/v1/estimate", headers=bearer(outsider), json=body), 404)
    someone_else = make_user("contributor")
    make_contributor(user=someone_else, projects_=[w.project])
    error_of(client.post("/api/v1/estimate", headers=bearer(someone_else), json=body), 404)
    error_of(client.post("/api/v1/estimate", headers=bearer(make_user("funder")), json=body), 403)
    other_project = make_project()
    not_theirs = client.post(
        "/api/v1/estimate",
        headers=bearer(w.person_user),
        json={**body, "project_id": other_project.id},
    )
    assert error_of(not_theirs, 422)["fields"] == {"project_id": "Choose one of their projects"}
    for headers in (bearer(w.coordinator), bearer(w.person_user), bearer(make_user("finance"))):
        assert client.post("/api/v1/estimate", headers=headers, json=body).status_code == 200


def test_estimate_fields_are_checked(client: FlaskClient) -> None:
    w = make_world()
    headers = bearer(w.person_user)
    bad = {"project_id": "1", "activity_type_id": None, "work_date": "2026-02-30", "minutes": 0}
    error = error_of(client.post("/api/v1/estimate", headers=headers, json=bad), 422)
    assert set(error["fields"]) == set(bad)
    ancient = {
        "project_id": w.project.id,
        "activity_type_id": w.activity.id,
        "work_date": "0001-01-01",
        "minutes": 1441,
    }
    error = error_of(client.post("/api/v1/estimate", headers=headers, json=ancient), 422)
    assert set(error["fields"]) == {"work_date", "minutes"}
