"""Database wiring: engine settings per dialect and the registry of every model."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.extensions import db

# SQLite: a writing transaction takes the write lock at BEGIN (BEGIN IMMEDIATE), so two writers
# race safely instead of one failing half-way. Read-only requests (GET, HEAD) begin deferred.
_write_transactions: ContextVar[bool] = ContextVar("write_transactions", default=True)


def set_write_transactions(enabled: bool) -> None:
    _write_transactions.set(enabled)


def load_models() -> None:
    """Import every feature's models so that the metadata is complete (migrations, create_all)."""
    import tracker.adaptations.models
    import tracker.audit.models
    import tracker.auth.models
    import tracker.budgets.models
    import tracker.contributors.models
    import tracker.expenses.models
    import tracker.payments.models
    import tracker.projects.models
    import tracker.rates.models
    import tracker.settings.models
    import tracker.slips.models
    import tracker.timesheets.models  # noqa: F401


def init_database(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options.pop("pool_pre_ping", None)
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("timeout", 15)
        connect_args.setdefault("check_same_thread", False)
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    load_models()
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine, in_memory=_is_memory(uri))


def _is_memory(uri: str) -> bool:
    return uri in {"sqlite://", "sqlite:///:memory:"} or "mode=memory" in uri


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_transactions.get() else "BEGIN")
