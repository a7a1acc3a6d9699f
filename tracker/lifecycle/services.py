"""Who may do what to a payable item, and the audited status change itself.

Time entries, expense claims and adaptation requests share these rules (DESIGN.md §3):
- only the contributor, or whoever recorded the item, edits, submits and withdraws it; another
  coordinator of the project cannot, even for a contributor who has no login;
- a coordinator of the item's project decides it, but never an item that is their own, or that
  they recorded, last changed or submitted (separation of duties).
"""

from __future__ import annotations

from typing import Any, Protocol

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.dates import utc_now
from tracker.errors import Conflict, Forbidden
from tracker.extensions import db
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
    @property
    def last_changed_by_id(self) -> int | None: ...
    @property
    def submitted_by_id(self) -> int | None: ...


OWN = "You cannot approve your own work. Another coordinator needs to do it."
RECORDED = (
    "You recorded this yourself, so another coordinator needs to approve it. "
    "This keeps everyone safe."
)
CHANGED = "You changed this last, so another coordinator needs to approve it."
SUBMITTED = "You sent this for approval, so another coordinator needs to approve it."


def contributor_of(item: Item) -> Contributor:
    contributor = db.session.get(Contributor, item.contributor_id)
    assert contributor is not None
    return contributor


def is_own(actor: User, item: Item) -> bool:
    return contributor_of(item).user_id == actor.id


def can_act_for(actor: User, item: Item) -> bool:
    """Only the contributor, or the person who recorded it."""
    return is_own(actor, item) or item.recorded_by_id == actor.id


def check_can_act_for(actor: User, item: Item) -> None:
    if not can_act_for(actor, item):
        raise Forbidden("Only the contributor, or the person who recorded this, can change it.")


def mark_changed(item: Any, actor: User) -> None:
    """Remember who last changed the item's details: they may not decide it."""
    item.last_changed_by_id = actor.id


def decide_refusal(actor: User, item: Item, contributor_user_id: int | None) -> str | None:
    """Why `actor` may not decide `item` (separation of duties), or None when they may."""
    if contributor_user_id == actor.id:
        return OWN
    if item.recorded_by_id == actor.id:
        return RECORDED
    if item.last_changed_by_id == actor.id:
        return CHANGED
    if item.submitted_by_id == actor.id:
        return SUBMITTED
    return None


def check_can_decide(actor: User, item: Item) -> None:
    """Coordinators of the project decide, within the separation of duties."""
    if not coordinates(actor, item.project_id):
        raise Forbidden("Only a coordinator of this project can decide this.")
    refusal = decide_refusal(actor, item, contributor_of(item).user_id)
    if refusal:
        raise Forbidden(refusal)


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
    now = utc_now()
    if action == "submit":
        item.submitted_at = now
        item.submitted_by_id = actor.id if actor else None
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
