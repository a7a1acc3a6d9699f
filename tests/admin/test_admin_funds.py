"""Fund pages: admin adds and changes funds and links funder accounts to them."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_fund, make_user
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.projects import services as projects
from tracker.projects.models import Fund


def test_admin_adds_a_fund(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    assert client.get("/admin/funds/new").status_code == 200
    response = client.post(
        "/admin/funds/new",
        data={"name": "Voices Fund", "funder_organisation": "A Trust", "reference": "VF-1"},
    )
    assert response.status_code == 302
    fund = db.session.scalar(select(Fund).where(Fund.name == "Voices Fund"))
    assert fund is not None
    assert (fund.funder_organisation, fund.reference) == ("A Trust", "VF-1")
    assert response.headers["Location"] == f"/admin/funds/{fund.id}"
    listing = client.get("/admin/funds")
    assert "Voices Fund" in listing.text and "A Trust" in listing.text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "fund.created"))
    assert event is not None and event.actor_id == admin.id


def test_missing_funder_is_explained(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    response = client.post(
        "/admin/funds/new", data={"name": "Half Typed", "funder_organisation": ""}
    )
    assert response.status_code == 400
    assert "Enter the funder&#39;s name" in response.text
    assert 'value="Half Typed"' in response.text
    assert db.session.scalar(select(Fund).where(Fund.name == "Half Typed")) is None


def test_admin_changes_a_fund(client: FlaskClient) -> None:
    admin = make_user("admin")
    fund = make_fund(name="Before")
    sign_in(client, admin.email)
    assert 'value="Before"' in client.get(f"/admin/funds/{fund.id}/edit").text
    response = client.post(
        f"/admin/funds/{fund.id}/edit",
        data={"name": "After", "funder_organisation": "New Funder", "reference": ""},
    )
    assert response.status_code == 302
    changed = db.session.get(Fund, fund.id)
    assert changed is not None
    assert (changed.name, changed.funder_organisation, changed.reference) == (
        "After",
        "New Funder",
        "",
    )


def test_admin_links_and_unlinks_a_funder_account(client: FlaskClient) -> None:
    admin = make_user("admin")
    funder = make_user("funder", name="Faye Funder")
    fund = make_fund()
    sign_in(client, admin.email)
    page = client.get(f"/admin/funds/{fund.id}")
    assert "No funder accounts are linked yet" in page.text
    assert "Faye Funder" in page.text  # offered
    response = client.post(f"/admin/funds/{fund.id}/funders", data={"user_id": str(funder.id)})
    assert response.status_code == 302
    assert [u.id for u in projects.fund_members(fund.id)] == [funder.id]
    assert "Faye Funder can now see reports" in client.get(f"/admin/funds/{fund.id}").text
    removed = client.post(f"/admin/funds/{fund.id}/funders/{funder.id}/remove")
    assert removed.status_code == 302
    assert projects.fund_members(fund.id) == []
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"fund.member_added", "fund.member_removed"} <= actions


def test_only_funder_accounts_can_be_linked(client: FlaskClient) -> None:
    admin = make_user("admin")
    coordinator = make_user("coordinator", name="Not A Funder")
    fund = make_fund()
    sign_in(client, admin.email)
    assert "Not A Funder" not in client.get(f"/admin/funds/{fund.id}").text
    response = client.post(f"/admin/funds/{fund.id}/funders", data={"user_id": str(coordinator.id)})
    assert response.status_code == 400
    assert projects.fund_members(fund.id) == []
    empty = client.post(f"/admin/funds/{fund.id}/funders", data={"user_id": ""})
    assert empty.status_code == 400
    assert "Choose an account" in empty.text


def test_coordinators_and_funders_cannot_manage_funds(client: FlaskClient) -> None:
    funder = make_user("funder")
    fund = make_fund()
    sign_in(client, funder.email)
    assert client.get("/admin/funds").status_code == 403
    response = client.post(f"/admin/funds/{fund.id}/funders", data={"user_id": str(funder.id)})
    assert response.status_code == 403
    assert projects.fund_members(fund.id) == []
    client.post("/sign-out")
    coordinator = make_user("coordinator")
    sign_in(client, coordinator.email)
    response = client.post(
        f"/admin/funds/{fund.id}/edit",
        data={"name": "Hijacked", "funder_organisation": "X", "reference": ""},
    )
    assert response.status_code == 403
    unchanged = db.session.get(Fund, fund.id)
    assert unchanged is not None and unchanged.name != "Hijacked"
