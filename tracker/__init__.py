"""Tracker: fair, fast payment for coproduction work."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import BASE_DIR, CONFIGS


def create_app(config: str | dict[str, Any] = "production") -> Flask:
    """Build the application: configuration, extensions, blueprints. Wiring only."""
    app = Flask(__name__, instance_relative_config=True, static_folder="static")
    if isinstance(config, str):
        app.config.from_object(CONFIGS[config])
    else:
        app.config.from_object(CONFIGS[str(config.get("CONFIG", "test"))])
        app.config.update(config)
    _configure_paths(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Trust exactly this many proxies' X-Forwarded-For/-Proto, so that limits and the audit
        # see the person's address, and nobody can choose theirs by sending the header.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from tracker import cli, crypto, errors, security
    from tracker.database import init_database
    from tracker.extensions import csrf, db, limiter, login_manager, migrate
    from tracker.web import register_template_helpers

    crypto.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    register_template_helpers(app)
    _register_blueprints(app)
    cli.init_app(app)
    return app


def _configure_paths(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_file(app, "secret_key", _new_secret)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "tracker.sqlite3"
        )
    if not app.config.get("DATA_ENCRYPTION_KEYS"):
        app.config["DATA_ENCRYPTION_KEYS"] = _instance_file(app, "data_key", _new_data_key)
    if not app.config.get("RECEIPTS_DIR"):
        app.config["RECEIPTS_DIR"] = os.path.join(app.instance_path, "receipts")


def _new_secret() -> str:
    import secrets

    return secrets.token_hex(32)


def _new_data_key() -> str:
    from tracker.crypto import new_key

    return new_key()


def _instance_file(app: Flask, name: str, make: Callable[[], str]) -> str:
    """A random key kept in the instance folder, so a single-host install needs no setup."""
    path = Path(app.instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: two workers starting at once agree on one key.
        spare = path.with_name(f".{name}.{os.getpid()}")
        spare.write_text(make())
        spare.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(spare, path)
        spare.unlink()
    return path.read_text().strip()


def _register_blueprints(app: Flask) -> None:
    from tracker.adaptations.views import bp as adaptations_bp
    from tracker.admin.views import bp as admin_bp
    from tracker.api import bp as api_bp
    from tracker.approvals.views import bp as approvals_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.budgets.views import bp as budgets_bp
    from tracker.contributions.views import bp as contributions_bp
    from tracker.expenses.views import bp as expenses_bp
    from tracker.items.views import bp as items_bp
    from tracker.main.views import bp as main_bp
    from tracker.payments.views import bp as payments_bp
    from tracker.rates.views import bp as rates_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.timesheets.views import bp as timesheets_bp

    for blueprint in (
        main_bp,
        auth_bp,
        admin_bp,
        audit_bp,
        rates_bp,
        contributions_bp,
        timesheets_bp,
        expenses_bp,
        adaptations_bp,
        items_bp,
        approvals_bp,
        payments_bp,
        budgets_bp,
        reports_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
