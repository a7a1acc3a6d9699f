"""Fixtures: one app per worker whose schema is made once and emptied before each test (SQLite in
a file, or PostgreSQL when TEST_DATABASE_URL points at one), a client, and helpers to sign in."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, exists, literal, select, text, union_all

from tracker import create_app, dates
from tracker.extensions import db, limiter

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
IS_POSTGRES = DATABASE_URL.startswith("postgresql")
_schema_ready: set[str] = set()


def _worker_schema() -> str:
    return "test_" + os.environ.get("PYTEST_XDIST_WORKER", "main")


def database_url(tmp_path: Any) -> str:
    """The database of an app made in `tmp_path`: a new SQLite file there, or this worker's
    schema on PostgreSQL (dropped and made again the first time this process asks for it)."""
    if not IS_POSTGRES:
        return f"sqlite:///{tmp_path}/test.sqlite3"
    schema = _worker_schema()
    if schema not in _schema_ready:
        engine = create_engine(DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        _schema_ready.add(schema)
    separator = "&" if "?" in DATABASE_URL else "?"
    return f"{DATABASE_URL}{separator}options=-csearch_path%3D{schema}"


def make_app(tmp_path: Any, **overrides: Any) -> Flask:
    config = {
        "CONFIG": "test",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "WTF_CSRF_ENABLED": False,
        "INVOICES_DIR": str(tmp_path / "invoices"),
        "RECEIPTS_DIR": str(tmp_path / "receipts"),
    }
    config.update(overrides)
    return create_app(config)


_made: set[str] = set()


def _reset_schema() -> None:
    """Give the current app's database an empty schema: made the first time, emptied after."""
    url = db.engine.url.render_as_string(hide_password=False)
    if url not in _made:
        db.drop_all()
        db.create_all()
        _made.add(url)
        return
    empty_tables()


def empty_tables() -> None:
    """Delete the rows earlier tests left and restart the id counters.

    Only the tables that hold a row are touched: a few milliseconds, where truncating every
    table costs PostgreSQL about half a second, and making the schema again costs SQLite more
    than most tests do.
    """
    tables = db.metadata.sorted_tables
    probe = union_all(
        *(select(literal(n)).where(exists().select_from(t)) for n, t in enumerate(tables))
    )
    filled = set(db.session.scalars(probe))
    for n, table in reversed(list(enumerate(tables))):  # rows that point at others go first
        if n in filled:
            db.session.execute(table.delete())
    if IS_POSTGRES:
        used = db.session.scalars(
            text(
                "SELECT sequencename FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        ).all()
        for sequence in used:
            db.session.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
    # SQLite gives a table without AUTOINCREMENT the next id after its largest: 1 when empty.
    db.session.commit()


@pytest.fixture(scope="session")
def worker_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """This worker's app, made once: making an app (its routes, its compiled templates, its
    schema) costs more than most tests. The `app` fixture hands it out and tidies it up."""
    app = make_app(tmp_path_factory.mktemp("app"))
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(worker_app: Flask, tmp_path: Any) -> Iterator[Flask]:
    """The app with its context pushed on an empty schema, so tests and factories can use
    `db.session`. What a test changes in its settings or extensions is put back afterwards;
    a test that needs other routes or extensions makes its own app (`fresh_app`)."""
    app = worker_app
    config, extensions = dict(app.config), dict(app.extensions)
    routes = len(list(app.url_map.iter_rules()))
    app.config["INVOICES_DIR"] = str(tmp_path / "invoices")
    app.config["RECEIPTS_DIR"] = str(tmp_path / "receipts")
    limiter.init_app(app)  # a new, empty store for the limits, as a new app would have
    try:
        with app.app_context():
            _reset_schema()
            yield app
            dates.set_clock(None)
            db.session.remove()
    finally:
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)
    assert len(list(app.url_map.iter_rules())) == routes, "a test added a route: use fresh_app"


@pytest.fixture
def fresh_app(tmp_path: Any) -> Iterator[Flask]:
    """An app of its own with its context pushed, for a test that adds routes to it."""
    app = make_app(tmp_path)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema()
        limiter.reset()
        yield app
        dates.set_clock(None)
        db.session.remove()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context and database session, as in production.

    The test's own session is committed first (so the request sees the test's data and no
    lock is held), and expired afterwards (so the test sees what the request wrote).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        db.session.commit()
        token = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            db.session.expire_all()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = "a-long-password-1") -> Any:
    """Sign in through the real pages, entering the TOTP code when one is asked for."""
    response = client.post("/sign-in", data={"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"].startswith("/sign-in/code"):
        from tracker.auth.services import find_user_by_email

        user = find_user_by_email(email)
        assert user is not None and user.totp_secret
        response = client.post("/sign-in/code", data={"code": unused_code(user)})
    return response


def unused_code(user: Any) -> str:
    """A valid TOTP code that the user has not used yet (each code works once).

    A test that signs the same person in more than twice in one 30-second step would run out of
    codes, so then the record of used steps is moved back: the replay rule itself is tested in
    tests/security/test_second_factor.py.
    """
    from tracker.auth.services import totp

    db.session.refresh(user)
    generator = totp(user.totp_secret)
    current = generator.timecode(datetime.now(UTC))
    last = user.totp_last_step
    # The server reads the clock after this, so its step is this one or the next: a code for
    # this step or the next is always inside its ±1 window, while the previous step's code is
    # not when the step turns over in between.
    for step in (current, current + 1):
        if last is None or step > last:
            return str(generator.generate_otp(step))
    user.totp_last_step = current - 1
    db.session.commit()
    return str(generator.generate_otp(current))


@pytest.fixture
def paying(app: Flask) -> Any:
    """A world with a finance user and helpers to approve work for several people."""
    from tests.items import Paying

    return Paying()


@pytest.fixture
def run_factory(paying: Any) -> Any:
    """Create and commit a draft payment run as the finance user."""
    from datetime import date

    from tracker.payments import services as payments

    def make(**kw: Any) -> Any:
        run = payments.create_payment_run(
            actor=paying.finance, cut_off=kw.pop("cut_off", date.today()), **kw
        )
        db.session.commit()
        return run

    return make
