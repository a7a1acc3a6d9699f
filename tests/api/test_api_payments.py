"""API: payment runs from draft to paid, slips and their PDFs, void and cancel; who may see what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.api_support import bearer, error_of
from tests.factories import make_contributor, make_user
from tests.items import Paying, entry_input
from tracker.dates import local_today
from tracker.extensions import db
from tracker.items import services as items
from tracker.payments import services as payments
from tracker.projects import services as projects
from tracker.slips import services as slips
from tracker.slips.models import PaymentSlip
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry

YEAR = local_today().year
TODAY = local_today().isoformat()


def _two_people(paying: Any) -> None:
    robin = paying.people[0]
    jo = paying.add_person("Jo")
    paying.approved_time(robin, minutes=50)  # £13.80
    paying.approved_expense(robin, pence=1250)
    paying.approved_time(jo, minutes=120)  # £27.60


def test_a_run_from_draft_to_paid(client: FlaskClient, paying) -> None:
    _two_people(paying)
    finance = bearer(paying.finance)

    created = client.post("/api/v1/payment-runs", json={"cut_off": TODAY}, headers=finance)
    assert created.status_code == 201, created.text
    run = created.json
    assert run == {
        "id": run["id"],
        "cut_off": TODAY,
        "project_id": None,
        "status": "draft",
        "slip_count": 0,
        "fees_pence": 4140,
        "fees": "41.40",
        "expenses_pence": 1250,
        "expenses": "12.50",
        "total_pence": 5390,
        "total": "53.90",
        "paid_on": None,
        "reference": None,
    }
    listing = client.get("/api/v1/payment-runs", headers=finance).json
    assert listing["total"] == 1 and listing["items"] == [run]

    confirmed = client.post(f"/api/v1/payment-runs/{run['id']}/confirm", headers=finance)
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json["status"], confirmed.json["slip_count"]) == ("confirmed", 2)
    assert confirmed.json["total_pence"] == 5390

    slip_page = client.get(f"/api/v1/payment-runs/{run['id']}/slips", headers=finance).json
    assert slip_page["total"] == 2
    items = slip_page["items"]
    assert [(s["number"], s["total_pence"], s["total"], s["status"]) for s in items] == [
        (f"PS-{YEAR}-00001", 2760, "27.60", "issued"),
        (f"PS-{YEAR}-00002", 2630, "26.30", "issued"),
    ]
    assert sum(s["total_pence"] for s in items) == run["total_pence"]
    robin = items[1]
    assert set(robin) >= {
        "id",
        "number",
        "run_id",
        "contributor_id",
        "fees_pence",
        "expenses_pence",
        "total_pence",
        "status",
        "sha256",
    }
    assert (robin["fees_pence"], robin["expenses_pence"]) == (1380, 1250)
    assert robin["contributor_id"] == paying.people[0].id
    slip = db.session.get(PaymentSlip, robin["id"])
    assert slip is not None
    assert slips.archive_path(slip).read_bytes() and robin["sha256"] == slip.sha256

    assert client.get(f"/api/v1/slips/{robin['id']}", headers=finance).json == robin
    pdf = client.get(f"/api/v1/slips/{robin['id']}.pdf", headers=finance)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert slips.sha256(pdf.data) == robin["sha256"]

    paid = client.post(
        f"/api/v1/payment-runs/{run['id']}/paid",
        json={"paid_on": TODAY, "reference": "BACS 11"},
        headers=finance,
    )
    assert paid.status_code == 200, paid.text
    assert (paid.json["status"], paid.json["paid_on"], paid.json["reference"]) == (
        "paid",
        TODAY,
        "BACS 11",
    )
    assert set(db.session.scalars(db.select(TimeEntry.status))) == {"paid"}
    late = client.post(f"/api/v1/slips/{robin['id']}/void", json={"reason": "x"}, headers=finance)
    assert error_of(late, 409)["message"] == "Only an issued, unpaid slip can be voided."


def test_void_needs_a_reason_keeps_the_number_and_leaves_the_totals(
    client: FlaskClient, paying, run_factory
) -> None:
    _two_people(paying)
    run = run_factory()
    finance = bearer(paying.finance)
    client.post(f"/api/v1/payment-runs/{run.id}/confirm", headers=finance)
    slip_id = db.session.scalars(db.select(PaymentSlip.id).order_by(PaymentSlip.sequence)).first()
    blank = client.post(f"/api/v1/slips/{slip_id}/void", json={"reason": " "}, headers=finance)
    assert error_of(blank, 422)["fields"] == {"reason": "Enter a reason"}
    missing = client.post(f"/api/v1/slips/{slip_id}/void", json={}, headers=finance)
    assert error_of(missing, 422)["fields"] == {"reason": "Enter a reason"}
    void = client.post(
        f"/api/v1/slips/{slip_id}/void", json={"reason": "Wrong person"}, headers=finance
    )
    assert void.status_code == 200, void.text
    assert (void.json["status"], void.json["number"]) == ("void", f"PS-{YEAR}-00001")
    after = client.get(f"/api/v1/payment-runs/{run.id}", headers=finance).json
    assert (after["slip_count"], after["total_pence"]) == (1, 2630)


def test_cancel_a_draft_once(client: FlaskClient, paying, run_factory) -> None:
    paying.approved_time(paying.people[0])
    run = run_factory()
    finance = bearer(paying.finance)
    cancelled = client.post(f"/api/v1/payment-runs/{run.id}/cancel", headers=finance)
    assert cancelled.status_code == 200
    assert (cancelled.json["status"], cancelled.json["total_pence"]) == ("cancelled", 0)
    assert db.session.scalars(db.select(TimeEntry.status)).all() == ["approved"]
    again = client.post(f"/api/v1/payment-runs/{run.id}/cancel", headers=finance)
    assert error_of(again, 409)["message"] == "Only a draft run can be cancelled."
    confirm = client.post(f"/api/v1/payment-runs/{run.id}/confirm", headers=finance)
    assert error_of(confirm, 409)


def test_bad_input_is_named_field_by_field(client: FlaskClient, paying) -> None:
    finance = bearer(paying.finance)
    bad = client.post(
        "/api/v1/payment-runs", json={"cut_off": "2026-02-30", "project_id": 0}, headers=finance
    )
    assert set(error_of(bad, 422)["fields"]) == {"cut_off", "project_id"}
    nothing = client.post("/api/v1/payment-runs", json={"cut_off": TODAY}, headers=finance)
    assert "Nothing approved" in error_of(nothing, 422)["message"]
    paying.approved_time(paying.people[0])
    unknown = client.post(
        "/api/v1/payment-runs", json={"cut_off": TODAY, "project_id": 99999}, headers=finance
    )
    assert error_of(unknown, 422)["fields"] == {"project_id": "Unknown"}
    run = client.post("/api/v1/payment-runs", json={"cut_off": TODAY}, headers=finance).json
    client.post(f"/api/v1/payment-runs/{run['id']}/confirm", headers=finance)
    future = (local_today() + timedelta(days=2)).isoformat()
    paid = client.post(
        f"/api/v1/payment-runs/{run['id']}/paid", json={"paid_on": future}, headers=finance
    )
    assert error_of(paid, 422)["fields"] == {"paid_on": "The date cannot be in the future"}
    long_ref = client.post(
        f"/api/v1/payment-runs/{run['id']}/paid",
        json={"paid_on": TODAY, "reference": "x" * 101},
        headers=finance,
    )
    assert set(error_of(long_ref, 422)["fields"]) == {"reference"}


def test_the_approver_cannot_confirm(client: FlaskClient, paying, run_factory) -> None:
    w = paying.world
    both = make_user("finance", "coordinator")
    projects.add_coordinator(actor=make_user("admin"), project=w.project, user=both)
    entry = timesheets.create_time_entry(actor=w.coordinator, data=entry_input(w))
    items.submit_item(actor=w.coordinator, item=entry)
    items.approve_item(actor=both, item=entry)
    db.session.commit()
    run = run_factory()
    refused = client.post(f"/api/v1/payment-runs/{run.id}/confirm", headers=bearer(both))
    assert "another finance colleague" in error_of(refused, 403)["message"]
    assert db.session.scalar(db.select(PaymentSlip.id)) is None


def test_only_finance_and_the_owner_see_a_slip(client: FlaskClient, paying, run_factory) -> None:
    jo_user = make_user("contributor")
    jo = make_contributor(user=jo_user, projects_=[paying.world.project], name="Jo")
    paying.approved_time(paying.people[0])
    paying.approved_time(jo)
    run = run_factory()
    client.post(f"/api/v1/payment-runs/{run.id}/confirm", headers=bearer(paying.finance))
    slip_of = {s.contributor_id: s.id for s in db.session.scalars(db.select(PaymentSlip)).all()}
    robin_slip, jo_slip = slip_of[paying.people[0].id], slip_of[jo.id]
    jo_token = bearer(jo_user)
    own = client.get(f"/api/v1/slips/{jo_slip}", headers=jo_token)
    assert own.status_code == 200 and own.json["contributor_id"] == jo.id
    assert client.get(f"/api/v1/slips/{jo_slip}.pdf", headers=jo_token).status_code == 200
    for headers in (jo_token, bearer(paying.world.coordinator), bearer(make_user("funder"))):
        for url in (f"/api/v1/slips/{robin_slip}", f"/api/v1/slips/{robin_slip}.pdf"):
            assert error_of(client.get(url, headers=headers), 404)["code"] == "not_found"
    assert error_of(client.get("/api/v1/slips/2147483647", headers=jo_token), 404)
    # Finance-only resources are a 403 for everyone else, and change nothing.
    for method, url in (
        ("GET", "/api/v1/payment-runs"),
        ("POST", "/api/v1/payment-runs"),
        ("GET", f"/api/v1/payment-runs/{run.id}/slips"),
        ("POST", f"/api/v1/payment-runs/{run.id}/paid"),
        ("POST", f"/api/v1/slips/{robin_slip}/void"),
    ):
        response = client.open(url, method=method, json={"reason": "x"}, headers=jo_token)
        assert error_of(response, 403)
    assert db.session.get(PaymentSlip, robin_slip).status == "issued"  # type: ignore[union-attr]
    missing = client.get("/api/v1/payment-runs/999", headers=bearer(paying.finance))
    assert error_of(missing, 404)


def test_the_openapi_document_describes_payment_runs(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert paths["/api/v1/payment-runs"]["post"]["x-access"] == ["finance"]
    assert paths["/api/v1/slips/{slip_id}.pdf"]["get"]["x-access"] == ["signed_in"]
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert {"slip_count", "fees_pence", "expenses_pence", "total_pence"} <= set(
        schemas["PaymentRun"]["properties"]
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text()
    | st.sampled_from([TODAY, "2026-02-30", "0001-01-01", "9999-12-31", "1"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["cut_off", "project_id", "paid_on", "reference", "reason"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_random_json_to_payment_endpoints_never_gives_a_500(app: Flask, value: Any) -> None:
    if "pay_fuzz" not in app.extensions:
        paying = Paying()
        paying.approved_time(paying.people[0])
        run = payments.create_payment_run(actor=paying.finance, cut_off=local_today())
        db.session.commit()
        app.extensions["pay_fuzz"] = (run.id, bearer(paying.finance))
    run_id, headers = app.extensions["pay_fuzz"]
    slip_id = db.session.scalar(db.select(PaymentSlip.id)) or 1
    client = app.test_client()
    for url in (
        "/api/v1/payment-runs",
        f"/api/v1/payment-runs/{run_id}/paid",
        f"/api/v1/slips/{slip_id}/void",
        f"/api/v1/payment-runs/{run_id}/confirm",
        f"/api/v1/payment-runs/{run_id}/cancel",
    ):
        response = client.post(url, json=value, headers=headers)
        assert response.status_code in {200, 201, 400, 403, 404, 409, 422}, (url, response.text)
        assert response.is_json
