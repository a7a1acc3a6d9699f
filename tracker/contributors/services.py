"""Contributors: creating and updating them, and who may see whom."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from tracker.audit.services import diff, record
from tracker.auth.models import User
from tracker.contributors.models import (
    CONTRIBUTOR_STATUSES,
    PAYMENT_METHODS,
    Contributor,
)
from tracker.errors import Conflict, Forbidden, NotFound, TrackerError
from tracker.extensions import db
from tracker.projects.models import Project, ProjectCoordinator, ProjectMember


def visible_contributor_ids_query(user: User) -> Select[int]:
    """Admin and finance see everyone; coordinators their projects' members; others themselves."""
    if user.has_role("admin", "finance"):
        return select(Contributor.id)
    conditions = [Contributor.user_id == user.id]
    if user.has_role("coordinator"):
        conditions.append(
            Contributor.id.in_(
                select(ProjectMember.contributor_id)
                .join(
                    ProjectCoordinator,
                    ProjectCoordinator.project_id == ProjectMember.project_id,
                )
                .where(ProjectCoordinator.user_id == user.id)
            )
        )
    return select(Contributor.id).where(or_(*conditions))


def visible_contributors(user: User, *, others_only: bool = False) -> list[Contributor]:
    query = select(Contributor).where(Contributor.id.in_(visible_contributor_ids_query(user)))
    if others_only:
        query = query.where(or_(Contributor.user_id.is_(None), Contributor.user_id != user.id))
    return list(db.session.scalars(query.order_by(Contributor.preferred_name)))


def get_visible_contributor(user: User, contributor_id: int) -> Contributor:
    contributor = db.session.scalar(
        select(Contributor).where(
            Contributor.id == contributor_id,
            Contributor.id.in_(visible_contributor_ids_query(user)),
        )
    )
    if contributor is None:
        raise NotFound("That contributor was not found.")
    return contributor


def contributor_for_user(user: User) -> Contributor | None:
    return db.session.scalar(select(Contributor).where(Contributor.user_id == user.id))


def contributor_project_ids(contributor_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(ProjectMember.project_id).where(ProjectMember.contributor_id == contributor_id)
        )
    )


def _check_fields(
    *, preferred_name: str, payment_method: str | None, default_fee_choice: str, status: str
) -> None:
    fields = {}
    if not preferred_name.strip():
        fields["preferred_name"] = "Enter the name they would like us to use"
    if payment_method and payment_method not in PAYMENT_METHODS:
        fields["payment_method"] = "Choose how they would like to be paid"
    if default_fee_choice not in {"accept", "decline"}:
        fields["default_fee_choice"] = "Choose accept or decline"
    if status not in CONTRIBUTOR_STATUSES:
        fields["status"] = "Choose a status"
    if fields:
        raise TrackerError("Check the contributor's details.", fields=fields)


def _check_user_link(user_id: int | None, contributor_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None:
        raise TrackerError("Choose an account from the list.", fields={"user_id": "Unknown user"})
    clash = db.session.scalar(
        select(Contributor.id).where(
            Contributor.user_id == user_id, Contributor.id != (contributor_id or -1)
        )
    )
    if clash:
        raise Conflict(
            "That account is already linked to another contributor.",
            fields={"user_id": "This account is already linked"},
        )
    return user


def create_contributor(
    *,
    actor: User,
    preferred_name: str,
    user_id: int | None = None,
    contact: str = "",
    payment_method: str | None = None,
    default_fee_choice: str = "accept",
    benefits_warnings: bool = False,
    project_ids: list[int] | None = None,
) -> Contributor:
    """A contributor, with or without a login. Coordinators may add them to their own projects."""
    _check_fields(
        preferred_name=preferred_name,
        payment_method=payment_method,
        default_fee_choice=default_fee_choice,
        status="active",
    )
    _check_user_link(user_id, None)
    project_ids = sorted(set(project_ids or []))
    _check_can_manage_projects(actor, project_ids)
    if not actor.has_role("admin") and not project_ids:
        raise TrackerError(
            "Choose at least one of your projects.", fields={"project_ids": "Choose a project"}
        )
    contributor = Contributor(
        preferred_name=preferred_name.strip(),
        user_id=user_id,
        reference="pending",
        contact=contact.strip(),
        payment_method=payment_method or None,
        default_fee_choice=default_fee_choice,
        benefits_warnings=benefits_warnings,
    )
    db.session.add(contributor)
    db.session.flush()
    contributor.reference = f"C{contributor.id:05d}"
    for project_id in project_ids:
        db.session.add(ProjectMember(project_id=project_id, contributor_id=contributor.id))
    db.session.flush()
    record(
        actor=actor,
        action="contributor.created",
        entity_type="contributor",
        entity_id=contributor.id,
        changes={"user_id": (None, user_id), "project_ids": (None, project_ids)},
    )
    return contributor


def _check_can_manage_projects(actor: User, project_ids: list[int]) -> None:
    known = set(db.session.scalars(select(Project.id).where(Project.id.in_(project_ids))))
    if known != set(project_ids):
        raise TrackerError("Choose projects from the list.", fields={"project_ids": "Unknown"})
    if actor.has_role("admin"):
        return
    mine = set(
        db.session.scalars(
            select(ProjectCoordinator.project_id).where(ProjectCoordinator.user_id == actor.id)
        )
    )
    if not set(project_ids) <= mine:
        raise Forbidden("You can only add contributors to projects you coordinate.")


def update_contributor(
    *,
    actor: User,
    contributor: Contributor,
    preferred_name: str,
    contact: str,
    payment_method: str | None,
    default_fee_choice: str,
    benefits_warnings: bool,
    status: str,
    user_id: int | None = None,
    change_user_link: bool = False,
) -> Contributor:
    """Update details; only admin may change which account a contributor is linked to."""
    _check_fields(
        preferred_name=preferred_name,
        payment_method=payment_method,
        default_fee_choice=default_fee_choice,
        status=status,
    )
    values: dict[str, object] = {
        "preferred_name": preferred_name.strip(),
        "contact": contact.strip(),
        "payment_method": payment_method or None,
        "default_fee_choice": default_fee_choice,
        "benefits_warnings": benefits_warnings,
        "status": status,
    }
    if change_user_link:
        if not actor.has_role("admin"):
            raise Forbidden("Only an administrator can link a contributor to an account.")
        _check_user_link(user_id, contributor.id)
        values["user_id"] = user_id
    changes = diff(contributor, values)
    db.session.flush()
    if changes:
        record(
            actor=actor,
            action="contributor.updated",
            entity_type="contributor",
            entity_id=contributor.id,
            changes=changes,
        )
    return contributor
