"""Projects, funds, memberships and activity types, and who may see which project."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Delete, Select, delete, or_, select
from sqlalchemy.orm import object_mapper

from tracker.audit.services import (
    add_and_record,
    diff,
    record_action,
    record_if_changed,
    update_and_record,
)
from tracker.auth.access import require_role
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.errors import Conflict, Forbidden, NotFound, TrackerError
from tracker.extensions import db
from tracker.projects.models import (
    PROJECT_STATUSES,
    ActivityType,
    Fund,
    FundMember,
    Project,
    ProjectCoordinator,
    ProjectFund,
    ProjectMember,
)

Person = TypeVar("Person", User, Contributor)

# --- visibility -------------------------------------------------------------------------------


def visible_project_ids_query(user: User) -> Select[int]:
    """The ids of the projects this user may see, as a subquery-ready select."""
    if user.has_role("admin", "finance"):
        return select(Project.id)
    conditions = []
    if user.has_role("coordinator"):
        conditions.append(
            Project.id.in_(
                select(ProjectCoordinator.project_id).where(ProjectCoordinator.user_id == user.id)
            )
        )
    if user.has_role("contributor"):
        conditions.append(
            Project.id.in_(
                select(ProjectMember.project_id)
                .join(Contributor, Contributor.id == ProjectMember.contributor_id)
                .where(Contributor.user_id == user.id)
            )
        )
    if user.has_role("funder"):
        conditions.append(
            Project.id.in_(
                select(ProjectFund.project_id)
                .join(FundMember, FundMember.fund_id == ProjectFund.fund_id)
                .where(FundMember.user_id == user.id)
            )
        )
    if not conditions:
        return select(Project.id).where(Project.id.is_(None))
    return select(Project.id).where(or_(*conditions))


def visible_projects(user: User) -> list[Project]:
    return list(
        db.session.scalars(
            select(Project)
            .where(Project.id.in_(visible_project_ids_query(user)))
            .order_by(Project.name)
        )
    )


def visible_projects_query(user: User) -> Select[Project]:
    """The projects this user may see, ordered by name (for paginated lists)."""
    return (
        select(Project)
        .where(Project.id.in_(visible_project_ids_query(user)))
        .order_by(Project.name, Project.id)
    )


def get_visible_project(user: User, project_id: int) -> Project:
    project = db.session.scalar(
        select(Project).where(
            Project.id == project_id, Project.id.in_(visible_project_ids_query(user))
        )
    )
    if project is None:
        raise NotFound("That project was not found.")
    return project


def coordinated_project_ids_query(user: User) -> Select[int]:
    """The ids of the projects this user coordinates, as a subquery-ready select."""
    return select(ProjectCoordinator.project_id).where(ProjectCoordinator.user_id == user.id)


def coordinated_project_ids(user: User) -> set[int]:
    if not user.has_role("coordinator"):
        return set()
    return set(
        db.session.scalars(
            select(ProjectCoordinator.project_id).where(ProjectCoordinator.user_id == user.id)
        )
    )


def coordinates(user: User, project_id: int) -> bool:
    return project_id in coordinated_project_ids(user)


def managed_projects(user: User) -> list[Project]:
    """The projects this user manages: all of them for admin, their own for a coordinator."""
    query = select(Project).order_by(Project.name)
    if not user.has_role("admin"):
        query = query.where(
            Project.id.in_(
                select(ProjectCoordinator.project_id).where(ProjectCoordinator.user_id == user.id)
            )
        )
    return list(db.session.scalars(query))


def get_managed_project(user: User, project_id: int) -> Project:
    """A project this user manages; NotFound otherwise, so others' projects stay unseen."""
    project = db.session.get(Project, project_id)
    if project is None or not (user.has_role("admin") or coordinates(user, project_id)):
        raise NotFound("That project was not found.")
    return project


def _check_manages(actor: User, project: Project) -> None:
    if not actor.has_role("admin") and not coordinates(actor, project.id):
        raise Forbidden("You can only change who is on projects you coordinate.")


def _people_on(
    person: type[Person], person_key: Any, owner_key: Any, owner_id: int, name: Any
) -> list[Person]:
    """The people a link table puts on one project or fund, by name."""
    return list(
        db.session.scalars(
            select(person)
            .join(person_key.class_, person_key == person.id)
            .where(owner_key == owner_id)
            .order_by(name)
        )
    )


def project_coordinators(project_id: int) -> list[User]:
    return _people_on(
        User,
        ProjectCoordinator.user_id,
        ProjectCoordinator.project_id,
        project_id,
        User.display_name,
    )


def project_members(project_id: int) -> list[Contributor]:
    return _people_on(
        Contributor,
        ProjectMember.contributor_id,
        ProjectMember.project_id,
        project_id,
        Contributor.preferred_name,
    )


# --- projects ---------------------------------------------------------------------------------


def _check_project_fields(
    project: Project | None,
    *,
    name: str,
    code: str,
    start_date: date | None,
    end_date: date | None,
    status: str,
) -> str:
    """Check a new (project=None) or changed project's details; returns its code, upper-cased,
    which no other project may use."""
    fields = {}
    if not name.strip():
        fields["name"] = "Enter the project's name"
    if not code.strip():
        fields["code"] = "Enter a short code, like PEER-01"
    if start_date is None:
        fields["start_date"] = "Enter the date the project starts"
    if start_date and end_date and end_date < start_date:
        fields["end_date"] = "The end date must be on or after the start date"
    if status not in PROJECT_STATUSES:
        fields["status"] = "Choose a status"
    if fields:
        raise TrackerError("Check the project details.", fields=fields)
    code = code.strip().upper()
    others = select(Project.id).where(Project.code == code)
    if project is not None:
        others = others.where(Project.id != project.id)
    if db.session.scalar(others):
        raise Conflict(
            "Another project already uses that code.",
            fields={"code": "This code is already in use"},
        )
    return code


def create_project(
    *,
    actor: User,
    name: str,
    code: str,
    start_date: date | None,
    end_date: date | None = None,
    status: str = "active",
    description: str = "",
    fund_ids: list[int] | None = None,
) -> Project:
    """Create a project; its code must be unique."""
    require_role(actor, "admin")
    code = _check_project_fields(
        None, name=name, code=code, start_date=start_date, end_date=end_date, status=status
    )
    assert start_date is not None
    project = Project(
        name=name.strip(),
        code=code,
        start_date=start_date,
        end_date=end_date,
        status=status,
        description=description.strip(),
    )
    project.funds = _funds(fund_ids or [])
    add_and_record(
        actor,
        project,
        "project.created",
        {
            "name": (None, project.name),
            "code": (None, code),
            "fund_ids": (None, [f.id for f in project.funds]),
        },
    )
    return project


def update_project(
    *,
    actor: User,
    project: Project,
    name: str,
    code: str,
    start_date: date | None,
    end_date: date | None,
    status: str,
    description: str,
    fund_ids: list[int],
) -> Project:
    code = _check_project_fields(
        project, name=name, code=code, start_date=start_date, end_date=end_date, status=status
    )
    changes = diff(
        project,
        {
            "name": name.strip(),
            "code": code,
            "start_date": start_date,
            "end_date": end_date,
            "status": status,
            "description": description.strip(),
        },
    )
    before = sorted(f.id for f in project.funds)
    if before != sorted(fund_ids):
        project.funds = _funds(fund_ids)
        changes["fund_ids"] = (before, sorted(fund_ids))
    record_if_changed(actor, "project.updated", project.id, changes)
    return project


def _funds(fund_ids: list[int]) -> list[Fund]:
    funds = list(db.session.scalars(select(Fund).where(Fund.id.in_(fund_ids))))
    if len(funds) != len(set(fund_ids)):
        raise TrackerError("Choose funds from the list.", fields={"fund_ids": "Unknown fund"})
    return funds


# --- who is on a project or fund ---------------------------------------------------------------

Link = FundMember | ProjectCoordinator | ProjectMember


def _check_has_role(user: User, role: str) -> None:
    if not user.has_role(role):
        raise TrackerError(
            f"{user.display_name} does not have the {role} role.",
            fields={"user_id": f"Choose a user with the {role} role"},
        )


def _add_link(
    actor: User, link: Link, action: str, entity_id: int, changes: dict[str, tuple[Any, Any]]
) -> None:
    """Add someone to a project or fund unless they are on it already, and record it."""
    key = object_mapper(link).primary_key_from_instance(link)
    if db.session.get(type(link), tuple(key)):
        return
    db.session.add(link)
    db.session.flush()
    record_action(actor, action, entity_id, changes)


def _remove_link(
    actor: User,
    statement: Delete,
    action: str,
    entity_id: int,
    changes: dict[str, tuple[Any, Any]],
) -> None:
    """Take someone off a project or fund, recording it only if they were on it."""
    result = db.session.execute(statement)
    if result.rowcount:  # type: ignore[attr-defined]
        record_action(actor, action, entity_id, changes)


def chosen_user(user_id: int | None) -> User:
    """The account chosen by id, or a TrackerError on `user_id`."""
    user = db.session.get(User, user_id)
    if user is None:
        raise TrackerError("Choose an account from the list.", fields={"user_id": "Unknown user"})
    return user


def add_coordinator(*, actor: User, project: Project, user: User) -> None:
    _check_has_role(user, "coordinator")
    _add_link(
        actor,
        ProjectCoordinator(project_id=project.id, user_id=user.id),
        "project.coordinator_added",
        project.id,
        {"coordinator_id": (None, user.id)},
    )


def remove_coordinator(*, actor: User, project: Project, user_id: int) -> None:
    _remove_link(
        actor,
        delete(ProjectCoordinator).where(
            ProjectCoordinator.project_id == project.id, ProjectCoordinator.user_id == user_id
        ),
        "project.coordinator_removed",
        project.id,
        {"coordinator_id": (user_id, None)},
    )


def add_member(*, actor: User, project: Project, contributor: Contributor) -> None:
    """Add a contributor to a project; admin, or a coordinator of that project."""
    _check_manages(actor, project)
    _add_link(
        actor,
        ProjectMember(project_id=project.id, contributor_id=contributor.id),
        "project.member_added",
        project.id,
        {"contributor_id": (None, contributor.id)},
    )


def add_project_member(
    *,
    actor: User,
    project: Project,
    contributor_id: int | None = None,
    coordinator_id: int | None = None,
) -> None:
    """Add a contributor (admin, or a coordinator of this project, who must already see the
    contributor) or a coordinator (admin only) to a project the actor can see."""
    from tracker.contributors.services import visible_contributor_ids_query

    if (contributor_id is None) == (coordinator_id is None):
        raise TrackerError(
            "Give either a contributor or a coordinator.",
            fields={"contributor_id": "Give a contributor_id, or a user_id with a role"},
        )
    if coordinator_id is not None:
        if not actor.has_role("admin"):
            raise Forbidden("Only an administrator can add a coordinator to a project.")
        add_coordinator(actor=actor, project=project, user=chosen_user(coordinator_id))
        return
    _check_manages(actor, project)
    contributor = db.session.scalar(
        select(Contributor).where(
            Contributor.id == contributor_id,
            Contributor.id.in_(visible_contributor_ids_query(actor)),
        )
    )
    if contributor is None:
        raise TrackerError(
            "Choose a contributor from the list.",
            fields={"contributor_id": "Unknown contributor"},
        )
    add_member(actor=actor, project=project, contributor=contributor)


def project_ids_by_contributor(user: User, contributor_ids: list[int]) -> dict[int, list[int]]:
    """For each contributor, the ids of their projects that this user may see (one query)."""
    found: dict[int, list[int]] = {cid: [] for cid in contributor_ids}
    rows = db.session.execute(
        select(ProjectMember.contributor_id, ProjectMember.project_id)
        .where(
            ProjectMember.contributor_id.in_(contributor_ids),
            ProjectMember.project_id.in_(visible_project_ids_query(user)),
        )
        .order_by(ProjectMember.contributor_id, ProjectMember.project_id)
    )
    for contributor_id, project_id in rows:
        found[contributor_id].append(project_id)
    return found


def remove_member(*, actor: User, project: Project, contributor_id: int) -> None:
    """Take a contributor off a project; admin, or a coordinator of that project."""
    _check_manages(actor, project)
    _remove_link(
        actor,
        delete(ProjectMember).where(
            ProjectMember.project_id == project.id, ProjectMember.contributor_id == contributor_id
        ),
        "project.member_removed",
        project.id,
        {"contributor_id": (contributor_id, None)},
    )


# --- funds ------------------------------------------------------------------------------------


def visible_funds_query(user: User) -> Select[Fund]:
    """Admin and finance see every fund; a funder sees the funds they are linked to."""
    query = select(Fund).order_by(Fund.name, Fund.id)
    if not user.has_role("admin", "finance"):
        query = query.join(FundMember, FundMember.fund_id == Fund.id).where(
            FundMember.user_id == user.id
        )
    return query


def visible_funds(user: User) -> list[Fund]:
    return list(db.session.scalars(visible_funds_query(user)))


def get_visible_fund(user: User, fund_id: int) -> Fund:
    fund = db.session.scalar(visible_funds_query(user).where(Fund.id == fund_id))
    if fund is None:
        raise NotFound("That fund was not found.")
    return fund


def save_fund(
    *, actor: User, fund: Fund | None, name: str, funder_organisation: str, reference: str
) -> Fund:
    """Create a fund (fund=None) or update one."""
    require_role(actor, "admin")
    fields = {}
    if not name.strip():
        fields["name"] = "Enter the fund's name"
    if not funder_organisation.strip():
        fields["funder_organisation"] = "Enter the funder's name"
    if fields:
        raise TrackerError("Check the fund details.", fields=fields)
    values = {
        "name": name.strip(),
        "funder_organisation": funder_organisation.strip(),
        "reference": reference.strip(),
    }
    if fund is None:
        fund = Fund(**values)
        add_and_record(actor, fund, "fund.created", {k: (None, v) for k, v in values.items()})
        return fund
    update_and_record(actor, fund, "fund.updated", values)
    return fund


def fund_members(fund_id: int) -> list[User]:
    return _people_on(User, FundMember.user_id, FundMember.fund_id, fund_id, User.display_name)


def add_fund_member(*, actor: User, fund: Fund, user: User) -> None:
    require_role(actor, "admin")
    _check_has_role(user, "funder")
    _add_link(
        actor,
        FundMember(fund_id=fund.id, user_id=user.id),
        "fund.member_added",
        fund.id,
        {"user_id": (None, user.id)},
    )


def remove_fund_member(*, actor: User, fund: Fund, user_id: int) -> None:
    require_role(actor, "admin")
    _remove_link(
        actor,
        delete(FundMember).where(FundMember.fund_id == fund.id, FundMember.user_id == user_id),
        "fund.member_removed",
        fund.id,
        {"user_id": (user_id, None)},
    )


# --- activity types ---------------------------------------------------------------------------


def activity_types_query(*, include_inactive: bool = True) -> Select[ActivityType]:
    query = select(ActivityType).order_by(ActivityType.name, ActivityType.id)
    if not include_inactive:
        query = query.where(ActivityType.active.is_(True))
    return query


def list_activity_types(*, include_inactive: bool = True) -> list[ActivityType]:
    return list(db.session.scalars(activity_types_query(include_inactive=include_inactive)))


def save_activity_type(
    *, actor: User, activity: ActivityType | None, name: str, paid: bool, active: bool = True
) -> ActivityType:
    """Create (activity=None) or update an activity type; names are unique."""
    require_role(actor, "admin")
    name = name.strip()
    if not name:
        raise TrackerError("Enter a name.", fields={"name": "Enter a name, like Meeting"})
    clash = db.session.scalar(
        select(ActivityType.id).where(
            ActivityType.name == name,
            ActivityType.id != (activity.id if activity else -1),
        )
    )
    if clash:
        raise Conflict(
            "An activity with that name already exists.",
            fields={"name": "This name is already in use"},
        )
    if activity is None:
        activity = ActivityType(name=name, paid=paid, active=active)
        add_and_record(
            actor, activity, "activity_type.created", {"name": (None, name), "paid": (None, paid)}
        )
        return activity
    update_and_record(
        actor, activity, "activity_type.updated", {"name": name, "paid": paid, "active": active}
    )
    return activity
