"""The audit trail, for admin: newest first, filtered by kind of record and action."""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request, url_for
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.auth.access import access
from tracker.auth.models import User
from tracker.extensions import db
from tracker.money import format_money

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50

# Where a record of each kind can be seen, for a link from the trail.
ENTITY_PAGES = {
    "user": ("admin.edit_user", "user_id"),
    "contributor": ("admin.contributor", "contributor_id"),
    "project": ("admin.project", "project_id"),
    "fund": ("admin.fund", "fund_id"),
    "activity_type": ("admin.edit_activity_type", "activity_id"),
}


@bp.route("/")
@access("admin")
def index() -> Any:
    entity_type = request.args.get("entity_type", "").strip()
    action = request.args.get("action", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    conditions = []
    if entity_type:
        conditions.append(AuditEvent.entity_type == entity_type)
    if action:
        conditions.append(AuditEvent.action == action)
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
    pages = max(math.ceil(total / PER_PAGE), 1)
    rows = db.session.execute(
        select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(*conditions)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    filters = {"entity_type": entity_type, "action": action}
    return render_template(
        "audit/index.html",
        events=[_event(event, actor) for event, actor in rows],
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        entity_type_items=_select_items(AuditEvent.entity_type, entity_type, "All kinds"),
        action_items=_select_items(AuditEvent.action, action, "All actions"),
        pagination=_pagination(page, pages, filters),
    )


def _select_items(column: Any, chosen: str, everything: str) -> list[dict[str, Any]]:
    """govukSelect items: 'everything', then each value that occurs in the trail."""
    values = db.session.scalars(select(column).distinct().order_by(column))
    return [{"value": "", "text": everything}] + [
        {"value": value, "text": humanise(value), "selected": value == chosen} for value in values
    ]


def humanise(code: str) -> str:
    """'project.member_added' -> 'Project member added'."""
    return code.replace(".", " ").replace("_", " ").capitalize()


def _field(code: str) -> str:
    """'amount_pence' -> 'Amount', 'project_id' -> 'Project (number)'."""
    if code.endswith("_pence"):
        code = code.removesuffix("_pence")
    elif code.endswith("_id"):
        code = code.removesuffix("_id") + " (number)"
    return humanise(code)


def _shown(value: Any, field: str = "") -> str:
    if value is None or value == []:
        return "Not set"
    if field.endswith("_pence") and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _event(event: AuditEvent, actor: str | None) -> dict[str, Any]:
    try:
        changes = json.loads(event.changes or "{}")
    except ValueError:
        changes = {}
    link = None
    if event.entity_type in ENTITY_PAGES and event.entity_id is not None:
        endpoint, argument = ENTITY_PAGES[event.entity_type]
        if endpoint in current_app.view_functions:
            values: dict[str, Any] = {argument: event.entity_id}
            link = url_for(endpoint, **values)
    return {
        "at": event.at,
        "actor": actor or event.actor_label or "Tracker (no person)",
        "action": humanise(event.action),
        "entity": humanise(event.entity_type)
        + (f" {event.entity_id}" if event.entity_id is not None else ""),
        "link": link,
        "changes": [
            {
                "field": _field(field),
                "before": _shown(pair[0], field),
                "after": _shown(pair[1], field),
            }
            for field, pair in sorted(changes.items())
        ],
    }


def _pagination(page: int, pages: int, filters: dict[str, str]) -> dict[str, Any] | None:
    """Parameters for govukPagination: first, last and the pages around this one."""
    if pages <= 1:
        return None

    def href(number: int) -> str:
        query = {k: v for k, v in filters.items() if v}
        query["page"] = str(number)
        return url_for("audit.index") + "?" + urlencode(query)

    items: list[dict[str, Any]] = []
    for number in range(1, pages + 1):
        if number in (1, pages) or abs(number - page) <= 1:
            items.append({"number": number, "href": href(number), "current": number == page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    params: dict[str, Any] = {"items": items, "landmarkLabel": "Audit log pages"}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params
