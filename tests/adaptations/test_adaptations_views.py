"""Asking for equipment or support through the pages."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_contributor, make_user
from tests.items import World, make_world
from tracker.adaptations import services as adaptations
from tracker.adaptations.models import AdaptationRequest
from tracker.extensions import db
from tracker.items import services as items


def _form(w: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project_id": str(w.project.id),
        "kind": "laptop",
        "description": "A laptop for the online panel meetings",
        "estimated_pence": "350.00",
        "provision": "loan",
        "payment": "supplier",
        "needed_by": ["1", "6", "2026"],
    }
    data.update(overrides)
    return data


def _only_request() -> AdaptationRequest:
    return db.session.scalars(select(AdaptationRequest)).one()


def _draft(w: World) -> AdaptationRequest:
    item = adaptations.create_request(
        actor=w.person_user,
        data=adaptations.RequestInput(
            contributor_id=w.person.id,
            project_id=w.project.id,
            kind="data_top_up",
            description="Data for video calls",
            estimated_pence=1500,
            provision="gift",
            payment="reimburse",
        ),
    )
    db.session.commit()
    return item


def test_ask_for_a_laptop_then_send_the_request(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    page = client.get("/adaptations/new")
    assert page.status_code == 200
    assert "Ask for equipment or support" in page.text
    assert "BSL interpreter" in page.text and "What you need, not why" in page.text
    saved = client.post("/adaptations/new", data=_form(w))
    assert saved.status_code == 302
    item = _only_request()
    assert (item.kind, item.estimated_pence, item.provision, item.payment) == (
        "laptop",
        35000,
        "loan",
        "supplier",
    )
    assert item.needed_by is not None and item.needed_by.isoformat() == "2026-06-01"
    shown = client.get(saved.headers["Location"])
    assert "£350.00" in shown.text and "1 June 2026" in shown.text and "Laptop" in shown.text
    sent = client.post(f"/adaptations/{item.id}/submit", follow_redirects=True)
    assert "Sent for approval. Your coordinator will look at it." in sent.text
    db.session.refresh(item)
    assert item.status == "submitted"


def test_a_cost_of_nothing_and_no_date_are_fine(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    saved = client.post(
        "/adaptations/new",
        data=_form(w, kind="bsl_interpreter", estimated_pence="0", needed_by=["", "", ""]),
    )
    assert saved.status_code == 302
    item = _only_request()
    assert (item.estimated_pence, item.needed_by) == (0, None)


def test_change_then_withdraw_a_request(client: FlaskClient) -> None:
    w = make_world()
    item = _draft(w)
    sign_in(client, w.person_user.email)
    assert "Data for video calls" in client.get(f"/adaptations/{item.id}/edit").text
    changed = client.post(
        f"/adaptations/{item.id}/edit", data=_form(w, kind="tablet", estimated_pence="120")
    )
    assert changed.status_code == 302
    db.session.refresh(item)
    assert (item.kind, item.estimated_pence) == ("tablet", 12000)
    assert "Yes, withdraw it" in client.get(f"/adaptations/{item.id}/withdraw").text
    client.post(f"/adaptations/{item.id}/withdraw")
    db.session.refresh(item)
    assert item.status == "withdrawn"


def test_a_decided_request_cannot_be_changed(client: FlaskClient) -> None:
    w = make_world()
    item = _draft(w)
    items.submit_item(actor=w.person_user, item=item)
    items.approve_item(actor=w.coordinator, item=item)
    db.session.commit()
    sign_in(client, w.person_user.email)
    page = client.get(f"/adaptations/{item.id}/edit", follow_redirects=True)
    assert "This has been approved, so it cannot be changed" in page.text
    posted = client.post(
        f"/adaptations/{item.id}/edit", data=_form(w, estimated_pence="999"), follow_redirects=True
    )
    assert "cannot be changed" in posted.text
    db.session.refresh(item)
    assert (item.status, item.estimated_pence) == ("approved", 1500)


def test_declined_request_shows_the_reason_kindly(client: FlaskClient) -> None:
    w = make_world()
    item = _draft(w)
    items.submit_item(actor=w.person_user, item=item)
    items.decline_item(actor=w.coordinator, item=item, reason="The project has ended")
    db.session.commit()
    sign_in(client, w.person_user.email)
    page = client.get(f"/adaptations/{item.id}")
    assert "Declined" in page.text and "The project has ended" in page.text
    assert "Send the request" not in page.text


def test_another_contributors_request_is_not_found(client: FlaskClient) -> None:
    w = make_world()
    item = _draft(w)
    stranger = make_user("contributor")
    make_contributor(user=stranger, projects_=[w.project])
    sign_in(client, stranger.email)
    assert client.get(f"/adaptations/{item.id}").status_code == 404
    assert client.get(f"/adaptations/{item.id}/edit").status_code == 404
    assert client.post(f"/adaptations/{item.id}/submit").status_code == 404
    assert client.post(f"/adaptations/{item.id}/withdraw").status_code == 404
    db.session.refresh(item)
    assert item.status == "draft"


def test_coordinator_asks_on_behalf_of_a_contributor(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.coordinator.email)
    assert "Who is this for?" in client.get("/adaptations/new").text
    saved = client.post(f"/adaptations/new?contributor_id={w.person.id}", data=_form(w))
    assert saved.status_code == 302
    item = _only_request()
    assert (item.contributor_id, item.recorded_by_id) == (w.person.id, w.coordinator.id)
    assert "Recorded by" in client.get(saved.headers["Location"]).text


def test_mistakes_are_explained_kindly_and_kept(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    response = client.post(
        "/adaptations/new",
        data=_form(
            w, description="", estimated_pence="lots", kind="", needed_by=["40", "1", "2026"]
        ),
    )
    assert response.status_code == 400
    assert "<title>Error: Ask for equipment or support" in response.text
    assert "Say what is needed" in response.text
    assert "Enter an amount in pounds and pence, like 12.50" in response.text
    assert "Choose what you need" in response.text
    assert "Enter a real date" in response.text
    assert 'value="lots"' in response.text
    assert db.session.scalar(select(AdaptationRequest.id)) is None
