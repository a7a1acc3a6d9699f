"""Contributors: creating and updating them, and who may see whom."""

from __future__ import annotations

from sqlalchemy import Select, delete, or_, select

from tracker.audit.services import record_action, update_and_record
from tracker.auth.models import User
from tracker.contributors.models import (
    ACCESS_NEEDS,
    CONTRIBUTOR_STATUSES,
    PAYMENT_METHODS,
    AccessNeed,
    Contributor,
    ContributorThreshold,
)
from tracker.errors import Conflict, Forbidden, NotFound, TrackerError
from tracker.extensions import db
from tracker.projects.models import Project, ProjectCoordinator, ProjectMember
from tracker.rates.models import Threshold


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


def visible_contributors_query(user: User) -> Select[Contributor]:
    """The contributors this user may see, ordered by name (for paginated lists)."""
    return (
        select(Contributor)
        .where(Contributor.id.in_(visible_contributor_ids_query(user)))
        .order_by(Contributor.preferred_name, Contributor.id)
    )


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


def contributor_projects(*, contributor_id: int, viewer: User) -> list[Project]:
    """The contributor's projects that `viewer` manages: all for admin, their own otherwise."""
    query = (
        select(Project)
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.contributor_id == contributor_id)
        .order_by(Project.name)
    )
    if not viewer.has_role("admin"):
        query = query.where(
            Project.id.in_(
                select(ProjectCoordinator.project_id).where(ProjectCoordinator.user_id == viewer.id)
            )
        )
    return list(db.session.scalars(query))


def linked_user_ids() -> set[int]:
    """Accounts already linked to a contributor (an account links to at most one)."""
    return set(
        db.session.scalars(select(Contributor.user_id).where(Contributor.user_id.is_not(None)))
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
    """A contributor, with or without a login. Coordinators may add them to their own projects;
    only an administrator links a login (a login is who may see and change their payments)."""
    if user_id is not None and not actor.has_role("admin"):
        raise Forbidden("Only an administrator can link a contributor to an account.")
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
    record_action(
        actor,
        "contributor.created",
        contributor.id,
        {"user_id": (None, user_id), "project_ids": (None, project_ids)},
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
    update_and_record(actor, contributor, "contributor.updated", values)
    return contributor


# --- access needs and benefit warnings ----------------------------------------------------------

MAX_NEED_DETAIL = 200


def _check_can_change_needs(actor: User, contributor: Contributor) -> None:
    """The contributor, a coordinator of one of their projects, or an administrator."""
    if contributor.user_id == actor.id or actor.has_role("admin"):
        return
    if actor.has_role("coordinator") and db.session.scalar(
        select(ProjectMember.contributor_id)
        .join(ProjectCoordinator, ProjectCoordinator.project_id == ProjectMember.project_id)
        .where(
            ProjectCoordinator.user_id == actor.id, ProjectMember.contributor_id == contributor.id
        )
        .limit(1)
    ):
        return
    raise Forbidden("Only the contributor, their coordinator or an administrator can change this.")


def set_access_needs(*, actor: User, contributor: Contributor, needs: dict[str, str]) -> None:
    """Replace the contributor's access needs: what they need (a short detail each), never why.

    The audit trail records that the needs changed and how many there are, never which or the
    detail text: it is kept for years and cannot be anonymised.
    """
    _check_can_change_needs(actor, contributor)
    fields: dict[str, str] = {}
    wanted: dict[str, str] = {}
    for need, detail in needs.items():
        if need not in ACCESS_NEEDS:
            fields["needs"] = "Choose from the list"
            continue
        text = " ".join((detail or "").replace("\x00", "").split())
        if len(text) > MAX_NEED_DETAIL:
            fields[f"detail_{need}"] = f"Keep this to {MAX_NEED_DETAIL} characters or fewer"
        wanted[need] = text
    if fields:
        raise TrackerError("Check what you entered.", fields=fields)
    current = {row.need: row for row in contributor.access_needs}
    before = {need: row.detail for need, row in current.items()}
    if before == wanted:
        return
    for need, row in current.items():
        if need not in wanted:
            contributor.access_needs.remove(row)
        else:
            row.detail = wanted[need]
    for need in ACCESS_NEEDS:
        if need in wanted and need not in current:
            contributor.access_needs.append(AccessNeed(need=need, detail=wanted[need]))
    db.session.flush()
    changes: dict[str, tuple[object, object]] = {"access_needs": (len(before), len(wanted))}
    if any(before.get(need, "") != detail for need, detail in wanted.items()):
        changes["detail"] = ("", "")  # recorded as "(personal detail)", never the text
    record_action(actor, "contributor.access_needs_changed", contributor.id, changes)


def chosen_threshold_labels(contributor_id: int) -> set[str]:
    return set(
        db.session.scalars(
            select(ContributorThreshold.threshold_label).where(
                ContributorThreshold.contributor_id == contributor_id
            )
        )
    )


def set_benefit_warnings(
    *, actor: User, contributor: Contributor, enabled: bool, labels: list[str]
) -> None:
    """Turn benefit warnings on (for the chosen benefits thresholds) or off (forgetting them).

    The audit trail records the switch and how many thresholds, not their names: the names
    would say which benefits the person gets.
    """
    _check_can_change_needs(actor, contributor)
    chosen = set(labels) if enabled else set()
    if enabled:
        known = set(
            db.session.scalars(select(Threshold.label).where(Threshold.purpose == "benefits"))
        )
        if not chosen <= known:
            raise TrackerError(
                "Choose limits from the list.", fields={"thresholds": "Choose from the list"}
            )
        if not chosen:
            raise TrackerError(
                "Choose at least one limit to be warned about, or choose no warnings.",
                fields={"thresholds": "Choose at least one limit, or no warnings"},
            )
    before = chosen_threshold_labels(contributor.id)
    was_enabled = contributor.benefits_warnings
    if before == chosen and was_enabled == enabled:
        return
    if before - chosen:
        db.session.execute(
            delete(ContributorThreshold).where(
                ContributorThreshold.contributor_id == contributor.id,
                ContributorThreshold.threshold_label.in_(before - chosen),
            )
        )
    for label in sorted(chosen - before):
        db.session.add(ContributorThreshold(contributor_id=contributor.id, threshold_label=label))
    contributor.benefits_warnings = enabled
    db.session.flush()
    record_action(
        actor,
        "contributor.benefit_warnings_changed",
        contributor.id,
        {
            "benefits_warnings": (was_enabled, enabled),
            "thresholds_chosen": (len(before), len(chosen)),
        },
    )
