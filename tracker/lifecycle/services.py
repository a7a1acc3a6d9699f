"""Who may do what to a payable item, and the audited status change itself.

Time entries, expense claims and adaptation requests share these rules:
- the contributor, or whoever recorded the item, edits, submits and withdraws it (a coordinator
  of the project may also act for a contributor who has no login);
- a coordinator of the item's project decides it, but never an item that is their own or that
  they recorded themselves (separation of duties).
"""

from __future__ import annotations

from typing import Any, Protocol

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.errors import Conflict, Forbidden
from tracker.extensions import db, utcnow
from tracker.lifecycle.domain import Action, TransitionRefused, next_status
from tracker.projects.services import coordinates


class Item(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def contributor_id(self) -> int: ...
    @property
    def project_id(self) -> int: ...
    @property
    def recorded_by_id(self) -> int: ...


def contributor_of(item: Item) -> Contributor:
    contributor = db.session.get(Contributor, item.contributor_id)
    assert contributor is not None
    return contributor


def is_own(actor: User, item: Item) -> bool:
    return contributor_of(item).user_id == actor.id


def can_act_for(actor: User, item: Item) -> bool:
    """The contributor, the person who recorded it, or (no login) a coordinator of the project."""
    if is_own(actor, item) or item.recorded_by_id == actor.id:
        return True
    return contributor_of(item).user_id is None and coordinates(actor, item.project_id)


def check_can_act_for(actor: User, item: Item) -> None:
    if not can_act_for(actor, item):
        raise Forbidden("Only the contributor, or the person who recorded this, can change it.")


def check_can_decide(actor: User, item: Item) -> None:
    """Coordinators of the project decide; nobody decides their own item or one they recorded."""
    if not coordinates(actor, item.project_id):
        raise Forbidden("Only a coordinator of this project can decide this.")
    if is_own(actor, item):
        raise Forbidden("You cannot approve your own work. Another coordinator needs to do it.")
    if item.recorded_by_id == actor.id:
        raise Forbidden(
            "You recorded this yourself, so another coordinator needs to approve it. "
            "This keeps everyone safe."
        )


def move(
    item: Any,
    action: Action,
    *,
    actor: User | None,
    entity_type: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    field: str = "status",
) -> None:
    """Change the item's status by `action` (or raise Conflict with a plain reason), and audit.

    `field` is `payment_status` for the money side of a reimbursed adaptation.
    """
    try:
        target = next_status(getattr(item, field), action)
    except TransitionRefused as refused:
        raise Conflict(refused.message) from None
    before = getattr(item, field)
    setattr(item, field, target)
    now = utcnow()
    if action == "submit":
        item.submitted_at = now
        item.return_reason = None
    elif action in {"approve", "return", "decline"}:
        item.decided_at = now
        item.decided_by_id = actor.id if actor else None
        if action == "approve":
            item.approved_at = now
    elif action == "mark_paid":
        item.paid_at = now
    db.session.flush()
    record(
        actor=actor,
        action=f"{entity_type}.{action}",
        entity_type=entity_type,
        entity_id=item.id,
        changes={field: (before, target), **(changes or {})},
    )
