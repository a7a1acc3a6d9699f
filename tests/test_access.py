"""Every route declares who may use it, and anonymous people reach nothing private."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tracker.auth.access import PUBLIC, rule_of


def _routes(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _example_url(rule: Rule) -> str:
    values: dict[str, Any] = {}
    for name in rule.arguments - set(rule.defaults or {}):
        converter = rule._converters[name]
        values[name] = 1 if "Integer" in type(converter).__name__ else "x"
    built = rule.build(values)
    assert built is not None
    return built[1]


def test_every_route_declares_an_access_rule(app: Flask) -> None:
    missing = [r.endpoint for r in _routes(app) if rule_of(app.view_functions[r.endpoint]) is None]
    assert missing == []


def test_a_route_without_a_rule_is_refused(fresh_app: Flask) -> None:
    fresh_app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    response = fresh_app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert "secret" not in response.text


def test_anonymous_requests_to_private_pages_go_to_sign_in(app: Flask, client: FlaskClient) -> None:
    checked = 0
    for rule in _routes(app):
        view_rule = rule_of(app.view_functions[rule.endpoint])
        assert view_rule is not None
        if PUBLIC in view_rule:
            continue
        url = _example_url(rule)
        method = "GET" if "GET" in (rule.methods or ()) else sorted(rule.methods or ())[0]
        response = client.open(url, method=method)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
            assert response.json is not None
            assert response.json["error"]["code"] == "unauthorised"
        else:
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/sign-in"), url
        checked += 1
    assert checked > 5


def test_security_headers_on_every_page(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_have_no_inline_script(client: FlaskClient) -> None:
    import re

    html = client.get("/sign-in").text
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert re.search(r"<script[^>]*>\s*[^<\s]", html) is None


def test_missing_page_is_friendly(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Traceback" not in response.text


def test_unexpected_error_shows_a_kind_page_without_details(fresh_app: Flask) -> None:
    from tracker.auth.access import access

    def boom() -> str:
        raise RuntimeError("database password is hunter2")

    fresh_app.add_url_rule("/boom", "boom", access(PUBLIC)(boom))
    response = fresh_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.text
    assert "hunter2" not in response.text


def test_csrf_is_required_on_forms(tmp_path: Any) -> None:
    from tests.conftest import _reset_schema, make_app
    from tracker.extensions import db

    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        _reset_schema()
        response = app.test_client().post("/sign-in", data={"email": "a@b.c", "password": "x"})
        assert response.status_code == 400
        assert "expired" in response.text.lower() or "went wrong" in response.text.lower()
        db.session.remove()
        db.engine.dispose()


def test_an_upload_over_the_limit_gets_a_kind_page(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = app.test_client().post("/sign-in", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "The largest file we can take is 10 MB" in response.text
