"""Who may do what to a payable item, and the audited status change itself.

Time entries, expense claims and adaptation requests share these rules (DESIGN.md §3):
- only the contributor, or whoever recorded the item, edits, submits and withdraws it; another
  coordinator of the project cannot, even for a contributor who has no login;
- a coordinator of the item's project decides it, but never an item that is their own, or that
  they recorded, last changed or submitted (separation of duties).
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Select, or_, select

from tracker.audit import services as audit
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.dates import utc_now
from tracker.errors import Conflict, Forbidden, NotFound, TrackerError
from tracker.extensions import db
from tracker.lifecycle.domain import DECIDED, Action, TransitionRefused, is_editable, next_status
from tracker.lifecycle.kinds import KINDS, ItemKind, info_of
from tracker.projects.models import Project, ProjectMember
from tracker.projects.services import coordinated_project_ids_query, coordinates


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


def visible_query(user: User, kind: ItemKind) -> Select[Any]:
    """Items of one kind that `user` may see: contributors their own and what they recorded;
    coordinators their projects'; finance what is payable (decided); admin everything."""
    model = KINDS[kind].model
    if user.has_role("admin"):
        return select(model)
    conditions = [
        model.contributor_id.in_(select(Contributor.id).where(Contributor.user_id == user.id)),
        model.recorded_by_id == user.id,
    ]
    if user.has_role("coordinator"):
        conditions.append(model.project_id.in_(coordinated_project_ids_query(user)))
    if user.has_role("finance"):
        conditions.append(getattr(model, KINDS[kind].payment_status).in_(DECIDED))
    return select(model).where(or_(*conditions))


def get_visible(user: User, kind: ItemKind, item_id: int) -> Any:
    """One item that `user` may see, or NotFound (the same answer whether or not it exists)."""
    model = KINDS[kind].model
    item = db.session.scalar(visible_query(user, kind).where(model.id == item_id))
    if item is None:
        raise NotFound(KINDS[kind].not_found)
    return item


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


def check_can_change(actor: User, item: Any) -> None:
    """Only its contributor or recorder changes an item, and only while it is a draft or sent
    back; approved work never changes."""
    check_can_act_for(actor, item)
    if not is_editable(item.status):
        raise Conflict("Only a draft, or one sent back to you, can be changed.")


def check_can_record(actor: User, contributor_id: int, project_id: int) -> None:
    """Contributors record for themselves; coordinators for members of their projects."""
    contributor = db.session.get(Contributor, contributor_id)
    member = db.session.get(ProjectMember, (project_id, contributor_id))
    if contributor is None or member is None:
        raise TrackerError(
            "Choose a project that this person is part of.",
            fields={"project_id": "Choose one of their projects"},
        )
    if contributor.user_id == actor.id or coordinates(actor, project_id):
        return
    raise NotFound("That contributor was not found.")


def whose_and_where(
    contributor_id: int | None, project_id: int | None, *, who: str
) -> dict[str, str]:
    """The first checks of any item's details: whose it is (`who` asks for it) and a project
    that exists. Per-field messages, to add the kind's own to."""
    fields: dict[str, str] = {}
    if contributor_id is None:
        fields["contributor_id"] = who
    if project_id is None or db.session.get(Project, project_id) is None:
        fields["project_id"] = "Choose a project"
    return fields


def create_item(
    actor: User, model: type[Any], values: dict[str, Any], *, private: frozenset[str]
) -> Any:
    """Save a checked draft for the contributor; it remembers who recorded it. `private`
    fields (free text) are kept out of the audit trail."""
    check_can_record(actor, values["contributor_id"], values["project_id"])
    item = model(recorded_by_id=actor.id, last_changed_by_id=actor.id, status="draft", **values)
    audit.add_and_record(
        actor,
        item,
        f"{info_of(item).kind}.created",
        {k: (None, v) for k, v in values.items() if k not in private},
    )
    return item


def save_changes(
    actor: User, item: Any, values: dict[str, Any], *, private: frozenset[str]
) -> None:
    """Apply checked values to an item that `check_can_change` allowed, and audit what changed.
    Whoever changes it may no longer decide it."""
    check_can_record(actor, item.contributor_id, values["project_id"])
    changes = audit.diff(item, values)
    if changes:
        # A change of private text alone is still recorded, without the text.
        mark_changed(item, actor)
        db.session.flush()
        audit.record_action(
            actor,
            f"{info_of(item).kind}.updated",
            item.id,
            {k: v for k, v in changes.items() if k not in private},
        )


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
    changes: dict[str, tuple[Any, Any]] | None = None,
    payment: bool = False,
) -> None:
    """Change the item's status by `action` (or raise Conflict with a plain reason), and audit.

    `payment=True` moves the money side: for a reimbursed adaptation that is `payment_status`.
    """
    info = info_of(item)
    field = info.payment_status if payment else "status"
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
    audit.record_action(
        actor, f"{info.kind}.{action}", item.id, {field: (before, target), **(changes or {})}
    )
