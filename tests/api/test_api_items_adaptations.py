"""API: adaptation and equipment requests, from asking to provision and loans given back."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from tests.api.api_support import bearer, error_of
from tests.factories import make_contributor, make_project, make_user
from tests.items import World, make_world
from tracker.adaptations.models import AdaptationRequest
from tracker.extensions import db
from tracker.projects import services as projects

URL = "/api/v1/adaptations"


def _laptop(w: World, **overrides: Any) -> dict[str, Any]:
    return {
        "project_id": w.project.id,
        "kind": "laptop",
        "description": "A laptop for online meetings",
        "estimated_pence": 30000,
        "provision": "loan",
        "payment": "supplier",
        "needed_by": "2026-06-01",
        **overrides,
    }


def _item(item_id: int) -> AdaptationRequest:
    item = db.session.get(AdaptationRequest, item_id)
    assert item is not None
    return item


def _create(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> int:
    response = client.post(URL, headers=headers, json=body)
    assert response.status_code == 201, response.text
    return int(response.json["id"])


def test_a_loan_is_requested_approved_provided_and_given_back(client: FlaskClient) -> None:
    w = make_world()
    person, coordinator = bearer(w.person_user), bearer(w.coordinator)
    response = client.post(URL, headers=person, json=_laptop(w))
    assert response.status_code == 201, response.text
    created = response.json
    assert created == {
        "id": created["id"],
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "kind": "laptop",
        "description": "A laptop for online meetings",
        "estimated_pence": 30000,
        "estimated": "300.00",
        "actual_pence": None,
        "actual": None,
        "provision": "loan",
        "payment": "supplier",
        "needed_by": "2026-06-01",
        "status": "draft",
        "payment_status": None,
        "recorded_by_id": w.person_user.id,
        "return_reason": None,
    }
    item_url = f"{URL}/{created['id']}"
    assert client.get(item_url, headers=coordinator).json == created
    assert client.post(f"{item_url}/submit", headers=person).json["status"] == "submitted"
    early = client.post(f"{item_url}/provided", headers=coordinator, json={"actual_pence": 1})
    assert error_of(early, 409)["message"] == (
        "Only an approved request can be marked as provided."
    )
    approved = client.post(f"{item_url}/approve", headers=bearer(w.other_coordinator))
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert _item(created["id"]).decided_by_id == w.other_coordinator.id
    missing = client.post(f"{item_url}/provided", headers=coordinator, json={})
    assert error_of(missing, 422)["fields"] == {"actual_pence": "This field is required"}
    provided = client.post(
        f"{item_url}/provided", headers=coordinator, json={"actual_pence": 28999}
    )
    assert provided.status_code == 200, provided.text
    assert (provided.json["status"], provided.json["actual"]) == ("provided", "289.99")
    assert provided.json["payment_status"] is None  # the supplier is paid, never the slip
    back = client.post(f"{item_url}/returned", headers=coordinator)
    assert back.status_code == 200 and back.json["status"] == "loan_returned"
    stored = _item(created["id"])
    assert (stored.status, stored.actual_pence) == ("loan_returned", 28999)
    assert stored.loan_returned_at is not None


def test_a_reimbursed_gift_becomes_payable_and_is_not_a_loan(client: FlaskClient) -> None:
    w = make_world()
    person, coordinator = bearer(w.person_user), bearer(w.coordinator)
    body = _laptop(
        w, kind="data_top_up", provision="gift", payment="reimburse", estimated_pence=1000
    )
    item_id = _create(client, person, body)
    client.post(f"{URL}/{item_id}/submit", headers=person)
    client.post(f"{URL}/{item_id}/approve", headers=coordinator)
    provided = client.post(
        f"{URL}/{item_id}/provided", headers=coordinator, json={"actual_pence": 1500}
    ).json
    assert (provided["payment_status"], provided["actual_pence"]) == ("approved", 1500)
    not_a_loan = client.post(f"{URL}/{item_id}/returned", headers=coordinator)
    assert error_of(not_a_loan, 409)["message"] == "Only a loan can be marked as returned."
    # Finance sees reimbursed requests once they are payable.
    finance = client.get(URL, headers=bearer(make_user("finance"))).json
    assert [item["id"] for item in finance["items"]] == [item_id]


def test_decline_and_return_need_a_reason_and_returned_requests_can_change(
    client: FlaskClient,
) -> None:
    w = make_world()
    person, coordinator = bearer(w.person_user), bearer(w.coordinator)
    declined_id = _create(client, person, _laptop(w))
    returned_id = _create(client, person, _laptop(w, kind="captioning", provision="service"))
    for item_id in (declined_id, returned_id):
        client.post(f"{URL}/{item_id}/submit", headers=person)
    blank = client.post(f"{URL}/{declined_id}/decline", headers=coordinator, json={"reason": ""})
    assert error_of(blank, 422)["fields"] == {"reason": "Enter a reason"}
    declined = client.post(
        f"{URL}/{declined_id}/decline", headers=coordinator, json={"reason": "We can lend one"}
    ).json
    assert (declined["status"], declined["return_reason"]) == ("declined", "We can lend one")
    error_of(client.post(f"{URL}/{declined_id}/approve", headers=coordinator), 409)

    returned = client.post(
        f"{URL}/{returned_id}/return", headers=coordinator, json={"reason": "Which meeting?"}
    ).json
    assert returned["status"] == "returned"
    changed = client.patch(
        f"{URL}/{returned_id}",
        headers=person,
        json={"description": "Live captions for the May meeting", "needed_by": None},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json["description"], changed.json["needed_by"], changed.json["kind"]) == (
        "Live captions for the May meeting",
        None,
        "captioning",
    )
    assert client.post(f"{URL}/{returned_id}/submit", headers=person).json["status"] == (
        "submitted"
    )
    withdrawn = client.post(f"{URL}/{returned_id}/withdraw", headers=person).json
    assert withdrawn["status"] == "withdrawn"
    assert _item(returned_id).description == "Live captions for the May meeting"


def test_who_may_decide_a_request(client: FlaskClient) -> None:
    w = make_world()
    both = make_user("contributor", "coordinator")
    make_contributor(user=both, projects_=[w.project])
    projects.add_coordinator(actor=make_user("admin"), project=w.project, user=both)
    db.session.commit()
    own = bearer(both)
    item_id = _create(client, own, _laptop(w))
    client.post(f"{URL}/{item_id}/submit", headers=own)
    refused = client.post(f"{URL}/{item_id}/approve", headers=own)
    assert error_of(refused, 403)["message"] == (
        "You cannot approve your own work. Another coordinator needs to do it."
    )
    error_of(client.post(f"{URL}/{item_id}/approve", headers=bearer(w.person_user)), 403)
    outsider = make_user("coordinator")
    make_project(coordinators=[outsider])
    error_of(client.post(f"{URL}/{item_id}/approve", headers=bearer(outsider)), 404)
    error_of(client.get(f"{URL}/{item_id}", headers=bearer(w.person_user)), 404)
    assert _item(item_id).status == "submitted"
    client.post(f"{URL}/{item_id}/approve", headers=bearer(w.coordinator))
    # Nobody records the provision of their own request either.
    mine = client.post(f"{URL}/{item_id}/provided", headers=own, json={"actual_pence": 100})
    assert error_of(mine, 403)["message"] == (
        "Another coordinator needs to record this for your own request."
    )
    error_of(client.patch(f"{URL}/{item_id}", headers=own, json={"kind": "tablet"}), 409)
    assert _item(item_id).kind == "laptop"


def test_request_fields_are_checked(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)
    bad = {
        "project_id": None,
        "kind": "spaceship",
        "description": "",
        "provision": "rent",
        "payment": "cash",
        "needed_by": "soon",
    }
    assert set(error_of(client.post(URL, headers=person, json=bad), 422)["fields"]) == set(bad)
    no_estimate = client.post(URL, headers=person, json={**_laptop(w), "estimated_pence": None})
    assert error_of(no_estimate, 422)["fields"] == {
        "estimated_pence": "Enter roughly what it costs, like 250.00, or 0 if unsure"
    }
    far = client.post(URL, headers=person, json=_laptop(w, needed_by="9999-12-31"))
    assert error_of(far, 422)["fields"] == {"needed_by": "Enter a date between 1900 and 2999"}
    assert db.session.scalar(select(func.count(AdaptationRequest.id))) == 0


def test_requests_list_with_filters_and_steady_query_counts(client: FlaskClient) -> None:
    w = make_world()
    person, coordinator = bearer(w.person_user), bearer(w.coordinator)
    laptop = _create(client, person, _laptop(w))
    interpreter = _create(
        client, person, _laptop(w, kind="bsl_interpreter", provision="service", payment="supplier")
    )
    client.post(f"{URL}/{interpreter}/submit", headers=person)

    def ids(query: str) -> list[int]:
        response = client.get(f"{URL}?{query}", headers=coordinator)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json["items"]]

    assert ids("") == [interpreter, laptop]
    assert ids("kind=laptop") == [laptop]
    assert ids("status=submitted") == [interpreter]
    assert ids(f"contributor={w.person.id}&payment=supplier") == [interpreter, laptop]
    assert ids("payment=reimburse") == []
    error_of(client.get(f"{URL}?status=paid", headers=coordinator), 400)

    def queries() -> int:
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(URL, headers=person).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    for _ in range(4):
        _create(client, person, _laptop(w))
    assert queries() == few
