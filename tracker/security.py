"""Request-wide security: who may use each route, sessions, tokens and response headers."""

from __future__ import annotations

from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from tracker.auth import services as auth
from tracker.auth.access import PUBLIC, SIGNED_IN, rule_of
from tracker.auth.models import User
from tracker.database import set_write_transactions
from tracker.dates import epoch_seconds
from tracker.errors import api_error, is_api_request
from tracker.extensions import db, login_manager

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def acting_user() -> User:
    """The signed-in user of a page, or the token's user of an API call."""
    user = g.get("api_user") or current_user._get_current_object()
    assert isinstance(user, User)
    return user


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(token: str) -> User | None:
        return auth.load_user_by_session_token(token)

    app.before_request(_start_request)
    app.before_request(enforce_access)
    app.after_request(_secure_headers)


def _start_request() -> None:
    set_write_transactions(request.method not in {"GET", "HEAD", "OPTIONS"})
    # Idle timeout: the session cookie lives PERMANENT_SESSION_LIFETIME from the last request,
    # and Flask refuses a cookie older than that, whatever the browser does.
    session.permanent = True


def enforce_access() -> Any:
    """Apply the route's declared rule; a route with no rule is refused (fail closed)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    if not is_api_request():
        ended = _end_long_session()
        if ended is not None:
            return ended
    view = current_app.view_functions[endpoint]
    rule = rule_of(view)
    if rule is None:
        current_app.logger.error("Route %s has no access rule", endpoint)
        abort(403)
    if PUBLIC in rule:
        return None
    if is_api_request():
        return _enforce_api(rule)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if SIGNED_IN not in rule and not current_user.has_role(*rule):
        abort(403)
    return None


def _end_long_session() -> Any:
    """However busy, a session ends SESSION_ABSOLUTE_HOURS after signing in."""
    if not current_user.is_authenticated:
        return None
    started = session.get("signed_in_at")
    limit = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if isinstance(started, int | float) and 0 <= epoch_seconds() - started < limit:
        return None
    logout_user()
    session.clear()
    hours = current_app.config["SESSION_ABSOLUTE_HOURS"]
    flash(
        f"For your safety we sign everyone out after {hours} hours. Please sign in again.", "info"
    )
    return redirect(url_for("auth.sign_in"))


def _enforce_api(rule: frozenset[str]) -> Any:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    user = auth.user_for_api_token(raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        response = api_error(401, "Sign in with a valid API token.")
        response[0].headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
        return response
    db.session.commit()  # keeps the token's last-used time
    g.api_user = user
    if SIGNED_IN not in rule and not user.has_role(*rule):
        return api_error(403, "Your roles do not allow this.")
    return None


def _secure_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return response
