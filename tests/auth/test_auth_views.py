from __future__ import annotations

import pyotp
from flask.testing import FlaskClient

from tests.conftest import sign_in, unused_code
from tests.factories import PASSWORD, make_user
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db


def test_contributor_signs_in_and_sees_home(client: FlaskClient) -> None:
    user = make_user("contributor", name="Robin")
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Hello, Robin" in page.text


def test_email_is_case_insensitive(client: FlaskClient) -> None:
    user = make_user("contributor", email="Mixed.Case@Example.org")
    assert user.email == "mixed.case@example.org"
    assert sign_in(client, "MIXED.case@example.ORG").status_code == 302


def test_wrong_password_is_refused_kindly_and_keeps_the_email(client: FlaskClient) -> None:
    user = make_user("contributor")
    response = client.post("/sign-in", data={"email": user.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "The email address or password is not right" in response.text
    assert f'value="{user.email}"' in response.text
    assert client.get("/").status_code == 302


def test_replayed_cookie_after_sign_out_is_rejected(app, client: FlaskClient) -> None:
    user = make_user("contributor")
    sign_in(client, user.email)
    cookie = client.get_cookie("session")
    assert cookie is not None
    stolen = cookie.value
    assert client.post("/sign-out").status_code == 302
    other = app.test_client()
    other.set_cookie("session", stolen)
    response = other.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_finance_needs_the_second_factor(client: FlaskClient) -> None:
    user = make_user("finance")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/sign-in/code"
    assert client.get("/").status_code == 302  # not signed in yet
    wrong = client.post("/sign-in/code", data={"code": "000000"})
    assert "That code did not match" in wrong.text
    assert user.totp_secret
    good = client.post("/sign-in/code", data={"code": unused_code(user)})
    assert good.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_admin_without_authenticator_must_set_one_up(client: FlaskClient) -> None:
    user = make_user("admin")
    user.totp_secret = None
    db.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/sign-in/set-up-code"
    page = client.get("/sign-in/set-up-code")
    with client.session_transaction() as session:
        secret = session["pending_totp"]
    assert secret in page.text
    done = client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert "Your recovery codes" in done.text
    assert 'href="/"' in done.text
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret


def test_password_is_argon2id_and_rehashed_when_parameters_change(app) -> None:
    user = make_user("contributor")
    assert user.password_hash.startswith("$argon2id$")
    app.config["PASSWORD_HASH_FAST"] = False
    from tracker.auth.services import authenticate

    assert authenticate(email=user.email, password=PASSWORD) is user
    assert "m=65536" in user.password_hash


def test_sign_in_is_throttled_per_account(client: FlaskClient) -> None:
    user = make_user("contributor")
    statuses = [
        client.post("/sign-in", data={"email": user.email, "password": "nope"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    assert (
        "Too many" in client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).text
    )


def test_next_only_goes_to_our_own_pages(client: FlaskClient) -> None:
    user = make_user("contributor")
    response = client.post(
        "/sign-in?next=//evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_sign_in_and_out_are_audited(client: FlaskClient) -> None:
    user = make_user("contributor")
    sign_in(client, user.email)
    client.post("/sign-out")
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(actor_id=user.id)]
    assert "user.signed_in" in actions
    assert "user.signed_out" in actions


def test_changing_password_signs_out_other_devices(app, client: FlaskClient) -> None:
    user = make_user("contributor")
    sign_in(client, user.email)
    other = app.test_client()
    sign_in(other, user.email)
    response = client.post(
        "/profile/password",
        data={
            "pw-current_password": PASSWORD,
            "pw-password": "another-long-password",
            "pw-confirm": "another-long-password",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_api_token_is_shown_once_and_stored_hashed(client: FlaskClient) -> None:
    user = make_user("contributor")
    sign_in(client, user.email)
    page = client.post("/profile/tokens", data={"token-name": "my laptop"})
    assert page.status_code == 200
    import re

    raw = re.search(r'id="new-token">([^<]+)<', page.text).group(1)  # type: ignore[union-attr]
    from tracker.auth.models import ApiToken

    stored = db.session.query(ApiToken).one()
    assert stored.token_hash != raw and raw not in stored.token_hash
    assert client.get("/profile").text.count(raw) == 0


def test_demo_secret_of_80_bits_still_verifies(client: FlaskClient) -> None:
    from tracker.auth.services import totp
    from tracker.demo import DEMO_TOTP_SECRET

    user = make_user("finance")
    user.totp_secret = DEMO_TOTP_SECRET
    db.session.commit()
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    response = client.post("/sign-in/code", data={"code": totp(DEMO_TOTP_SECRET).now()})
    assert response.headers["Location"] == "/"


def test_keep_alive_renews_the_session_and_needs_csrf(app, client: FlaskClient) -> None:
    user = make_user("contributor")
    sign_in(client, user.email)
    page = client.get("/")
    assert 'name="session-timeout-minutes" content="60"' in page.text
    assert client.post("/session/keep-alive").status_code == 204
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/session/keep-alive").status_code == 400


def test_idle_session_older_than_the_timeout_is_refused(app, client: FlaskClient) -> None:
    from datetime import timedelta

    user = make_user("contributor")
    sign_in(client, user.email)
    assert client.get("/").status_code == 200
    app.permanent_session_lifetime = timedelta(seconds=-1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
