"""JSON API v1: bearer tokens, JSON in and out, an OpenAPI 3.1 document.

Layout: `common.py` (reading bodies and query strings, pagination, money and dates), `spec.py`
(the OpenAPI registry; its docstring says how a feature adds endpoints), `openapi.py` (serves the
document), then one module per group of resources. Authentication (bearer tokens) and each
route's `@access` rule are enforced for every request in `tracker/security.py`; errors become
`{"error": {"code", "message", "fields"}}` in `tracker/errors.py`.
"""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import IntegerConverter, Map

from tracker.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Token requests carry no cookies that a browser would send on its own, so CSRF does not apply.
csrf.exempt(bp)


def _numbers_up_to(limit: int) -> str:
    """A regular expression for the whole numbers 1 to `limit`, written without leading zeros."""
    text = str(limit)
    choices = [f"[1-9][0-9]{{0,{len(text) - 2}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            choices.append(f"{text[:i]}[{low}-{int(digit) - 1}][0-9]{{{len(text) - i - 1}}}")
    choices.append(text)
    return "(?:" + "|".join(choices) + ")"


class IdIntegerConverter(IntegerConverter):
    """`<id:name>`: an integer id that fits the database (1 to 2**31 - 1); others are a 404.

    The range is in the pattern itself, not only checked after matching: otherwise an id out of
    range on a path served by two views (GET and PATCH) would be a 405 for one of the methods.
    """

    regex = _numbers_up_to(2**31 - 1)

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def _register_converter(state: BlueprintSetupState) -> None:
    # Runs when the blueprint is registered, before its routes are added to the URL map.
    state.app.url_map.converters.setdefault("id", IdIntegerConverter)


bp.record_once(_register_converter)

from tracker.api import (  # noqa: E402,F401
    accounts,
    adaptations,
    contributors,
    expenses,
    openapi,
    projects,
    rates,
    time_entries,
)

# isort: split
from tracker.api import item_routes  # noqa: E402,F401

# isort: split
from tracker.api import payments  # noqa: E402,F401

# isort: split
from tracker.api import budgets  # noqa: E402,F401

# isort: split
from tracker.api import reports  # noqa: E402,F401
