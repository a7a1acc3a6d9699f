"""Migrations: one head, upgrade from empty matches the models, and down/up round-trips.

Runs on SQLite, and on PostgreSQL (in its own schema) when TEST_DATABASE_URL points at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytest_alembic.tests import (  # noqa: F401 - collected as tests here
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from tests.conftest import DATABASE_URL, IS_POSTGRES, make_app
from tracker.extensions import db


@pytest.fixture
def alembic_config() -> dict[str, Any]:
    return {"file": "migrations/alembic.ini", "script_location": "migrations"}


@pytest.fixture
def alembic_engine(tmp_path: Any) -> Iterator[Engine]:
    if IS_POSTGRES:
        import os

        schema = "alembic_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
        admin = create_engine(DATABASE_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        separator = "&" if "?" in DATABASE_URL else "?"
        url = f"{DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path}/migrations.sqlite3"
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield db.engine
        db.session.remove()
        db.engine.dispose()


def test_0005_encrypts_existing_secrets_and_dates_existing_tokens(
    alembic_runner: Any, alembic_engine: Engine
) -> None:
    from tracker import crypto

    alembic_runner.migrate_up_to("0004")
    with alembic_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, display_name, password_hash, active, totp_secret, "
                "session_token, created_at) VALUES (1, 'f@example.org', 'F', 'x', true, "
                "'JBSWY3DPEHPK3PXP', 'tok', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) "
                "VALUES (1, 1, 't', 'h', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'finance')"))
        conn.execute(
            text(
                "INSERT INTO audit_events (id, at, actor_id, action, entity_type, changes) "
                "VALUES (1, '2026-01-01 00:00:00', 1, 'user.created', 'user', '{}')"
            )
        )
    alembic_runner.migrate_up_one()
    with alembic_engine.connect() as conn:
        # Rebuilding the users table must not cascade into the rows that point at it.
        assert conn.execute(text("SELECT role FROM user_roles")).scalar_one() == "finance"
        assert conn.execute(text("SELECT actor_id FROM audit_events")).scalar_one() == 1
    with alembic_engine.connect() as conn:
        stored = conn.execute(text("SELECT totp_secret FROM users")).scalar_one()
        expires = conn.execute(text("SELECT expires_at FROM api_tokens")).scalar_one()
    assert stored != "JBSWY3DPEHPK3PXP"
    assert crypto.decrypt(stored) == "JBSWY3DPEHPK3PXP"
    assert str(expires).startswith("2026-04-01")
    alembic_runner.migrate_down_one()
    with alembic_engine.connect() as conn:
        assert conn.execute(text("SELECT totp_secret FROM users")).scalar_one() == (
            "JBSWY3DPEHPK3PXP"
        )
