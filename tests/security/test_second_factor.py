"""Attacks 1, 5 and 12 on the second factor.

1. Knowing the password must never be enough to replace someone's authenticator: the set-up page
   serves only a pending user who has none; replacing needs a fresh code (or an admin reset).
5. A code works once, even in two sessions at once, and the code step's limit is keyed on the
   pending user, not on a form field.
12. Secrets are encrypted at rest.
Also: recovery codes (single use, hashed) and the admin reset, which ends the user's sessions.
"""

from __future__ import annotations

import re

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.conftest import sign_in, unused_code
from tests.factories import PASSWORD, make_user
from tests.security.at_once import at_once, fresh_clients
from tracker.audit.models import AuditEvent
from tracker.auth import services
from tracker.auth.models import RecoveryCode, User
from tracker.extensions import db


def _password_step(client: FlaskClient, user: User) -> None:
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/sign-in/code"


def _reload(user: User) -> User:
    db.session.expire_all()
    fresh = db.session.get(User, user.id)
    assert fresh is not None
    return fresh


def test_the_password_alone_cannot_reach_the_set_up_page(client: FlaskClient) -> None:
    finance = make_user("finance")
    secret = finance.totp_secret
    _password_step(client, finance)

    page = client.get("/sign-in/set-up-code")
    assert page.status_code == 302 and page.headers["Location"] == "/sign-in"
    attacker = pyotp.random_base32()
    with client.session_transaction() as session:
        session["pending_user"] = finance.id  # still pending: the attacker knows the password
        session["pending_totp"] = attacker
    posted = client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(attacker).now()})
    assert posted.status_code == 302 and posted.headers["Location"] == "/sign-in"
    assert _reload(finance).totp_secret == secret
    assert client.get("/").status_code == 302  # not signed in


def test_someone_without_a_required_second_factor_cannot_use_the_set_up_page(
    client: FlaskClient,
) -> None:
    """A contributor's pending sign-in never reaches set-up; they sign straight in."""
    person = make_user("contributor")
    with client.session_transaction() as session:
        session["pending_user"] = person.id
        session["pending_at"] = 9e18
    assert client.get("/sign-in/set-up-code").headers["Location"] == "/sign-in"


def test_replacing_an_authenticator_needs_a_fresh_code_from_the_old_one(
    client: FlaskClient,
) -> None:
    finance = make_user("finance")
    old = finance.totp_secret
    sign_in(client, finance.email)
    page = client.get("/profile/authenticator")
    new = re.search(r'class="app-setup-key">([A-Z2-7]+)<', page.text).group(1)  # type: ignore[union-attr]
    refused = client.post(
        "/profile/authenticator",
        data={"current_code": "000000", "code": pyotp.TOTP(new).now()},
    )
    assert refused.status_code == 400
    assert "That code did not match. Enter the code your current app shows now" in refused.text
    assert _reload(finance).totp_secret == old

    done = client.post(
        "/profile/authenticator",
        data={"current_code": unused_code(finance), "code": pyotp.TOTP(new).now()},
    )
    assert done.status_code == 200 and "Your recovery codes" in done.text
    assert _reload(finance).totp_secret == new
    assert client.get("/profile").status_code == 200  # this browser stays signed in
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(entity_id=finance.id)]
    assert "user.totp_replaced" in actions


def test_a_code_works_once_even_in_another_session(app: Flask) -> None:
    finance = make_user("finance")
    first, second = app.test_client(), app.test_client()
    _password_step(first, finance)
    _password_step(second, finance)
    code = unused_code(finance)
    assert first.post("/sign-in/code", data={"code": code}).headers["Location"] == "/"
    replay = second.post("/sign-in/code", data={"code": code})
    assert replay.status_code == 200
    assert "it has been used already" in replay.text
    assert second.get("/").status_code == 302


def test_the_same_code_in_two_sessions_at_once_signs_in_only_one(app: Flask) -> None:
    finance = make_user("finance")
    clients = fresh_clients(app, 4)
    for client in clients:
        _password_step(client, finance)
    code = unused_code(finance)
    db.session.commit()
    answers = at_once(clients, lambda c: c.post("/sign-in/code", data={"code": code}))
    results = [a.headers.get("Location", str(a.status_code)) for a in answers]
    assert sorted(results) == ["/", "200", "200", "200"]


def test_one_recovery_code_at_once_in_several_sessions_signs_in_only_one(app: Flask) -> None:
    finance = make_user("finance")
    [code, *_] = services.new_recovery_codes(user=finance)
    clients = fresh_clients(app, 4)
    for client in clients:
        _password_step(client, finance)
    db.session.commit()  # the test's own session must hold no lock while the clients race
    answers = at_once(clients, lambda c: c.post("/sign-in/code", data={"code": code}))
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 302]
    assert services.recovery_codes_left(finance) == 9


def test_the_code_limit_is_keyed_on_the_pending_user_not_a_form_field(app: Flask) -> None:
    finance = make_user("finance")
    client = app.test_client()
    _password_step(client, finance)
    statuses = []
    for n in range(8):
        # Changing the email field (or any field) must not reset the count.
        response = client.post(
            "/sign-in/code", data={"code": "000000", "email": f"someone{n}@example.org"}
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [200] * 5
    assert set(statuses[5:]) == {429}
    # ...and the right code is then refused too, until the window passes.
    assert client.post("/sign-in/code", data={"code": unused_code(finance)}).status_code == 429


def test_recovery_codes_work_once_and_are_stored_hashed(app: Flask) -> None:
    admin = make_user("admin")
    admin.totp_secret = None
    db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    client.get("/sign-in/set-up-code")
    with client.session_transaction() as session:
        secret = session["pending_totp"]
    shown = client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", shown.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = {row.code_hash for row in db.session.query(RecoveryCode)}
    assert len(stored) == 10 and not stored & set(codes)
    assert all(code not in "".join(stored) for code in codes)
    client.post("/sign-out")

    client.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    used = client.post("/sign-in/code", data={"code": codes[0].upper().replace("-", " ")})
    assert used.headers["Location"] == "/"
    assert "You have 9 left" in client.get("/").text
    client.post("/sign-out")
    client.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    again = client.post("/sign-in/code", data={"code": codes[0]})
    assert again.status_code == 200 and client.get("/").status_code == 302


def test_admin_reset_ends_sessions_and_forces_a_new_set_up(app: Flask) -> None:
    admin = make_user("admin")
    finance = make_user("finance")
    theirs = app.test_client()
    sign_in(theirs, finance.email)
    assert theirs.get("/").status_code == 200
    mine = app.test_client()
    sign_in(mine, admin.email)
    page = mine.get(f"/admin/users/{finance.id}")
    assert f"/admin/users/{finance.id}/authenticator" in page.text
    done = mine.post(f"/admin/users/{finance.id}/authenticator")
    assert done.status_code == 302
    assert _reload(finance).totp_secret is None
    assert theirs.get("/").status_code == 302  # signed out everywhere
    assert db.session.query(RecoveryCode).filter_by(user_id=finance.id).count() == 0
    event = db.session.query(AuditEvent).filter_by(action="user.totp_reset").one()
    assert (event.actor_id, event.entity_id) == (admin.id, finance.id)
    response = theirs.post("/sign-in", data={"email": finance.email, "password": PASSWORD})
    assert response.headers["Location"] == "/sign-in/set-up-code"


def test_only_an_admin_resets_and_not_their_own(app: Flask) -> None:
    admin = make_user("admin")
    finance = make_user("finance")
    client = app.test_client()
    sign_in(client, finance.email)
    assert client.post(f"/admin/users/{admin.id}/authenticator").status_code == 403
    other = app.test_client()
    sign_in(other, admin.email)
    own = other.post(f"/admin/users/{admin.id}/authenticator")
    assert own.status_code == 400
    assert "use the Your account page" in own.text
    assert _reload(admin).totp_secret


def test_secrets_are_encrypted_at_rest(app: Flask) -> None:
    finance = make_user("finance")
    secret = finance.totp_secret
    assert secret
    stored = db.session.execute(
        text("SELECT totp_secret FROM users WHERE id = :id"), {"id": finance.id}
    ).scalar_one()
    assert secret not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert services.totp(secret).now()


def test_a_mistyped_new_code_does_not_use_up_the_current_one(client: FlaskClient) -> None:
    finance = make_user("finance")
    sign_in(client, finance.email)
    page = client.get("/profile/authenticator")
    new = re.search(r'class="app-setup-key">([A-Z2-7]+)<', page.text).group(1)  # type: ignore[union-attr]
    current = unused_code(finance)
    wrong = client.post("/profile/authenticator", data={"current_code": current, "code": "000000"})
    assert wrong.status_code == 400
    done = client.post(
        "/profile/authenticator", data={"current_code": current, "code": pyotp.TOTP(new).now()}
    )
    assert done.status_code == 200 and "Your recovery codes" in done.text


def test_guessing_codes_on_your_account_is_limited_too(client: FlaskClient) -> None:
    finance = make_user("finance")
    sign_in(client, finance.email)
    statuses = [
        client.post("/profile/recovery-codes", data={"codes-code": "000000"}).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}
