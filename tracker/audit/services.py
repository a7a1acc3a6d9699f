"""The audit service: every state change calls `record`."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import event

from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db

# Never written to the audit trail, whatever a caller passes.
SECRET_FIELDS = frozenset(
    {
        "password",
        "password_hash",
        "session_token",
        "totp_secret",
        "token",
        "token_hash",
        "bank_details",
        "bank_details_encrypted",
    }
)


# Personal details: the trail says that they changed, never what they were.
PERSONAL_FIELDS = frozenset({"contact", "preferred_name", "detail"})


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def record(
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event; `changes` maps a field to (before, after). `actor_label` names who
    acted when no user did (for example "command line")."""
    safe = {
        field: (
            ["(personal detail)", "(personal detail)"]
            if field in PERSONAL_FIELDS
            else [_plain(before), _plain(after)]
        )
        for field, (before, after) in (changes or {}).items()
        if field not in SECRET_FIELDS
    }
    event_row = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=None if actor else actor_label,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=json.dumps(safe, sort_keys=True),
    )
    db.session.add(event_row)
    db.session.flush()
    return event_row


def record_action(
    actor: User | None,
    action: str,
    entity_id: int | None,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> AuditEvent:
    """`record`, naming the entity type by the action's first part ("fund.updated": a fund)."""
    return record(
        actor=actor,
        action=action,
        entity_type=action.partition(".")[0],
        entity_id=entity_id,
        changes=changes,
    )


def add_and_record(
    actor: User | None, row: Any, action: str, changes: dict[str, tuple[Any, Any]]
) -> None:
    """Add a new row, flush so it has an id, and record its making as `action`."""
    db.session.add(row)
    db.session.flush()
    record_action(actor, action, row.id, changes)


def record_if_changed(
    actor: User | None, action: str, entity_id: int | None, changes: dict[str, tuple[Any, Any]]
) -> None:
    """Flush, then record `changes` as `action` unless nothing changed."""
    db.session.flush()
    if changes:
        record_action(actor, action, entity_id, changes)


def update_and_record(
    actor: User | None, row: Any, action: str, values: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Apply `values` to an existing row and record what changed (if anything) as `action`."""
    changes = diff(row, values)
    record_if_changed(actor, action, row.id, changes)
    return changes


def diff(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Apply `values` to `obj` and return what changed, for `record`."""
    changes: dict[str, tuple[Any, Any]] = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            changes[field] = (old, new)
            setattr(obj, field, new)
    return changes


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(_mapper: Any, _connection: Any, _target: AuditEvent) -> None:
    raise RuntimeError("audit events are append-only")
