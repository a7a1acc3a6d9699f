"""Claiming expenses through the pages: mileage worked out, receipts from a phone checked by
content and shown only to people who may see the claim, caps flagged, kind messages."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import sign_in
from tests.factories import make_contributor, make_user
from tests.items import World, make_world
from tracker.expenses import services as expenses
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.items import services as items
from tracker.rates import services as rates


def _phone_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 150)).save(buffer, "JPEG")
    return buffer.getvalue()


def _form(w: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "taxi",
        "project_id": str(w.project.id),
        "claim_date": ["4", "5", "2026"],
        "amount_pence": "12.50",
        "description": "Taxi home after the evening panel",
        "receipt_missing_reason": "",
    }
    data.update(overrides)
    return data


def _mileage(w: World, **overrides: Any) -> dict[str, Any]:
    data = _form(w, category="mileage", amount_pence="", description="Home to the centre")
    data.update({"miles": "30", "vehicle": "car", "passengers": "2"})
    data.update(overrides)
    return data


def _upload(client: FlaskClient, url: str, data: dict[str, Any], name: str, content: bytes) -> Any:
    """Post a form with a file, encoded in memory (the test client would leave a large upload's
    temporary file open)."""
    file = FileStorage(io.BytesIO(content), filename=name, content_type="image/jpeg")
    boundary, body = encode_multipart({**data, "receipt": file})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _only_claim() -> ExpenseClaim:
    return db.session.scalars(select(ExpenseClaim)).one()


def _world() -> World:
    w = make_world()
    rates.load_shipped_reference_data()  # mileage rates and caps (taxi £50.00)
    db.session.commit()
    return w


def _draft(w: World, **overrides: Any) -> ExpenseClaim:
    values: dict[str, Any] = {
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "claim_date": date(2026, 5, 4),
        "category": "taxi",
        "amount_pence": 1250,
        "receipt_missing_reason": "The driver had no receipts",
    }
    values.update(overrides)
    claim = expenses.create_expense(actor=w.person_user, data=expenses.ClaimInput(**values))
    db.session.commit()
    return claim


def test_the_first_question_is_what_the_expense_was_for(client: FlaskClient) -> None:
    w = _world()
    sign_in(client, w.person_user.email)
    page = client.get("/expenses/new")
    assert page.status_code == 200
    assert "What was the expense for?" in page.text and "Mileage" in page.text
    details = client.get("/expenses/new?category=taxi")
    assert details.status_code == 200
    assert 'enctype="multipart/form-data"' in details.text
    assert 'accept="image/jpeg,image/png,application/pdf"' in details.text
    assert "I do not have a receipt" in details.text
    mileage = client.get("/expenses/new?category=mileage")
    assert "How many miles?" in mileage.text and "Car or van" in mileage.text
    assert 'type="file"' not in mileage.text
    assert client.get("/expenses/new?category=nonsense").status_code == 400


def test_mileage_is_worked_out_and_the_breakdown_shown(client: FlaskClient) -> None:
    w = _world()
    sign_in(client, w.person_user.email)
    saved = client.post("/expenses/new", data=_mileage(w))
    assert saved.status_code == 302
    claim = _only_claim()
    assert (claim.miles_tenths, claim.vehicle, claim.passengers) == (300, "car", 2)
    assert claim.amount_pence == 1650  # 30 miles at 45p, plus 2 passengers for 30 miles at 5p
    page = client.get(f"/expenses/{claim.id}")
    assert "£16.50" in page.text
    assert "30 miles at 45p" in page.text
    assert "2 passengers × 30 miles at 5p" in page.text
    sent = client.post(f"/expenses/{claim.id}/submit", follow_redirects=True)
    assert "Sent for approval" in sent.text
    db.session.refresh(claim)
    assert claim.status == "submitted"


def test_taxi_with_a_phone_photo_receipt_which_only_the_owner_can_open(
    client: FlaskClient,
) -> None:
    w = _world()
    photo = _phone_photo()
    sign_in(client, w.person_user.email)
    saved = client.post(
        "/expenses/new?category=taxi",
        data={**_form(w), "receipt": (io.BytesIO(photo), "IMG_2041.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    claim = _only_claim()
    assert claim.receipt_content_type == "image/jpeg" and claim.receipt_stored_name
    page = client.get(f"/expenses/{claim.id}")
    assert "View the receipt" in page.text
    receipt = client.get(f"/expenses/{claim.id}/receipt")
    assert receipt.status_code == 200
    assert receipt.data == photo
    assert receipt.headers["Content-Type"] == "image/jpeg"
    assert receipt.headers["Content-Disposition"] == 'inline; filename="IMG_2041.jpg"'
    assert receipt.headers["X-Content-Type-Options"] == "nosniff"
    assert client.post(f"/expenses/{claim.id}/submit").status_code == 302
    db.session.refresh(claim)
    assert claim.status == "submitted"

    client.post("/sign-out")
    stranger = make_user("contributor")
    make_contributor(user=stranger, projects_=[w.project])
    sign_in(client, stranger.email)
    assert client.get(f"/expenses/{claim.id}").status_code == 404
    assert client.get(f"/expenses/{claim.id}/receipt").status_code == 404
    assert client.get(f"/expenses/{claim.id}/edit").status_code == 404
    assert client.post(f"/expenses/{claim.id}/withdraw").status_code == 404

    client.post("/sign-out")
    sign_in(client, w.coordinator.email)
    assert client.get(f"/expenses/{claim.id}/receipt").data == photo


def test_a_renamed_program_is_refused_and_nothing_is_saved(client: FlaskClient) -> None:
    w = _world()
    sign_in(client, w.person_user.email)
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    response = client.post(
        "/expenses/new?category=taxi",
        data={**_form(w), "receipt": (io.BytesIO(program), "receipt.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "We can only take a photo (JPEG or PNG) or a PDF" in response.text
    assert 'href="#receipt"' in response.text  # the summary leads to the file box
    assert 'value="12.50"' in response.text  # what was typed is kept
    assert db.session.scalar(select(ExpenseClaim.id)) is None


def test_a_file_over_10_mb_is_refused_kindly(client: FlaskClient) -> None:
    w = _world()
    sign_in(client, w.person_user.email)
    big = _phone_photo() + b"\x00" * (10 * 1024 * 1024)
    response = _upload(client, "/expenses/new?category=taxi", _form(w), "huge.jpg", big)
    assert response.status_code == 400
    assert "The file is bigger than 10 MB" in response.text
    assert db.session.scalar(select(ExpenseClaim.id)) is None


def test_a_claim_over_the_usual_limit_is_flagged_not_refused(client: FlaskClient) -> None:
    w = _world()
    sign_in(client, w.person_user.email)
    client.post(
        "/expenses/new", data=_form(w, amount_pence="60.00", receipt_missing_reason="Lost it")
    )
    claim = _only_claim()
    assert claim.over_cap
    page = client.get(f"/expenses/{claim.id}")
    assert "This is more than the usual limit of £50.00. Your coordinator will look at it." in (
        page.text
    )
    client.post(f"/expenses/{claim.id}/submit")
    db.session.refresh(claim)
    assert claim.status == "submitted"


def test_sending_without_a_receipt_asks_for_one_or_a_reason(client: FlaskClient) -> None:
    w = _world()
    claim = _draft(w, receipt_missing_reason=None)
    sign_in(client, w.person_user.email)
    page = client.get(f"/expenses/{claim.id}")
    assert "Not added yet" in page.text
    refused = client.post(f"/expenses/{claim.id}/submit", follow_redirects=True)
    assert "Add a photo or PDF of the receipt, or tell us why there is no receipt" in refused.text
    db.session.refresh(claim)
    assert claim.status == "draft"
    client.post(
        f"/expenses/{claim.id}/edit", data=_form(w, receipt_missing_reason="Bus ticket was lost")
    )
    db.session.refresh(claim)
    assert claim.receipt_missing_reason == "Bus ticket was lost"
    client.post(f"/expenses/{claim.id}/submit")
    db.session.refresh(claim)
    assert claim.status == "submitted"


def test_change_a_claim_to_mileage_then_withdraw_it(client: FlaskClient) -> None:
    w = _world()
    claim = _draft(w)
    sign_in(client, w.person_user.email)
    assert "12.50" in client.get(f"/expenses/{claim.id}/edit").text
    chooser = client.get(f"/expenses/{claim.id}/edit?choose=1")
    assert "What was the expense for?" in chooser.text
    assert "How many miles?" in client.get(f"/expenses/{claim.id}/edit?category=mileage").text
    changed = client.post(f"/expenses/{claim.id}/edit", data=_mileage(w, miles="12.5"))
    assert changed.status_code == 302
    db.session.refresh(claim)
    assert (claim.category, claim.miles_tenths, claim.amount_pence) == ("mileage", 125, 688)
    assert client.get(f"/expenses/{claim.id}/withdraw").status_code == 200
    client.post(f"/expenses/{claim.id}/withdraw")
    db.session.refresh(claim)
    assert claim.status == "withdrawn"


def test_an_approved_claim_cannot_be_changed(client: FlaskClient) -> None:
    w = _world()
    claim = _draft(w)
    items.submit_item(actor=w.person_user, item=claim)
    items.approve_item(actor=w.coordinator, item=claim)
    db.session.commit()
    sign_in(client, w.person_user.email)
    page = client.get(f"/expenses/{claim.id}/edit", follow_redirects=True)
    assert "This has been approved, so it cannot be changed" in page.text
    posted = client.post(
        f"/expenses/{claim.id}/edit", data=_form(w, amount_pence="99.00"), follow_redirects=True
    )
    assert "cannot be changed" in posted.text
    db.session.refresh(claim)
    assert (claim.status, claim.amount_pence) == ("approved", 1250)


def test_coordinator_claims_for_a_contributor(client: FlaskClient) -> None:
    w = _world()
    sign_in(client, w.coordinator.email)
    ask = client.get("/expenses/new?category=taxi")
    assert "Who is this for?" in ask.text and 'name="category" value="taxi"' in ask.text
    saved = client.post(
        f"/expenses/new?contributor_id={w.person.id}&category=taxi",
        data=_form(w, receipt_missing_reason="Paid cash"),
    )
    assert saved.status_code == 302
    claim = _only_claim()
    assert (claim.contributor_id, claim.recorded_by_id) == (w.person.id, w.coordinator.id)
    page = client.get(saved.headers["Location"])
    assert "Recorded by" in page.text and "Casey" in page.text


def test_mistakes_are_explained_kindly_and_kept(client: FlaskClient) -> None:
    w = _world()
    sign_in(client, w.person_user.email)
    response = client.post(
        "/expenses/new", data=_mileage(w, miles="twelve", vehicle="", passengers="9")
    )
    assert response.status_code == 400
    assert "<title>Error: Claim an expense" in response.text
    assert "Enter the miles as a number, like 12.5" in response.text
    assert "Choose the vehicle" in response.text
    assert "Enter a number from 0 to 8" in response.text
    assert 'value="twelve"' in response.text
    money = client.post("/expenses/new", data=_form(w, amount_pence="4.505"))
    assert money.status_code == 400 and "nearest penny" in money.text
    assert 'value="4.505"' in money.text
    nothing = client.post("/expenses/new", data=_form(w, amount_pence=""))
    assert "Enter the amount you spent, like 4.50" in nothing.text
    assert db.session.scalar(select(ExpenseClaim.id)) is None


FIELDS = [
    "category",
    "project_id",
    "amount_pence",
    "miles",
    "vehicle",
    "passengers",
    "description",
    "receipt_missing_reason",
]
TEXT = st.text(max_size=30) | st.sampled_from(
    ["", "0", "12.5", "mileage", "car", "1e9999", "NaN", "sNaN", "99999999999999999999"]
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(st.sampled_from(FIELDS), TEXT),
    date_parts=st.lists(TEXT, max_size=4),
)
def test_whatever_is_typed_into_a_claim_never_breaks_the_page(
    app: Flask, client: FlaskClient, fields: dict[str, str], date_parts: list[str]
) -> None:
    if "fuzz_world" not in app.extensions:
        w = _world()
        sign_in(client, w.person_user.email)
        app.extensions["fuzz_world"] = w
    w = app.extensions["fuzz_world"]
    response = client.post(
        "/expenses/new", data={**_mileage(w), **fields, "claim_date": date_parts}
    )
    assert response.status_code in {302, 400}
