"""Admin user pages: list, add, change, and set a new password."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token_from, sign_in
from tests.factories import PASSWORD, make_user
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.auth.services import authenticate, find_user_by_email
from tracker.extensions import db

NEW_PASSWORD = "brand-new-password-9"


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_admin_sees_every_user_with_roles_and_authenticator(client: FlaskClient) -> None:
    admin = make_user("admin", name="Ada Admin")
    make_user("coordinator", "contributor", name="Cal Coordinator", email="cal@example.org")
    sign_in(client, admin.email)
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert "Cal Coordinator" in page.text
    assert "cal@example.org" in page.text
    assert "Contributor, Coordinator" in page.text
    assert "No authenticator app" in page.text  # Cal has none
    assert "Authenticator app set up" in page.text  # the admin has one


def test_admin_adds_a_user(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    assert "Add a user" in client.get("/admin/users/new").text
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Robin Reed",
            "email": "Robin@Example.org",
            "roles": ["coordinator", "contributor"],
            "password": "a-temporary-pass",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    user = find_user_by_email("robin@example.org")
    assert user is not None
    assert user.display_name == "Robin Reed"
    assert user.roles == {"coordinator", "contributor"}
    assert authenticate(email="robin@example.org", password="a-temporary-pass") is not None
    [event] = [e for e in _events("user.created") if e.entity_id == user.id]
    assert event.actor_id == admin.id
    assert "a-temporary-pass" not in event.changes
    assert "Robin Reed can now sign in" in client.get("/admin/users").text


def test_duplicate_email_is_refused_kindly_and_keeps_what_was_typed(client: FlaskClient) -> None:
    admin = make_user("admin")
    make_user("contributor", email="taken@example.org")
    sign_in(client, admin.email)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Second Person",
            "email": "TAKEN@example.org",
            "roles": ["contributor"],
            "password": "a-temporary-pass",
        },
    )
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert "This email address is already in use" in response.text
    assert 'value="Second Person"' in response.text
    assert 'value="TAKEN@example.org"' in response.text
    assert db.session.scalar(select(User).where(User.display_name == "Second Person")) is None


def test_missing_role_and_short_password_are_explained(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    no_role = client.post(
        "/admin/users/new",
        data={"name": "Pat", "email": "pat@example.org", "password": "a-temporary-pass"},
    )
    assert no_role.status_code == 400
    assert "Choose at least one role" in no_role.text
    short = client.post(
        "/admin/users/new",
        data={
            "name": "Pat",
            "email": "pat@example.org",
            "roles": ["contributor"],
            "password": "short",
        },
    )
    assert short.status_code == 400
    assert "Enter at least 10 characters" in short.text
    assert find_user_by_email("pat@example.org") is None


def test_admin_changes_name_roles_and_switches_an_account_off(client: FlaskClient) -> None:
    admin = make_user("admin")
    user = make_user("contributor", name="Old Name")
    old_token = user.session_token
    sign_in(client, admin.email)
    page = client.get(f"/admin/users/{user.id}")
    assert page.status_code == 200
    assert 'value="Old Name"' in page.text
    response = client.post(
        f"/admin/users/{user.id}",
        data={"name": "New Name", "roles": ["contributor", "funder"], "active": "no"},
    )
    assert response.status_code == 302
    changed = db.session.get(User, user.id)
    assert changed is not None
    assert changed.display_name == "New Name"
    assert changed.roles == {"contributor", "funder"}
    assert changed.active is False
    assert changed.session_token != old_token
    [event] = _events("user.updated")
    assert event.actor_id == admin.id


def test_admin_cannot_switch_off_their_own_account(client: FlaskClient) -> None:
    admin = make_user("admin", name="Me")
    sign_in(client, admin.email)
    response = client.post(
        f"/admin/users/{admin.id}", data={"name": "Me", "roles": ["admin"], "active": "no"}
    )
    assert response.status_code == 400
    assert "You cannot remove your own admin role or deactivate yourself" in response.text
    again = db.session.get(User, admin.id)
    assert again is not None and again.active


def test_admin_sets_a_new_password_and_old_sessions_end(app: Any, client: FlaskClient) -> None:
    admin = make_user("admin")
    person = make_user("contributor")
    other = app.test_client()
    sign_in(other, person.email)
    assert other.get("/").status_code == 200

    sign_in(client, admin.email)
    assert "Set a new password" in client.get(f"/admin/users/{person.id}/password").text
    response = client.post(
        f"/admin/users/{person.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{person.id}"
    assert authenticate(email=person.email, password=NEW_PASSWORD) is not None
    assert authenticate(email=person.email, password=PASSWORD) is None
    assert other.get("/").status_code == 302  # their old session no longer works
    [event] = _events("user.password_reset")
    assert event.actor_id == admin.id and event.entity_id == person.id
    assert NEW_PASSWORD not in event.changes
    assert client.get("/").status_code == 200  # the admin stays signed in


def test_new_password_must_match_and_not_be_the_admins_own(client: FlaskClient) -> None:
    admin = make_user("admin")
    person = make_user("contributor")
    sign_in(client, admin.email)
    mismatch = client.post(
        f"/admin/users/{person.id}/password",
        data={"password": NEW_PASSWORD, "confirm": "something-else-1"},
    )
    assert mismatch.status_code == 400
    assert "The two passwords are not the same" in mismatch.text
    own = client.post(
        f"/admin/users/{admin.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert own.status_code == 400
    assert "Use the Your account page to change your own password" in own.text
    assert authenticate(email=admin.email, password=PASSWORD) is not None


def test_only_admins_reach_the_user_pages(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    sign_in(client, coordinator.email)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/").status_code == 403
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Sneaky",
            "email": "sneaky@example.org",
            "roles": ["admin"],
            "password": "a-temporary-pass",
        },
    )
    assert response.status_code == 403
    assert find_user_by_email("sneaky@example.org") is None


def test_a_contributor_is_refused(client: FlaskClient) -> None:
    contributor = make_user("contributor")
    sign_in(client, contributor.email)
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{contributor.id}/password").status_code == 403


def test_unknown_user_is_not_found(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    assert client.get("/admin/users/9999").status_code == 404


def test_admin_index_links_every_admin_page(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    page = client.get("/admin/")
    assert page.status_code == 200
    for href in (
        "/admin/users",
        "/admin/contributors",
        "/admin/projects",
        "/admin/funds",
        "/admin/activity-types",
        "/admin/settings",
        "/admin/audit/",
    ):
        assert f'href="{href}"' in page.text


def test_forms_need_the_csrf_token(app: Any, client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    app.config["WTF_CSRF_ENABLED"] = True
    data = {
        "name": "With Token",
        "email": "token@example.org",
        "roles": ["contributor"],
        "password": "a-temporary-pass",
    }
    refused = client.post("/admin/users/new", data=data)
    assert refused.status_code == 400
    assert find_user_by_email("token@example.org") is None
    form_page = client.get("/admin/users/new")
    accepted = client.post(
        "/admin/users/new", data={**data, "csrf_token": csrf_token_from(form_page.text)}
    )
    assert accepted.status_code == 302
    assert find_user_by_email("token@example.org") is not None
