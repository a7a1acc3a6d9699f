"""Secrets at rest: encrypted with the first key, readable with any, rotated by a command."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from tests.factories import make_user
from tracker import crypto
from tracker.auth.models import User
from tracker.extensions import db


def _stored(user_id: int) -> str:
    return str(
        db.session.execute(
            text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user_id}
        ).scalar_one()
    )


def _use_keys(app: Flask, *keys: str) -> None:
    app.config["DATA_ENCRYPTION_KEYS"] = ",".join(keys)
    crypto.init_app(app)
    db.session.expire_all()


def test_rotating_keys_keeps_every_secret(app: Flask) -> None:
    old = app.config["DATA_ENCRYPTION_KEYS"]
    user = make_user("finance")
    secret = user.totp_secret
    before = _stored(user.id)

    new = crypto.new_key()
    _use_keys(app, new, old)
    assert db.session.get(User, user.id).totp_secret == secret  # the old key still reads
    result = app.test_cli_runner().invoke(args=["tracker", "rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "Encrypted 1 stored secret again." in result.output
    assert _stored(user.id) != before

    _use_keys(app, new)  # the old key is gone
    assert db.session.get(User, user.id).totp_secret == secret


def test_a_missing_key_is_said_plainly(app: Flask) -> None:
    user = make_user("finance")
    _use_keys(app, crypto.new_key())
    with pytest.raises(crypto.EncryptionKeyError, match="is a key missing"):
        db.session.get(User, user.id).totp_secret  # noqa: B018


def test_a_malformed_key_setting_stops_the_app_starting(app: Flask) -> None:
    app.config["DATA_ENCRYPTION_KEYS"] = "not-a-key"
    with pytest.raises(crypto.EncryptionKeyError, match="Fernet keys"):
        crypto.init_app(app)
