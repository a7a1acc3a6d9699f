"""API: time entries through their whole lifecycle, who may do what, and the lists."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from tests.api.api_support import bearer, error_of
from tests.factories import make_activity, make_contributor, make_project, make_user
from tests.items import World, make_world
from tracker.audit.models import AuditEvent
from tracker.contributors import services as contributors
from tracker.extensions import db
from tracker.projects import services as projects
from tracker.rates import services as rates
from tracker.timesheets.models import TimeEntry

URL = "/api/v1/time-entries"


def _body(w: World, **overrides: Any) -> dict[str, Any]:
    return {
        "project_id": w.project.id,
        "activity_type_id": w.activity.id,
        "work_date": "2026-05-04",
        "minutes": 50,
        **overrides,
    }


def _entry(entry_id: int) -> TimeEntry:
    entry = db.session.get(TimeEntry, entry_id)
    assert entry is not None
    return entry


def _create(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> int:
    response = client.post(URL, headers=headers, json=body)
    assert response.status_code == 201, response.text
    return int(response.json["id"])


# --- the lifecycle ------------------------------------------------------------------------------


def test_a_contributor_logs_submits_and_another_coordinator_approves(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)
    response = client.post(URL, headers=person, json=_body(w, notes="Steering group"))
    assert response.status_code == 201, response.text
    created = response.json
    assert created == {
        "id": created["id"],
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "activity_type_id": w.activity.id,
        "work_date": "2026-05-04",
        "minutes": 50,
        "notes": "Steering group",
        "fee_choice": "accept",
        "fee_requested_pence": None,
        "fee_requested": None,
        "status": "draft",
        "billable_minutes": None,
        "rate_id": None,
        "calculated_fee_pence": None,
        "calculated_fee": None,
        "fee_pence": None,
        "fee": None,
        "recorded_by_id": w.person_user.id,
        "return_reason": None,
    }
    entry_url = f"{URL}/{created['id']}"
    assert client.get(entry_url, headers=person).json == created

    submitted = client.post(f"{entry_url}/submit", headers=person)
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json["status"], submitted.json["warnings"]) == ("submitted", [])
    assert _entry(created["id"]).status == "submitted"

    approved = client.post(f"{entry_url}/approve", headers=bearer(w.other_coordinator))
    assert approved.status_code == 200, approved.text
    assert approved.json["status"] == "approved"
    assert (approved.json["billable_minutes"], approved.json["fee_pence"]) == (60, 1380)
    assert (approved.json["fee"], approved.json["calculated_fee"]) == ("13.80", "13.80")
    assert approved.json["warnings"] == []
    stored = _entry(created["id"])
    assert (stored.status, stored.fee_pence, stored.calculated_fee_pence) == (
        "approved",
        1380,
        1380,
    )
    assert stored.rate_id == approved.json["rate_id"] is not None
    assert stored.decided_by_id == w.other_coordinator.id
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "time", AuditEvent.entity_id == stored.id)
        .order_by(AuditEvent.id)
    )
    assert list(actions) == ["time.created", "time.submit", "time.approve"]


def test_a_returned_entry_is_changed_and_sent_again(client: FlaskClient) -> None:
    w = make_world()
    person, coordinator = bearer(w.person_user), bearer(w.coordinator)
    entry_id = _create(client, person, _body(w))
    entry_url = f"{URL}/{entry_id}"
    client.post(f"{entry_url}/submit", headers=person)
    no_reason = client.post(f"{entry_url}/return", headers=coordinator, json={"reason": "  "})
    assert error_of(no_reason, 422)["fields"] == {"reason": "Enter a reason"}
    assert _entry(entry_id).status == "submitted"
    returned = client.post(
        f"{entry_url}/return", headers=coordinator, json={"reason": "It was 90 minutes"}
    )
    assert returned.status_code == 200
    assert (returned.json["status"], returned.json["return_reason"]) == (
        "returned",
        "It was 90 minutes",
    )
    changed = client.patch(entry_url, headers=person, json={"minutes": 90})
    assert changed.status_code == 200, changed.text
    assert (changed.json["minutes"], changed.json["notes"], changed.json["work_date"]) == (
        90,
        "",
        "2026-05-04",
    )
    resubmitted = client.post(f"{entry_url}/submit", headers=person)
    assert (resubmitted.json["status"], resubmitted.json["return_reason"]) == ("submitted", None)
    approved = client.post(f"{entry_url}/approve", headers=coordinator)
    assert approved.json["fee_pence"] == 2070
    assert _entry(entry_id).minutes == 90


def test_withdrawing_before_a_decision_and_not_after(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)
    draft = _create(client, person, _body(w))
    withdrawn = client.post(f"{URL}/{draft}/withdraw", headers=person)
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert _entry(draft).status == "withdrawn"
    again = client.post(f"{URL}/{draft}/withdraw", headers=person)
    assert error_of(again, 409)["message"] == (
        "This has already been decided, so it cannot be withdrawn."
    )
    error_of(client.post(f"{URL}/{draft}/submit", headers=person), 409)

    decided = _create(client, person, _body(w))
    client.post(f"{URL}/{decided}/submit", headers=person)
    client.post(f"{URL}/{decided}/approve", headers=bearer(w.coordinator))
    error_of(client.post(f"{URL}/{decided}/withdraw", headers=person), 409)
    assert _entry(decided).status == "approved"


def test_a_coordinator_records_for_someone_without_a_login_but_cannot_approve_it(
    client: FlaskClient,
) -> None:
    w = make_world()
    offline = make_contributor(projects_=[w.project], name="Sam", default_fee_choice="decline")
    coordinator = bearer(w.coordinator)
    response = client.post(URL, headers=coordinator, json=_body(w, contributor_id=offline.id))
    assert response.status_code == 201, response.text
    created = response.json
    # The contributor's usual fee choice applies when none is given.
    assert (created["contributor_id"], created["recorded_by_id"], created["fee_choice"]) == (
        offline.id,
        w.coordinator.id,
        "decline",
    )
    entry_url = f"{URL}/{created['id']}"
    assert client.post(f"{entry_url}/submit", headers=coordinator).status_code == 200
    refused = client.post(f"{entry_url}/approve", headers=coordinator)
    assert error_of(refused, 403)["message"].startswith("You recorded this yourself")
    assert _entry(created["id"]).status == "submitted"
    approved = client.post(f"{entry_url}/approve", headers=bearer(w.other_coordinator))
    assert approved.status_code == 200
    # A declined fee is 0, and the calculated fee is kept beside it.
    assert (approved.json["fee_pence"], approved.json["calculated_fee_pence"]) == (0, 1380)


def test_a_reduced_fee_keeps_the_calculated_fee_beside_it(client: FlaskClient) -> None:
    w = make_world(pence=1650)
    person = bearer(w.person_user)
    body = _body(w, minutes=150, fee_choice="reduce", fee_requested_pence=2000)
    entry_id = _create(client, person, body)
    assert client.get(f"{URL}/{entry_id}", headers=person).json["fee_requested"] == "20.00"
    client.post(f"{URL}/{entry_id}/submit", headers=person)
    approved = client.post(f"{URL}/{entry_id}/approve", headers=bearer(w.coordinator)).json
    assert (approved["fee_pence"], approved["fee"]) == (2000, "20.00")
    assert (approved["calculated_fee_pence"], approved["calculated_fee"]) == (4125, "41.25")
    too_much = _create(client, person, {**body, "fee_requested_pence": 5000})
    refused = client.post(f"{URL}/{too_much}/submit", headers=person)
    assert error_of(refused, 422)["message"]
    assert _entry(too_much).status == "draft"
    missing = client.post(URL, headers=person, json=_body(w, fee_choice="reduce"))
    assert set(error_of(missing, 422)["fields"]) == {"fee_requested_pence"}


def test_submit_and_approve_bring_benefit_warnings(client: FlaskClient) -> None:
    w = make_world(pence=5000, basis="session")
    rates.load_shipped_reference_data()
    contributors.set_benefit_warnings(
        actor=w.person_user,
        contributor=w.person,
        enabled=True,
        labels=["Permitted work lower limit"],
    )
    db.session.commit()
    person = bearer(w.person_user)
    entry_id = _create(client, person, _body(w))
    submitted = client.post(f"{URL}/{entry_id}/submit", headers=person).json
    assert len(submitted["warnings"]) == 1
    warning = submitted["warnings"][0]
    assert (warning["label"], warning["period"]) == ("Permitted work lower limit", "week")
    assert warning["message"] == (
        "This would take fees this week from £0.00 to £50.00, above £20.00 "
        "(Permitted work lower limit)."
    )
    assert warning["advice"]
    approved = client.post(f"{URL}/{entry_id}/approve", headers=bearer(w.coordinator)).json
    assert [x["label"] for x in approved["warnings"]] == ["Permitted work lower limit"]
    assert approved["status"] == "approved"


def test_work_without_a_rate_cannot_be_sent(client: FlaskClient) -> None:
    w = make_world()
    unpaid = make_activity("Training")
    person = bearer(w.person_user)
    entry_id = _create(client, person, _body(w, activity_type_id=unpaid.id))
    error = error_of(client.post(f"{URL}/{entry_id}/submit", headers=person), 422)
    assert error["message"].startswith("There is no agreed rate for Training on 4 May 2026")
    assert _entry(entry_id).status == "draft"


# --- who may do what ----------------------------------------------------------------------------


def test_nobody_approves_their_own_work(client: FlaskClient) -> None:
    w = make_world()
    both = make_user("contributor", "coordinator")
    make_contributor(user=both, projects_=[w.project])
    projects.add_coordinator(actor=make_user("admin"), project=w.project, user=both)
    db.session.commit()
    headers = bearer(both)
    entry_id = _create(client, headers, _body(w))
    client.post(f"{URL}/{entry_id}/submit", headers=headers)
    refused = client.post(f"{URL}/{entry_id}/approve", headers=headers)
    assert error_of(refused, 403)["message"] == (
        "You cannot approve your own work. Another coordinator needs to do it."
    )
    error_of(client.post(f"{URL}/{entry_id}/return", headers=headers, json={"reason": "x"}), 403)
    assert _entry(entry_id).status == "submitted"


def test_contributors_cannot_decide_and_approved_work_cannot_change(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)
    entry_id = _create(client, person, _body(w))
    client.post(f"{URL}/{entry_id}/submit", headers=person)
    refused = client.post(f"{URL}/{entry_id}/approve", headers=person)
    assert error_of(refused, 403)["message"] == "Your roles do not allow this."
    error_of(client.post(f"{URL}/{entry_id}/return", headers=person, json={"reason": "x"}), 403)
    submitted_edit = client.patch(f"{URL}/{entry_id}", headers=person, json={"minutes": 20})
    assert error_of(submitted_edit, 409)["message"] == (
        "Only a draft, or one sent back to you, can be changed."
    )
    client.post(f"{URL}/{entry_id}/approve", headers=bearer(w.coordinator))
    error_of(client.patch(f"{URL}/{entry_id}", headers=person, json={"minutes": 20}), 409)
    error_of(client.post(f"{URL}/{entry_id}/approve", headers=bearer(w.other_coordinator)), 409)
    stored = _entry(entry_id)
    assert (stored.minutes, stored.fee_pence, stored.decided_by_id) == (50, 1380, w.coordinator.id)


def test_other_peoples_entries_are_not_found(client: FlaskClient) -> None:
    w = make_world()
    entry_id = _create(client, bearer(w.person_user), _body(w))
    client.post(f"{URL}/{entry_id}/submit", headers=bearer(w.person_user))
    neighbour = make_user("contributor")
    make_contributor(user=neighbour, projects_=[w.project])
    outsider = make_user("coordinator")
    make_project(coordinators=[outsider])
    for headers in (bearer(neighbour), bearer(outsider)):
        for method, path in [
            ("GET", ""),
            ("PATCH", ""),
            ("POST", "/submit"),
            ("POST", "/withdraw"),
            ("POST", "/approve"),
            ("POST", "/return"),
        ]:
            response = client.open(
                f"{URL}/{entry_id}{path}", method=method, headers=headers, json={"reason": "x"}
            )
            if response.status_code == 403:  # a contributor may not decide at all
                assert path in {"/approve", "/return"}
                continue
            error = error_of(response, 404)
            assert error["message"] == "That time entry was not found."
        assert client.get(URL, headers=headers).json["total"] == 0
    assert _entry(entry_id).status == "submitted"
    error_of(client.get(f"{URL}/987654", headers=bearer(w.coordinator)), 404)


def test_finance_sees_decided_work_only_and_never_decides(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)
    draft = _create(client, person, _body(w))
    decided = _create(client, person, _body(w))
    client.post(f"{URL}/{decided}/submit", headers=person)
    client.post(f"{URL}/{decided}/approve", headers=bearer(w.coordinator))
    finance = bearer(make_user("finance"))
    listed = client.get(URL, headers=finance).json
    assert [item["id"] for item in listed["items"]] == [decided]
    error_of(client.get(f"{URL}/{draft}", headers=finance), 404)
    error_of(client.post(f"{URL}/{draft}/submit", headers=finance), 403)
    error_of(client.post(URL, headers=finance, json=_body(w)), 403)
    error_of(client.get(URL, headers=bearer(make_user("funder"))), 403)


def test_recording_for_someone_you_may_not_see_is_refused(client: FlaskClient) -> None:
    w = make_world()
    elsewhere = make_project()
    stranger = make_contributor(projects_=[elsewhere])
    coordinator = bearer(w.coordinator)
    hidden = client.post(URL, headers=coordinator, json=_body(w, contributor_id=stranger.id))
    assert error_of(hidden, 404)["message"] == "That contributor was not found."
    not_their_project = client.post(
        URL, headers=bearer(w.person_user), json=_body(w, project_id=elsewhere.id)
    )
    assert error_of(not_their_project, 422)["fields"] == {
        "project_id": "Choose one of their projects"
    }
    nobody = client.post(URL, headers=bearer(make_user("coordinator")), json=_body(w))
    error_of(nobody, 422)
    assert db.session.scalar(select(func.count(TimeEntry.id))) == 0


def test_entry_fields_are_checked_with_every_problem_named(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)
    bad = {
        "project_id": -1,
        "activity_type_id": "meeting",
        "work_date": "4 May",
        "minutes": 0,
        "notes": "a\x00b",
        "fee_choice": "maybe",
        "fee_requested_pence": 1.5,
    }
    assert set(error_of(client.post(URL, headers=person, json=bad), 422)["fields"]) == set(bad)
    future = client.post(URL, headers=person, json=_body(w, work_date="2999-01-01"))
    assert error_of(future, 422)["fields"] == {"work_date": "The date cannot be in the future"}
    ancient = client.post(URL, headers=person, json=_body(w, work_date="0001-01-01"))
    assert error_of(ancient, 422)["fields"] == {"work_date": "Enter a date between 1900 and 2999"}
    entry_id = _create(client, person, _body(w))
    moved = client.patch(f"{URL}/{entry_id}", headers=person, json={"contributor_id": 12345})
    assert set(error_of(moved, 422)["fields"]) == {"contributor_id"}
    same = client.patch(
        f"{URL}/{entry_id}", headers=person, json={"contributor_id": w.person.id, "notes": "ok"}
    )
    assert same.status_code == 200 and same.json["notes"] == "ok"
    error_of(client.patch(f"{URL}/{entry_id}", headers=person, data="[]"), 400)
    assert _entry(entry_id).minutes == 50


# --- lists --------------------------------------------------------------------------------------


def test_lists_filter_by_project_contributor_status_and_dates(client: FlaskClient) -> None:
    w = make_world()
    second = make_project(coordinators=[w.coordinator])
    offline = make_contributor(projects_=[w.project, second])
    person, coordinator = bearer(w.person_user), bearer(w.coordinator)
    early = _create(client, person, _body(w, work_date="2026-04-10"))
    middle = _create(client, person, _body(w, work_date="2026-05-04"))
    late = _create(client, coordinator, _body(w, contributor_id=offline.id, project_id=second.id))
    client.post(f"{URL}/{middle}/submit", headers=person)

    def ids(query: str, headers: dict[str, str] = coordinator) -> list[int]:
        response = client.get(f"{URL}?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json["items"]]

    assert ids("") == [late, middle, early]  # newest work first, then newest entry
    assert ids("", person) == [middle, early]
    assert ids(f"project={second.id}") == [late]
    assert ids(f"contributor={w.person.id}") == [middle, early]
    assert ids("status=submitted") == [middle]
    assert ids("from=2026-05-01") == [late, middle]
    assert ids("to=2026-04-30") == [early]
    assert ids(f"from=2026-04-01&to=2026-04-30&contributor={offline.id}") == []
    page = client.get(f"{URL}?per_page=2&page=2", headers=coordinator).json
    assert ([item["id"] for item in page["items"]], page["total"]) == ([early], 3)
    for query, name in [
        ("status=lost", "status"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("project=0", "project"),
        ("contributor=x", "contributor"),
    ]:
        error = error_of(client.get(f"{URL}?{query}", headers=coordinator), 400)
        assert list(error["fields"]) == [name]


def test_a_page_of_entries_costs_the_same_queries_however_many_rows(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)

    def queries_for_list() -> tuple[int, int]:
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            body = client.get(URL, headers=person).json
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements), body["total"]

    _create(client, person, _body(w))
    few, total = queries_for_list()
    assert total == 1
    for _ in range(5):
        _create(client, person, _body(w))
    many, total = queries_for_list()
    assert (many, total) == (few, 6)


def test_the_openapi_document_describes_the_item_endpoints(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    listing = paths["/api/v1/time-entries"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {
        "page",
        "per_page",
        "project",
        "contributor",
        "status",
        "from",
        "to",
    }
    assert paths["/api/v1/time-entries/{entry_id}/approve"]["post"]["x-access"] == ["coordinator"]
    assert paths["/api/v1/time-entries/{entry_id}"]["patch"]["x-access"] == [
        "contributor",
        "coordinator",
    ]
    receipt = paths["/api/v1/expenses/{expense_id}/receipt"]["post"]["requestBody"]
    assert list(receipt["content"]) == ["multipart/form-data"]
    assert paths["/api/v1/estimate"]["post"]["x-access"] == [
        "admin",
        "contributor",
        "coordinator",
        "finance",
    ]
    for path in ["/api/v1/rates", "/api/v1/expenses", "/api/v1/adaptations"]:
        assert set(paths[path]) == {"get", "post"}
