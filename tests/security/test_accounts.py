"""Attacks 6, 10, 11 and 12: open redirects, tokens and sessions that outlive what they should,
weak passwords and silent failures, and what the audit says the command line did."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.api_support import bearer, error_of
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_user
from tracker.audit.models import AuditEvent
from tracker.auth import services as auth
from tracker.auth.domain import safe_next_path
from tracker.auth.models import ApiToken
from tracker.dates import utc_now
from tracker.extensions import db

# --- 6: open redirect ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/x",
        "/%0a/evil.example/x",
        "/%0d/evil.example",
        "//evil.example/x",
        "/\\evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "http:/evil.example",
        "%2F%2Fevil.example",
        "javascript:alert(1)",
        "evil.example",
        "/%00/evil.example",
        "/%7f/evil.example",
    ],
)
def test_sign_in_never_sends_anyone_off_the_site(client: FlaskClient, target: str) -> None:
    user = make_user("contributor")
    response = client.post(
        f"/sign-in?next={target}", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_sign_in_still_returns_to_the_page_asked_for(client: FlaskClient) -> None:
    user = make_user("contributor")
    response = client.post(
        "/sign-in?next=/time/new%3Fproject%3D2", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/time/new?project=2"


def test_safe_next_path_rules() -> None:
    assert safe_next_path("/payments/runs/3?x=1") == "/payments/runs/3?x=1"
    for bad in ["/\t/evil.example", "/\n/evil", "//evil", "/\\evil", "", None, "x", "/ok\x7f"]:
        assert safe_next_path(bad) is None


# --- 10: tokens and sessions ----------------------------------------------------------------------


def _me(client: FlaskClient, headers: dict[str, str]) -> int:
    return client.get("/api/v1/me", headers=headers).status_code


def test_a_password_change_revokes_tokens(client: FlaskClient) -> None:
    user = make_user("contributor")
    headers = bearer(user)
    assert _me(client, headers) == 200
    auth.change_password(user=user, current=PASSWORD, new="violet-harbour-lantern-7")
    db.session.commit()
    assert _me(client, headers) == 401


def test_an_admin_password_reset_revokes_tokens(client: FlaskClient) -> None:
    user = make_user("contributor")
    headers = bearer(user)
    auth.reset_password(actor=make_user("admin"), user=user, new="violet-harbour-lantern-7")
    db.session.commit()
    assert _me(client, headers) == 401


def test_a_token_does_not_come_back_when_the_user_is_reactivated(client: FlaskClient) -> None:
    admin = make_user("admin")
    user = make_user("finance")
    headers = bearer(user)
    auth.update_user(
        actor=admin, user=user, display_name=user.display_name, roles=["finance"], active=False
    )
    db.session.commit()
    assert _me(client, headers) == 401
    auth.update_user(
        actor=admin, user=user, display_name=user.display_name, roles=["finance"], active=True
    )
    db.session.commit()
    assert _me(client, headers) == 401


def test_removing_a_role_revokes_tokens_but_adding_one_does_not(client: FlaskClient) -> None:
    admin = make_user("admin")
    user = make_user("finance", "contributor")
    headers = bearer(user)
    auth.update_user(
        actor=admin,
        user=user,
        display_name=user.display_name,
        roles=["finance", "contributor", "funder"],
        active=True,
    )
    db.session.commit()
    assert _me(client, headers) == 200
    auth.update_user(
        actor=admin, user=user, display_name=user.display_name, roles=["contributor"], active=True
    )
    db.session.commit()
    assert _me(client, headers) == 401
    assert client.get("/api/v1/payment-runs", headers=headers).status_code == 401


def test_tokens_expire_after_90_days_and_the_profile_says_when(client: FlaskClient) -> None:
    user = make_user("contributor")
    headers = bearer(user)
    token = db.session.query(ApiToken).one()
    assert timedelta(days=89) < token.expires_at - utc_now() <= timedelta(days=90)
    sign_in(client, user.email)
    page = client.get("/profile")
    assert "Expires" in page.text
    token.expires_at = utc_now() - timedelta(seconds=1)
    db.session.commit()
    error_of(client.get("/api/v1/me", headers=headers), 401)
    assert "Expired" in client.get("/profile").text


def test_a_busy_session_still_ends_after_12_hours(app: Flask, client: FlaskClient) -> None:
    user = make_user("contributor")
    sign_in(client, user.email)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] -= 12 * 3600 + 1
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in")
    assert "we sign everyone out after 12 hours" in page.text
    assert client.get("/profile").status_code == 302


def test_a_session_without_a_sign_in_time_is_ended(client: FlaskClient) -> None:
    user = make_user("contributor")
    sign_in(client, user.email)
    with client.session_transaction() as session:
        del session["signed_in_at"]
    assert client.get("/").status_code == 302


# --- 11: passwords and failures -------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["1234567890", "password123", "qwertyuiop", "aaaaaaaaaaaa", "trackertracker"]
)
def test_common_and_guessable_passwords_are_refused(app: Flask, password: str) -> None:
    from tracker.errors import TrackerError

    with pytest.raises(TrackerError, match="easy to guess"):
        auth.create_user(
            actor=None,
            email="fran@example.org",
            display_name="Fran Finance",
            password=password,
            roles=["finance"],
        )


def test_a_password_made_of_the_persons_own_details_is_refused(app: Flask) -> None:
    from tracker.errors import TrackerError

    with pytest.raises(TrackerError, match="easy to guess"):
        auth.create_user(
            actor=None,
            email="bernadette.okonkwo@example.org",
            display_name="Bernadette Okonkwo",
            password="bernadetteokonkwo",
            roles=["contributor"],
        )


def test_the_admin_form_refuses_a_weak_password_kindly(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    page = client.post(
        "/admin/users/new",
        data={
            "email": "new@example.org",
            "name": "New Person",
            "password": "1234567890",
            "confirm": "1234567890",
            "roles": ["finance"],
        },
    )
    assert page.status_code == 400
    assert "That password would be easy to guess" in page.text
    assert 'value="new@example.org"' in page.text


def test_failed_sign_ins_and_codes_are_audited_without_the_password(client: FlaskClient) -> None:
    finance = make_user("finance")
    client.post("/sign-in", data={"email": finance.email, "password": "Wrong-Secret-99"})
    client.post("/sign-in", data={"email": "nobody@example.org", "password": "Other-Secret-77"})
    client.post("/sign-in", data={"email": finance.email, "password": PASSWORD})
    client.post("/sign-in/code", data={"code": "000000"})
    events = db.session.query(AuditEvent).filter(AuditEvent.action.like("user.%_failed")).all()
    assert sorted((e.action, e.entity_id or 0) for e in events) == sorted(
        [
            ("user.sign_in_failed", finance.id),
            ("user.sign_in_failed", 0),
            ("user.code_failed", finance.id),
        ]
    )
    for event in events:
        assert "Secret" not in event.changes and "nobody" not in event.changes


def test_the_profile_shows_the_last_sign_in_and_failures_since(app: Flask) -> None:
    user = make_user("contributor")
    first = app.test_client()
    sign_in(first, user.email)
    assert "This is your first sign-in" in first.get("/profile").text
    first.post("/sign-out")
    stranger = app.test_client()
    for _ in range(2):
        stranger.post("/sign-in", data={"email": user.email, "password": "not-it-at-all"})
    sign_in(first, user.email)
    page = first.get("/profile").text
    assert "Last sign-in before this one" in page
    assert "This is your first sign-in" not in page
    assert "2 – if this was not you, change your password" in page


# --- 12: who the audit says acted -----------------------------------------------------------------


def test_a_token_made_on_the_command_line_is_audited_as_the_command_line(app: Flask) -> None:
    user = make_user("finance")
    result = app.test_cli_runner().invoke(args=["tracker", "create-token", user.email])
    assert result.exit_code == 0, result.output
    event = db.session.query(AuditEvent).filter_by(action="api_token.created").one()
    assert event.actor_id is None
    assert event.actor_label == "command line"


def test_a_user_made_on_the_command_line_is_audited_as_the_command_line(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "tracker",
            "create-user",
            "--email",
            "first@example.org",
            "--name",
            "First Admin",
            "--password",
            "violet-harbour-lantern-7",
        ]
    )
    assert result.exit_code == 0, result.output
    event = db.session.query(AuditEvent).filter_by(action="user.created").one()
    assert (event.actor_id, event.actor_label) == (None, "command line")


def test_the_budget_api_is_for_admin_and_finance(client: FlaskClient, paying: Any) -> None:
    from tracker.budgets import services as budgets

    admin = make_user("admin")
    budget = budgets.save_budget(
        actor=admin,
        budget=None,
        project_id=paying.world.project.id,
        period_start=paying.world.project.start_date,
        period_end=paying.world.project.start_date.replace(year=2027),
        lines={"fees": 100_000},
    )
    db.session.commit()
    url = f"/api/v1/budgets/{budget.id}"
    assert client.get(url, headers=bearer(paying.world.coordinator)).status_code == 403
    funder = make_user("funder")
    assert client.get(url, headers=bearer(funder)).status_code == 403
    assert client.get(url, headers=bearer(paying.finance)).status_code == 200
    assert client.get(url, headers=bearer(admin)).status_code == 200
