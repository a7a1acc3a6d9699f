"""API: contributors, with or without a login."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.api_support import bearer, error_of
from tests.factories import make_contributor, make_project, make_user
from tracker.contributors.models import Contributor
from tracker.extensions import db
from tracker.projects import services as projects


def test_coordinators_list_only_their_projects_contributors(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    mine = make_project(coordinators=[coordinator])
    elsewhere = make_project()
    shared = make_contributor(projects_=[mine, elsewhere], name="Ash", payment_method="cash")
    make_contributor(projects_=[elsewhere], name="Bo")
    body = client.get("/api/v1/contributors", headers=bearer(coordinator)).json
    assert body["total"] == 1
    # Only the projects the coordinator may see are listed.
    assert body["items"] == [
        {
            "id": shared.id,
            "reference": shared.reference,
            "user_id": None,
            "preferred_name": "Ash",
            "payment_method": "cash",
            "fee_choice": "accept",
            "benefits_warnings": False,
            "project_ids": [mine.id],
        }
    ]
    admin_view = client.get("/api/v1/contributors", headers=bearer(make_user("admin"))).json
    assert admin_view["total"] == 2
    assert admin_view["items"][0]["project_ids"] == sorted([mine.id, elsewhere.id])


def test_contributors_finance_and_funders_cannot_list_contributors(client: FlaskClient) -> None:
    for role in ["contributor", "finance", "funder"]:
        error_of(client.get("/api/v1/contributors", headers=bearer(make_user(role))), 403)
        response = client.post(
            "/api/v1/contributors",
            headers=bearer(make_user(role)),
            json={"preferred_name": "X"},
        )
        error_of(response, 403)
    assert db.session.query(Contributor).count() == 0


def test_admin_creates_a_contributor_without_a_login(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    body = {
        "preferred_name": "Jo",
        "payment_method": "voucher",
        "fee_choice": "decline",
        "benefits_warnings": True,
    }
    response = client.post("/api/v1/contributors", headers=headers, json=body)
    assert response.status_code == 201
    created = response.json
    assert created == {
        **body,
        "id": created["id"],
        "reference": f"C{created['id']:05d}",
        "user_id": None,
        "project_ids": [],
    }
    stored = db.session.get(Contributor, created["id"])
    assert stored is not None and stored.default_fee_choice == "decline"


def test_admin_links_a_new_contributor_to_an_account_once(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    user = make_user("contributor")
    body = {"preferred_name": "Kit", "user_id": user.id}
    response = client.post("/api/v1/contributors", headers=headers, json=body)
    assert response.status_code == 201 and response.json["user_id"] == user.id
    me = client.get("/api/v1/me", headers=bearer(user)).json
    assert me["contributor_id"] == response.json["id"]
    again = client.post("/api/v1/contributors", headers=headers, json=body)
    assert error_of(again, 409)["fields"] == {"user_id": "This account is already linked"}
    unknown = client.post(
        "/api/v1/contributors", headers=headers, json={"preferred_name": "Z", "user_id": 99999}
    )
    assert error_of(unknown, 422)["fields"] == {"user_id": "Unknown user"}


def test_a_coordinator_creates_contributors_on_their_own_projects(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    mine = make_project(coordinators=[coordinator])
    other = make_project()
    headers = bearer(coordinator)
    response = client.post(
        "/api/v1/contributors",
        headers=headers,
        json={"preferred_name": "Lee", "project_ids": [mine.id]},
    )
    assert response.status_code == 201
    assert response.json["project_ids"] == [mine.id]
    assert [c.preferred_name for c in projects.project_members(mine.id)] == ["Lee"]
    no_project = client.post("/api/v1/contributors", headers=headers, json={"preferred_name": "M"})
    assert error_of(no_project, 422)["fields"] == {"project_ids": "Choose a project"}
    not_mine = client.post(
        "/api/v1/contributors",
        headers=headers,
        json={"preferred_name": "N", "project_ids": [other.id]},
    )
    error_of(not_mine, 403)
    assert projects.project_members(other.id) == []


def test_contributor_fields_are_checked_with_the_api_names(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    body = {
        "preferred_name": "",
        "payment_method": "bitcoin",
        "fee_choice": "reduce",
        "benefits_warnings": "yes",
        "project_ids": "1",
    }
    response = client.post("/api/v1/contributors", headers=headers, json=body)
    assert set(error_of(response, 422)["fields"]) == set(body)
    unknown_project = client.post(
        "/api/v1/contributors", headers=headers, json={"preferred_name": "A", "project_ids": [777]}
    )
    assert error_of(unknown_project, 422)["fields"] == {"project_ids": "Unknown"}
    assert db.session.query(Contributor).count() == 0
