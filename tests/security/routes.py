"""What the route tables in this folder share: the app's (endpoint, method) pairs, a check that a
table names every route and no others, and a check that each row's URL reaches its own route."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule


def route_methods(app: Flask, keep: Callable[[Rule], bool] = lambda rule: True) -> set[Any]:
    """Every (endpoint, method) the app answers, but for static files, HEAD and OPTIONS."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and keep(rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def assert_covers(routes: set[Any], table: Mapping[Any, Any], missing_message: str) -> None:
    """The table has a row for each route, and none for a route that no longer exists."""
    missing = sorted(routes - table.keys())
    stale = sorted(table.keys() - routes)
    assert not missing, (
        missing_message + ": " + ", ".join(f"{endpoint} {method}" for endpoint, method in missing)
    )
    assert not stale, "Rows for routes that no longer exist: " + ", ".join(
        f"{endpoint} {method}" for endpoint, method in stale
    )


def assert_urls_reach_their_routes(app: Flask, rows: Iterable[tuple[Any, str]]) -> None:
    """A typo in a row's URL would test some other route (or none)."""
    adapter = app.url_map.bind("localhost")
    wrong = []
    for (endpoint, method), url in rows:
        path = re.sub(r"\{[a-z_]+\}", "7", url).split("?")[0]
        try:
            matched, _ = adapter.match(path, method=method)
        except HTTPException as error:
            wrong.append(f"{endpoint} {method}: {path} does not match ({error})")
            continue
        if matched != endpoint:
            wrong.append(f"{endpoint} {method}: {path} goes to {matched}")
    assert not wrong, "\n".join(wrong)
