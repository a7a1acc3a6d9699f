"""Attack 8: throttling that locked out the real person, and ignored the proxy.

Only failed attempts count. An attacker is slowed per account and address, and by a higher
per-account ceiling; a device that has signed in to the account before is spared the per-account
limits, so guessing from elsewhere never locks the real person out. Behind a reverse proxy,
TRUSTED_PROXIES says how many X-Forwarded-For hops to believe; without it the header is ignored.
The limits live in the configured store: Redis is checked against the local server.
"""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import _reset_schema, make_app
from tests.factories import PASSWORD, make_user
from tracker.auth.models import User
from tracker.extensions import db, limiter

ATTACKER = "203.0.113.9"
HOME = "198.51.100.20"


def _try(client: FlaskClient, user: User | str, password: str, address: str, **headers: Any) -> int:
    email = user if isinstance(user, str) else user.email
    response = client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )
    return response.status_code


def test_a_known_device_signs_in_after_an_attacker_guessed(app: Flask) -> None:
    person = make_user("contributor")
    phone = app.test_client()
    assert _try(phone, person, PASSWORD, HOME) == 302  # signed in before: a known device
    phone.post("/sign-out")

    attacker = app.test_client()
    statuses = [_try(attacker, person, "guess-number-x", ATTACKER) for _ in range(10)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    # The attacker is locked out even with the right password...
    assert _try(attacker, person, PASSWORD, ATTACKER) == 429
    # ...the real person is not, from home or from the same address as the attacker.
    assert _try(phone, person, PASSWORD, HOME) == 302
    phone.post("/sign-out")
    assert _try(phone, person, PASSWORD, ATTACKER) == 302


def test_successful_sign_ins_do_not_count(app: Flask) -> None:
    person = make_user("contributor")
    client = app.test_client()
    for _ in range(8):
        assert _try(client, person, PASSWORD, HOME) == 302
        client.post("/sign-out")


def test_guessing_from_many_addresses_hits_the_account_ceiling(app: Flask) -> None:
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "12 per hour"
    person = make_user("contributor")
    phone = app.test_client()
    assert _try(phone, person, PASSWORD, HOME) == 302
    phone.post("/sign-out")
    attacker = app.test_client()
    statuses = [_try(attacker, person, "guess", f"203.0.113.{n}") for n in range(1, 16)]
    assert statuses[:12] == [200] * 12 and set(statuses[12:]) == {429}
    assert _try(app.test_client(), person, PASSWORD, "192.0.2.77") == 429  # a new device
    assert _try(phone, person, PASSWORD, HOME) == 302  # the known device


def test_a_forged_device_cookie_is_ignored(app: Flask) -> None:
    person = make_user("contributor")
    attacker = app.test_client()
    attacker.set_cookie("tracker_device", f"[{person.id}]")
    statuses = [_try(attacker, person, "guess", ATTACKER) for _ in range(6)]
    assert statuses[5] == 429


def test_without_trusted_proxies_a_forwarded_header_changes_nothing(app: Flask) -> None:
    person = make_user("contributor")
    attacker = app.test_client()
    statuses = [
        _try(attacker, person, "guess", ATTACKER, **{"X-Forwarded-For": f"192.0.2.{n}"})
        for n in range(1, 8)
    ]
    assert set(statuses[5:]) == {429}


def test_behind_a_trusted_proxy_each_person_has_their_own_count(tmp_path: Any) -> None:
    app = make_app(tmp_path, TRUSTED_PROXIES=1)
    with app.app_context():
        _reset_schema()
        limiter.reset()
        person = make_user("contributor")
        proxy = "10.0.0.2"
        attacker = app.test_client()
        blocked = [
            _try(attacker, person, "guess", proxy, **{"X-Forwarded-For": ATTACKER})
            for _ in range(6)
        ]
        assert blocked[5] == 429
        someone_else = app.test_client()
        assert _try(someone_else, person, PASSWORD, proxy, **{"X-Forwarded-For": HOME}) == 302
        db.session.remove()
        db.engine.dispose()


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379")
@pytest.mark.parametrize(
    ("store", "shared"), [("redis://127.0.0.1:6379/15", True), ("memory://", False)]
)
def test_workers_share_the_count_through_redis(tmp_path: Any, store: str, shared: bool) -> None:
    """Two app instances stand for two gunicorn workers; each makes its own store connection."""
    email = f"{uuid.uuid4().hex}@example.org"
    first = make_app(tmp_path, RATELIMIT_STORAGE_URI=store)
    with first.app_context():
        _reset_schema()
        make_user("contributor", email=email)
        client = first.test_client()
        statuses = [_try(client, email, "guess", ATTACKER) for _ in range(5)]
        assert statuses == [200] * 5
        db.session.remove()
    second = make_app(tmp_path, RATELIMIT_STORAGE_URI=store)
    with second.app_context():
        status = _try(second.test_client(), email, "guess", ATTACKER)
        assert status == (429 if shared else 200)
        db.session.remove()
        db.engine.dispose()
    with first.app_context():
        db.engine.dispose()
