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
