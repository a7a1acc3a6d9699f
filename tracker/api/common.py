"""Shared API plumbing: reading JSON bodies and query strings, pagination, money and dates.

Every reader here turns bad input into a `TrackerError` (422, with a message per field) or an
`ApiBadRequest` (400), which `tracker/errors.py` renders as `{"error": {...}}`. Nothing a client
sends may reach the database unchecked: ids and counts are bounded, text is length-checked and
free of control characters, and dates must be ISO 8601 (`YYYY-MM-DD`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.money import MAX_PARSED_PENCE, MoneyError, parse_money, pounds_string

MAX_ID = 2**31 - 1
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
MAX_LIST_LENGTH = 1000

_MISSING = object()
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ALLOWED_CONTROLS = frozenset("\t\n\r")


class ApiBadRequest(TrackerError):
    """The request itself could not be read (not JSON, not an object, a bad query string)."""

    status = 400
    code = "bad_request"


class Body:
    """A JSON object sent by the client, with typed getters that collect per-field problems.

    Call the getters, then `check()`: it raises one `TrackerError` naming every bad field, so the
    client learns about all of them at once.
    """

    def __init__(self, data: Mapping[str, Any], *, message: str = "Check the details you sent."):
        self.data = data
        self.message = message
        self.errors: dict[str, str] = {}

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.errors[name] = "This field is required"
            return _MISSING
        return value

    def _of_type(self, name: str, required: bool, kind: type, message: str) -> Any:
        """The value if it was sent and is a `kind`; otherwise _MISSING (`message` if the type
        is wrong)."""
        value = self._get(name, required)
        if value is not _MISSING and not isinstance(value, kind):
            self.errors[name] = message
            return _MISSING
        return value

    def has(self, name: str) -> bool:
        return name in self.data

    def text(
        self,
        name: str,
        *,
        required: bool = True,
        default: str = "",
        max_length: int = 200,
        multiline: bool = False,
    ) -> str:
        value = self._of_type(name, required, str, "Enter text")
        if value is _MISSING:
            return default
        text: str = value
        if len(text) > max_length:
            self.errors[name] = f"Enter {max_length} characters or fewer"
            return default
        if _has_control_characters(text, multiline=multiline):
            self.errors[name] = "Remove the control characters"
            return default
        if required and not text.strip():
            self.errors[name] = "This field is required"
            return default
        return text

    def integer(
        self,
        name: str,
        *,
        required: bool = True,
        default: int | None = None,
        minimum: int = 0,
        maximum: int = MAX_ID,
    ) -> int | None:
        value = self._get(name, required)
        if value is _MISSING:
            return default
        return self._bounded_int(name, value, minimum, maximum, default)

    def ident(self, name: str, *, required: bool = True) -> int | None:
        """An id: an integer from 1 to 2**31 - 1."""
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if not _is_id(value):
            self.errors[name] = "Enter an id (a whole number)"
            return None
        return int(value)

    def _bounded_int(
        self, name: str, value: Any, minimum: int, maximum: int, default: int | None
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors[name] = "Enter a whole number"
            return default
        if not minimum <= value <= maximum:
            self.errors[name] = f"Enter a whole number from {minimum} to {maximum}"
            return default
        return value

    def boolean(self, name: str, *, required: bool = False, default: bool = False) -> bool:
        value = self._of_type(name, required, bool, "Enter true or false")
        return default if value is _MISSING else value

    def choice(
        self, name: str, choices: Sequence[str] | Mapping[str, Any], *, required: bool = True
    ) -> str | None:
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or value not in choices:
            self.errors[name] = "Choose one of: " + ", ".join(sorted(choices))
            return None
        return value

    def date(self, name: str, *, required: bool = True) -> date | None:
        value = self._get(name, required)
        if value is _MISSING:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.errors[name] = "Enter a date as YYYY-MM-DD, like 2026-04-01"
        return parsed

    def id_list(self, name: str, *, required: bool = False) -> list[int]:
        value = self._get(name, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or len(value) > MAX_LIST_LENGTH:
            self.errors[name] = "Enter a list of ids"
            return []
        if not all(_is_id(item) for item in value):
            self.errors[name] = "Enter a list of ids"
            return []
        return sorted(set(value))

    def text_list(
        self, name: str, choices: Sequence[str] | Mapping[str, Any], *, required: bool = True
    ) -> list[str]:
        value = self._get(name, required)
        if value is _MISSING:
            return []
        if (
            not isinstance(value, list)
            or len(value) > MAX_LIST_LENGTH
            or not all(isinstance(item, str) and item in choices for item in value)
        ):
            self.errors[name] = "Choose from: " + ", ".join(sorted(choices))
            return []
        return sorted(set(value))

    def pence(self, name: str, *, required: bool = True) -> int | None:
        """Whole pence as an integer, from 0 to £1,000,000.00."""
        return self.integer(name, required=required, minimum=0, maximum=MAX_PARSED_PENCE)

    def money(self, name: str, *, required: bool = True) -> int | None:
        """Pounds as a string ("12.50"), read exactly into whole pence."""
        value = self._of_type(name, required, str, 'Enter an amount as a string, like "12.50"')
        if value is _MISSING:
            return None
        try:
            return parse_money(value)
        except MoneyError as error:
            self.errors[name] = str(error)
            return None

    def reject(self, name: str, message: str) -> None:
        self.errors[name] = message

    def check(self) -> None:
        if self.errors:
            raise TrackerError(self.message, fields=dict(self.errors))


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _has_control_characters(value: str, *, multiline: bool) -> bool:
    for ch in value:
        if multiline and ch in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(ch) in {"Cc", "Cs"}:
            return True
    return False


def json_body(*, message: str = "Check the details you sent.") -> Body:
    """The request's JSON object, or a 400 when the body is not JSON or not an object."""
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw, parse_constant=_refuse_constant) if raw else None
    except (ValueError, RecursionError):
        raise ApiBadRequest("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiBadRequest('Send a JSON object, like {"name": "..."}, as the request body.')
    return Body(data, message=message)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_date(value: Any) -> date | None:
    """An ISO 8601 calendar date (YYYY-MM-DD), or None."""
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def iso(value: date | datetime | None) -> str | None:
    """Dates as YYYY-MM-DD and times as ISO 8601 with their UTC offset."""
    return None if value is None else value.isoformat()


def money(name: str, pence: int) -> dict[str, Any]:
    """Both forms of an amount: {"fees_pence": 1250, "fees": "12.50"}."""
    return {f"{name}_pence": pence, name: pounds_string(pence)}


@contextmanager
def field_names(renames: Mapping[str, str]) -> Iterator[None]:
    """Report a service's field names as the API's (e.g. default_fee_choice -> fee_choice)."""
    try:
        yield
    except TrackerError as error:
        error.fields = {renames.get(k, k): v for k, v in error.fields.items()}
        raise


# --- pagination -------------------------------------------------------------------------------


def _query_int(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if (
        not text.isascii()
        or not text.isdigit()
        or len(text) > 9
        or not (minimum <= int(text) <= maximum)
    ):
        raise ApiBadRequest(
            f"Check the {name} parameter.",
            fields={name: f"Enter a whole number from {minimum} to {maximum}"},
        )
    return int(text)


def page_parameters() -> tuple[int, int]:
    """?page= (from 1) and ?per_page= (1 to 200, default 50)."""
    page = _query_int("page", 1, 1, MAX_PAGE)
    per_page = _query_int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    return page, per_page


def paginate(query: Select[Any], serialise: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """One page of `query` (which must be ordered), serialised item by item."""
    return paginate_batch(query, lambda rows: [serialise(row) for row in rows])


def paginate_batch(
    query: Select[Any], serialise_all: Callable[[list[Any]], list[dict[str, Any]]]
) -> dict[str, Any]:
    """One page of `query`, serialised in one go (so related data loads in one query per page)."""
    page, per_page = page_parameters()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return {"items": serialise_all(rows), "page": page, "per_page": per_page, "total": total or 0}
