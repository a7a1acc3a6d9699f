"""API: /me and user accounts."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.api_support import bearer, error_of
from tests.factories import make_contributor, make_user
from tracker.audit.models import AuditEvent
from tracker.auth import services as auth
from tracker.auth.models import User
from tracker.extensions import db

NEW_USER = {
    "email": "Sam.Jones@Example.org",
    "name": "Sam Jones",
    "roles": ["coordinator", "contributor"],
    "password": "a-long-password-2",
}


def test_me_shows_the_tokens_user_with_sorted_roles_and_contributor_id(
    client: FlaskClient,
) -> None:
    user = make_user("coordinator", "contributor", name="Robin")
    contributor = make_contributor(user=user)
    response = client.get("/api/v1/me", headers=bearer(user))
    assert response.status_code == 200
    assert response.json == {
        "id": user.id,
        "email": user.email,
        "name": "Robin",
        "roles": ["contributor", "coordinator"],
        "contributor_id": contributor.id,
    }


def test_me_without_a_contributor_record_has_a_null_contributor_id(client: FlaskClient) -> None:
    user = make_user("funder")
    assert client.get("/api/v1/me", headers=bearer(user)).json["contributor_id"] is None


def test_admin_lists_users_without_secrets(client: FlaskClient) -> None:
    admin = make_user("admin", name="Ada")
    make_user("finance", name="Bea")
    body = client.get("/api/v1/users?per_page=1", headers=bearer(admin)).json
    assert body["total"] == 2 and body["per_page"] == 1
    assert body["items"] == [
        {"id": admin.id, "email": admin.email, "name": "Ada", "roles": ["admin"], "active": True}
    ]
    assert "password" not in str(body) and "totp" not in str(body)


def test_admin_creates_a_user_who_can_then_sign_in(client: FlaskClient) -> None:
    admin = make_user("admin")
    response = client.post("/api/v1/users", headers=bearer(admin), json=NEW_USER)
    assert response.status_code == 201
    created = response.json
    assert created == {
        "id": created["id"],
        "email": "sam.jones@example.org",
        "name": "Sam Jones",
        "roles": ["contributor", "coordinator"],
        "active": True,
    }
    assert auth.authenticate(email="sam.jones@example.org", password="a-long-password-2")
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.created", AuditEvent.entity_id == created["id"]
        )
    )
    assert event is not None and event.actor_id == admin.id
    assert "a-long-password-2" not in event.changes


def test_admin_can_create_an_inactive_user(client: FlaskClient) -> None:
    admin = make_user("admin")
    body = {**NEW_USER, "active": False}
    response = client.post("/api/v1/users", headers=bearer(admin), json=body)
    assert response.status_code == 201 and response.json["active"] is False
    assert auth.authenticate(email=NEW_USER["email"], password=NEW_USER["password"]) is None


def test_a_duplicate_email_is_a_409_whatever_its_case(client: FlaskClient) -> None:
    admin = make_user("admin")
    make_user("contributor", email="sam.jones@example.org")
    error = error_of(client.post("/api/v1/users", headers=bearer(admin), json=NEW_USER), 409)
    assert error["code"] == "conflict"
    assert error["fields"] == {"email": "This email address is already in use"}


def test_user_details_are_checked_field_by_field(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    missing = error_of(client.post("/api/v1/users", headers=headers, json={}), 422)
    assert set(missing["fields"]) == {"email", "name", "roles", "password"}
    wrong = {"email": "x@y.z", "name": "X", "roles": ["boss"], "password": "p", "active": "no"}
    error = error_of(client.post("/api/v1/users", headers=headers, json=wrong), 422)
    assert set(error["fields"]) == {"roles", "active"}
    short = {**NEW_USER, "password": "short"}
    error = error_of(client.post("/api/v1/users", headers=headers, json=short), 422)
    assert error["fields"] == {"password": "Enter at least 10 characters"}
    long_name = {**NEW_USER, "name": "x" * 121, "email": "no-at-sign"}
    error = error_of(client.post("/api/v1/users", headers=headers, json=long_name), 422)
    assert error["fields"] == {"name": "Enter 120 characters or fewer"}
    assert db.session.scalar(select(User).where(User.email == "sam.jones@example.org")) is None


def test_only_admin_lists_or_creates_users(client: FlaskClient) -> None:
    for role in ["contributor", "coordinator", "finance", "funder"]:
        headers = bearer(make_user(role))
        error_of(client.get("/api/v1/users", headers=headers), 403)
        error_of(client.post("/api/v1/users", headers=headers, json=NEW_USER), 403)
    assert auth.find_user_by_email(NEW_USER["email"]) is None
