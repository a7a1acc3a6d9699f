"""Shared pieces of the payable-item endpoints (time entries, expenses, adaptation requests).

Query-string filters (`?project=`, `?contributor=`, `?status=`, `?from=`, `?to=`), optional
bodies, money that may be missing, who an item is for, and the benefit warnings that a submission
or an approval can bring. The endpoints themselves are in `time_entries.py`, `expenses.py` and
`adaptations.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import request
from sqlalchemy import Select

from tracker.api.common import MAX_ID, ApiBadRequest, Body, json_body, parse_date
from tracker.api.spec import DATE, ID, MONEY, STRING, Schema, component, enum, obj
from tracker.auth.models import User
from tracker.contributors import services as contributors
from tracker.contributors.models import Contributor
from tracker.errors import NotFound, TrackerError
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.kinds import ItemKind
from tracker.money import pounds_string
from tracker.projects import services as projects
from tracker.rates.domain import ThresholdWarning
from tracker.security import acting_user


@dataclass(frozen=True)
class ApiKind:
    """What a kind's API module gives the shared routes in `item_routes.py`: its schema and JSON,
    how it reads a body (all fields, or for PATCH only those sent), how it makes the service's
    input, its create and update services, and its own words."""

    schema: Schema
    json: Callable[[Any], dict[str, Any]]
    read: Callable[[Body, Any], dict[str, Any]]
    make_input: Callable[[Contributor | None, dict[str, Any]], Any]
    create: Callable[[User, Any], Any]
    update: Callable[[User, Any, Any], Any]
    message: str
    list_description: str
    statuses: Collection[str]
    create_summary: str
    create_description: str
    submit_note: str
    approve_note: str
    approval: Schema | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    # More list filters: a query parameter -> (the model's column, its values).
    choices: Mapping[str, tuple[str, Collection[str]]] = field(default_factory=dict)


# Who may do what to an item; the services apply the finer rules (whose item, which project).
READERS = ("contributor", "coordinator", "finance", "admin")
RECORDERS = ("contributor", "coordinator")
DECIDERS = ("coordinator",)

# Dates outside these years are typing slips, and would only reach the date arithmetic of the
# tax-year and benefit-period rules.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999

NULLABLE_MONEY = {**MONEY, "type": ["string", "null"]}
NULLABLE_PENCE = {"type": ["integer", "null"], "minimum": 0, "description": "Whole pence"}
NULLABLE_STRING = {"type": ["string", "null"]}

REASON = component(
    "Reason",
    obj({"reason": {"type": "string", "maxLength": 1000, "description": "Shown to the person"}}),
)
BENEFIT_WARNING = component(
    "BenefitWarning",
    obj(
        {
            "label": {**STRING, "example": "Universal Credit work allowance"},
            "period": enum("week", "month", "tax_year"),
            "message": {**STRING, "description": "A calm, plain sentence"},
            "advice": {**STRING, "description": "The threshold's advice text"},
        }
    ),
)
WARNINGS = {
    "type": "array",
    "items": BENEFIT_WARNING,
    "description": "Benefit thresholds that this fee takes the contributor past (only for "
    "contributors who chose to be warned). Never a refusal.",
}


def with_warnings(name: str, item: dict[str, Any]) -> dict[str, Any]:
    """A component: the item's schema plus its benefit `warnings`."""
    return component(
        name,
        {
            "allOf": [
                item,
                {"type": "object", "properties": {"warnings": WARNINGS}, "required": ["warnings"]},
            ]
        },
    )


def filters(*, dated: bool, **extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The query parameters every item list takes, plus `extra` (and dates, when `dated`)."""
    dates = {
        "from": {**DATE, "description": "On or after this date"},
        "to": {**DATE, "description": "On or before this date"},
    }
    return {
        "project": {**ID, "description": "Only this project's items"},
        "contributor": {**ID, "description": "Only this contributor's items"},
        **extra,
        **(dates if dated else {}),
    }


# --- reading -----------------------------------------------------------------------------------


def _bad_parameter(name: str, message: str) -> ApiBadRequest:
    return ApiBadRequest(f"Check the {name} parameter.", fields={name: message})


def query_id(name: str) -> int | None:
    """An id from the query string (`?project=3`), or None when it is not given."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not 1 <= int(raw) <= MAX_ID:
        raise _bad_parameter(name, "Enter an id (a whole number)")
    return int(raw)


def query_date(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    parsed = parse_date(raw)
    if parsed is None:
        raise _bad_parameter(name, "Enter a date as YYYY-MM-DD, like 2026-04-01")
    return parsed


def query_choice(name: str, choices: Collection[str]) -> str | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if raw not in choices:
        raise _bad_parameter(name, "Choose one of: " + ", ".join(sorted(choices)))
    return raw


def filtered(
    query: Select[Any],
    model: Any,
    *,
    date_column: Any | None,
    statuses: Collection[str],
    **choices: tuple[Any, Collection[str]],
) -> Select[Any]:
    """`query` narrowed by the list filters; `choices` maps a parameter to (column, values)."""
    project_id = query_id("project")
    contributor_id = query_id("contributor")
    status = query_choice("status", statuses)
    if project_id is not None:
        query = query.where(model.project_id == project_id)
    if contributor_id is not None:
        query = query.where(model.contributor_id == contributor_id)
    if status is not None:
        query = query.where(model.status == status)
    for name, (column, values) in choices.items():
        value = query_choice(name, values)
        if value is not None:
            query = query.where(column == value)
    if date_column is not None:
        start, end = query_date("from"), query_date("to")
        if start is not None:
            query = query.where(date_column >= start)
        if end is not None:
            query = query.where(date_column <= end)
    return query


def optional_body() -> Body:
    """The JSON object sent, or an empty one when nothing was sent (the body is optional)."""
    if not request.get_data(cache=True).strip():
        return Body({})
    return json_body()


def plausible_date(body: Body, name: str, value: date | None) -> date | None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        body.reject(name, f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}")
        return None
    return value


def reason(body: Body) -> str:
    """The `reason` for returning or declining; the services insist it is not blank."""
    return body.text("reason", required=False, max_length=1000, multiline=True)


def optional_money(name: str, pence: int | None) -> dict[str, Any]:
    """Like `common.money`, for an amount that may not be known yet: both fields are null."""
    return {f"{name}_pence": pence, name: None if pence is None else pounds_string(pence)}


def item_json(item: Any, **fields: Any) -> dict[str, Any]:
    """An item as JSON: what every kind has, and the kind's own `fields`."""
    return {
        "id": item.id,
        "contributor_id": item.contributor_id,
        "project_id": item.project_id,
        **fields,
        "status": item.status,
        "recorded_by_id": item.recorded_by_id,
        "return_reason": item.return_reason,
    }


def visible_item(kind: ItemKind, item_id: int) -> tuple[User, Any]:
    """The acting user, and the item of this kind they may see (404 otherwise)."""
    actor = acting_user()
    return actor, lifecycle.get_visible(actor, kind, item_id)


def warnings_json(warnings: list[ThresholdWarning]) -> list[dict[str, Any]]:
    return [
        {
            "label": w.threshold.label,
            "period": w.threshold.period,
            "message": w.message,
            "advice": w.threshold.advice,
        }
        for w in warnings
    ]


# --- who an item is for ------------------------------------------------------------------------


def contributor_for(actor: User, contributor_id: int | None) -> Contributor | None:
    """The contributor named (404 unless the user may see them), or the user's own record.

    None when nobody is named and the user has no contributor record: the service then asks for
    `contributor_id`.
    """
    if contributor_id is None:
        return contributors.contributor_for_user(actor)
    return contributors.get_visible_contributor(actor, contributor_id)


def check_project_visible(actor: User, project_id: int | None) -> None:
    """A project the user may not see answers as one the contributor is not part of, so that
    nobody learns who belongs to other people's projects."""
    if project_id is None:
        return
    try:
        projects.get_visible_project(actor, project_id)
    except NotFound:
        raise TrackerError(
            "Choose a project that this person is part of.",
            fields={"project_id": "Choose one of their projects"},
        ) from None


def unchanged_contributor(body: Body, contributor_id: int) -> None:
    """PATCH cannot move an item to someone else."""
    value = body.data.get("contributor_id", contributor_id)
    if value is not None and (type(value) is not int or value != contributor_id):
        body.reject(
            "contributor_id",
            "This cannot be changed. Withdraw it and record it again for the right person.",
        )
