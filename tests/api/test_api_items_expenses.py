"""API: expense claims, mileage worked out from the rates, receipts, caps and decisions."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import event, func, select

from tests.api.api_support import bearer, error_of
from tests.factories import make_contributor, make_project, make_user
from tests.items import World, make_world
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.rates import services as rates

URL = "/api/v1/expenses"


def _taxi(w: World, **overrides: Any) -> dict[str, Any]:
    return {
        "project_id": w.project.id,
        "date": "2026-05-04",
        "category": "taxi",
        "description": "Home from the evening meeting",
        "amount_pence": 1250,
        **overrides,
    }


def _mileage(w: World, miles: str, **overrides: Any) -> dict[str, Any]:
    return {
        "project_id": w.project.id,
        "date": "2026-05-04",
        "category": "mileage",
        "miles": miles,
        "vehicle": "car",
        **overrides,
    }


def _claim(claim_id: int) -> ExpenseClaim:
    claim = db.session.get(ExpenseClaim, claim_id)
    assert claim is not None
    return claim


def _create(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> int:
    response = client.post(URL, headers=headers, json=body)
    assert response.status_code == 201, response.text
    return int(response.json["id"])


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _upload(
    client: FlaskClient, claim_id: int, headers: dict[str, str], data: bytes, name: str
) -> Any:
    return client.post(
        f"{URL}/{claim_id}/receipt",
        headers=headers,
        data={"receipt": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


# --- the lifecycle ------------------------------------------------------------------------------


def test_a_claim_with_a_receipt_is_submitted_and_approved_by_a_coordinator(
    client: FlaskClient,
) -> None:
    w = make_world()
    person = bearer(w.person_user)
    response = client.post(URL, headers=person, json=_taxi(w))
    assert response.status_code == 201, response.text
    created = response.json
    assert created == {
        "id": created["id"],
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "date": "2026-05-04",
        "category": "taxi",
        "description": "Home from the evening meeting",
        "amount_pence": 1250,
        "amount": "12.50",
        "miles": None,
        "vehicle": None,
        "passengers": 0,
        "receipt_missing_reason": None,
        "status": "draft",
        "over_cap": False,
        "approved_pence": None,
        "approved": None,
        "has_receipt": False,
        "recorded_by_id": w.person_user.id,
        "return_reason": None,
    }
    claim_url = f"{URL}/{created['id']}"
    no_receipt = client.post(f"{claim_url}/submit", headers=person)
    assert error_of(no_receipt, 422)["fields"] == {
        "receipt": "Add the receipt, or say why it is missing"
    }
    uploaded = _upload(client, created["id"], person, _png(), "taxi.png")
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json["has_receipt"] is True
    assert _claim(created["id"]).receipt_content_type == "image/png"
    assert client.post(f"{claim_url}/submit", headers=person).json["status"] == "submitted"
    approved = client.post(f"{claim_url}/approve", headers=bearer(w.other_coordinator))
    assert approved.status_code == 200, approved.text
    assert (approved.json["status"], approved.json["approved_pence"]) == ("approved", 1250)
    assert approved.json["approved"] == "12.50"
    stored = _claim(created["id"])
    assert (stored.status, stored.approved_pence, stored.decided_by_id) == (
        "approved",
        1250,
        w.other_coordinator.id,
    )


def test_a_returned_claim_is_changed_and_a_withdrawn_one_stays_withdrawn(
    client: FlaskClient,
) -> None:
    w = make_world()
    person, coordinator = bearer(w.person_user), bearer(w.coordinator)
    claim_id = _create(client, person, _taxi(w, receipt_missing_reason="The driver had no card"))
    claim_url = f"{URL}/{claim_id}"
    client.post(f"{claim_url}/submit", headers=person)
    error_of(client.post(f"{claim_url}/return", headers=coordinator, json={}), 422)
    returned = client.post(
        f"{claim_url}/return", headers=coordinator, json={"reason": "Was it £12.00?"}
    )
    assert returned.json["status"] == "returned"
    assert _claim(claim_id).return_reason == "Was it £12.00?"
    changed = client.patch(claim_url, headers=person, json={"amount_pence": 1200})
    assert changed.status_code == 200, changed.text
    assert (changed.json["amount"], changed.json["description"]) == (
        "12.00",
        "Home from the evening meeting",
    )
    withdrawn = client.post(f"{claim_url}/withdraw", headers=person)
    assert withdrawn.json["status"] == "withdrawn"
    error_of(client.post(f"{claim_url}/submit", headers=person), 409)
    error_of(client.patch(claim_url, headers=person, json={"amount_pence": 1}), 409)
    stored = _claim(claim_id)
    assert (stored.status, stored.amount_pence) == ("withdrawn", 1200)


# --- mileage and caps ---------------------------------------------------------------------------


def test_mileage_is_worked_out_from_the_dated_rates(client: FlaskClient) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    db.session.commit()
    person = bearer(w.person_user)
    response = client.post(URL, headers=person, json=_mileage(w, "30.0", passengers=2))
    assert response.status_code == 201, response.text
    created = response.json
    # 30 miles at 45p, plus 30 miles at 5p for each of 2 passengers.
    assert (created["amount_pence"], created["amount"]) == (1650, "16.50")
    assert (created["miles"], created["vehicle"], created["passengers"]) == ("30.0", "car", 2)
    stored = _claim(created["id"])
    assert (stored.miles_tenths, stored.amount_pence) == (300, 1650)
    # Mileage needs no receipt.
    assert client.post(f"{URL}/{created['id']}/submit", headers=person).status_code == 200
    whole = client.post(URL, headers=person, json=_mileage(w, "12", vehicle="bicycle"))
    assert (whole.json["miles"], whole.json["amount_pence"]) == ("12.0", 240)


def test_mileage_worked_example_crossing_ten_thousand_miles(client: FlaskClient) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    db.session.commit()
    person, coordinator = bearer(w.person_user), bearer(w.coordinator)
    for day, miles in (("2026-04-10", "4995"), ("2026-04-20", "4995")):
        earlier = _create(client, person, _mileage(w, miles, date=day))
        client.post(f"{URL}/{earlier}/submit", headers=person)
        assert client.post(f"{URL}/{earlier}/approve", headers=coordinator).status_code == 200
    claim_id = _create(client, person, _mileage(w, "30", passengers=2))
    client.post(f"{URL}/{claim_id}/submit", headers=person)
    approved = client.post(f"{URL}/{claim_id}/approve", headers=coordinator).json
    # 10 x 45p + 20 x 25p + 30 x 5p x 2 = £12.50
    assert (approved["approved_pence"], approved["approved"]) == (1250, "12.50")
    assert _claim(claim_id).approved_pence == 1250


def test_mileage_fields_are_checked(client: FlaskClient) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    db.session.commit()
    person = bearer(w.person_user)
    for miles, message in [
        ("12.55", "Enter the miles to one decimal place, like 12.5"),
        ("lots", "Enter the miles as a number, like 12.5"),
        ("0", "Enter the miles, from 0.1 to 5,000"),
        (12.5, 'Enter the miles as a string, like "12.5"'),
        ("NaN", "Enter the miles as a number, like 12.5"),
        ("1e3", "Enter the miles as a number, like 12.5"),
        ("1_000", "Enter the miles as a number, like 12.5"),
        ("+12.5", "Enter the miles as a number, like 12.5"),
    ]:
        response = client.post(URL, headers=person, json={**_mileage(w, "1"), "miles": miles})
        assert error_of(response, 422)["fields"] == {"miles": message}, miles
    no_vehicle = client.post(
        URL, headers=person, json=_mileage(w, "3.5", vehicle="bicycle", passengers=1)
    )
    assert set(error_of(no_vehicle, 422)["fields"]) == {"passengers"}
    bad_date = client.post(URL, headers=person, json=_mileage(w, "3.5", date="2026-13-01"))
    assert error_of(bad_date, 422)["fields"] == {
        "date": "Enter a date as YYYY-MM-DD, like 2026-04-01"
    }
    future = client.post(URL, headers=person, json=_mileage(w, "3.5", date="2999-01-01"))
    # The service's field is reported with the API's name.
    assert error_of(future, 422)["fields"] == {"date": "The date cannot be in the future"}
    assert db.session.scalar(select(func.count(ExpenseClaim.id))) == 0


def test_over_the_cap_the_coordinator_approves_the_cap_or_gives_a_reason(
    client: FlaskClient,
) -> None:
    w = make_world()
    rates.load_shipped_reference_data()  # taxi cap £50.00
    db.session.commit()
    person, coordinator = bearer(w.person_user), bearer(w.coordinator)
    capped, overridden = (
        _create(client, person, _taxi(w, amount_pence=6500, receipt_missing_reason="Lost"))
        for _ in range(2)
    )
    for claim_id in (capped, overridden):
        assert client.post(f"{URL}/{claim_id}/submit", headers=person).json["over_cap"] is True
    refused = client.post(f"{URL}/{capped}/approve", headers=coordinator)
    assert error_of(refused, 422)["fields"] == {
        "override_reason": "Give a reason, or approve the capped amount"
    }
    at_cap = client.post(f"{URL}/{capped}/approve", headers=coordinator, json={"at_cap": True})
    assert (at_cap.json["amount_pence"], at_cap.json["approved_pence"]) == (6500, 5000)
    reasoned = client.post(
        f"{URL}/{overridden}/approve",
        headers=coordinator,
        json={"override_reason": "An accessible taxi late at night"},
    )
    assert reasoned.json["approved_pence"] == 6500
    assert _claim(overridden).cap_override_reason == "An accessible taxi late at night"
    wrong = client.post(f"{URL}/{capped}/approve", headers=coordinator, json={"at_cap": "yes"})
    assert error_of(wrong, 422)["fields"] == {"at_cap": "Enter true or false"}


# --- receipts -----------------------------------------------------------------------------------


def test_a_renamed_executable_is_not_a_receipt(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)
    claim_id = _create(client, person, _taxi(w))
    for data, name in [
        (b"MZ\x90\x00" + b"\x00" * 200, "receipt.png"),
        (b"\x7fELF" + b"\x00" * 200, "receipt.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a picture", "receipt.png"),
    ]:
        response = _upload(client, claim_id, person, data, name)
        assert error_of(response, 422)["fields"] == {
            "receipt": "The file must be a JPEG, PNG or PDF"
        }
    empty = _upload(client, claim_id, person, b"", "empty.png")
    assert error_of(empty, 422)["fields"] == {"receipt": "Choose a file"}
    no_file = client.post(f"{URL}/{claim_id}/receipt", headers=person, json={"receipt": "x"})
    assert error_of(no_file, 422)["fields"] == {"receipt": "Choose a file"}
    assert _claim(claim_id).receipt_stored_name is None


def test_only_the_claimant_adds_a_receipt_and_only_while_editable(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)
    claim_id = _create(client, person, _taxi(w, receipt_missing_reason="Lost"))
    neighbour = make_user("contributor")
    make_contributor(user=neighbour, projects_=[w.project])
    error_of(_upload(client, claim_id, bearer(neighbour), _png(), "r.png"), 404)
    error_of(_upload(client, claim_id, bearer(w.coordinator), _png(), "r.png"), 403)
    error_of(_upload(client, claim_id, bearer(make_user("admin")), _png(), "r.png"), 403)
    client.post(f"{URL}/{claim_id}/submit", headers=person)
    error_of(_upload(client, claim_id, person, _png(), "r.png"), 409)
    assert _claim(claim_id).receipt_stored_name is None
    # Control characters in a file name are dropped rather than stored.
    draft = _create(client, person, _taxi(w))
    assert _upload(client, draft, person, _png(), "a\x01b.png").status_code == 200
    assert _claim(draft).receipt_original_name == "ab.png"


# --- who may do what ----------------------------------------------------------------------------


def test_claims_are_decided_by_another_coordinator_of_the_project(client: FlaskClient) -> None:
    w = make_world()
    offline = make_contributor(projects_=[w.project])
    coordinator = bearer(w.coordinator)
    claim_id = _create(
        client,
        coordinator,
        _taxi(w, contributor_id=offline.id, receipt_missing_reason="Paper sign-in sheet"),
    )
    assert _claim(claim_id).recorded_by_id == w.coordinator.id
    client.post(f"{URL}/{claim_id}/submit", headers=coordinator)
    refused = client.post(f"{URL}/{claim_id}/approve", headers=coordinator)
    assert error_of(refused, 403)["message"].startswith("You recorded this yourself")
    error_of(client.post(f"{URL}/{claim_id}/approve", headers=bearer(w.person_user)), 403)
    outsider = make_user("coordinator")
    make_project(coordinators=[outsider])
    error_of(client.post(f"{URL}/{claim_id}/approve", headers=bearer(outsider)), 404)
    error_of(client.get(f"{URL}/{claim_id}", headers=bearer(outsider)), 404)
    error_of(client.get(f"{URL}/{claim_id}", headers=bearer(w.person_user)), 404)
    assert _claim(claim_id).status == "submitted"
    approved = client.post(f"{URL}/{claim_id}/approve", headers=bearer(w.other_coordinator))
    assert approved.json["status"] == "approved"
    error_of(client.patch(f"{URL}/{claim_id}", headers=coordinator, json={"amount_pence": 1}), 409)
    assert _claim(claim_id).amount_pence == 1250


# --- lists --------------------------------------------------------------------------------------


def test_claims_list_with_filters_and_steady_query_counts(client: FlaskClient) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    db.session.commit()
    person = bearer(w.person_user)
    taxi = _create(client, person, _taxi(w, date="2026-04-20"))
    mileage = _create(client, person, _mileage(w, "3.0"))

    def ids(query: str) -> list[int]:
        response = client.get(f"{URL}?{query}", headers=bearer(w.coordinator))
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json["items"]]

    assert ids("") == [mileage, taxi]
    assert ids("category=taxi") == [taxi]
    assert ids("to=2026-04-30") == [taxi]
    assert ids("status=draft&from=2026-05-01") == [mileage]
    assert ids(f"project={w.project.id + 1}") == []
    assert list(error_of(client.get(f"{URL}?category=bus", headers=person), 400)["fields"]) == [
        "category"
    ]

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
        _create(client, person, _taxi(w))
    assert queries() == few
