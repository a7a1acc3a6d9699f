"""API: activity types, funds and their funder members, projects and their members."""

from __future__ import annotations

from typing import Any

from tracker.api import bp
from tracker.api.common import iso, json_body, paginate
from tracker.api.spec import (
    BOOLEAN,
    DATE,
    ID,
    ID_LIST,
    NULLABLE_DATE,
    component,
    enum,
    obj,
    operation,
)
from tracker.auth.access import SIGNED_IN, access
from tracker.extensions import db
from tracker.projects import services as projects
from tracker.projects.models import PROJECT_STATUSES, ActivityType, Fund, Project
from tracker.security import acting_user

ACTIVITY_TYPE = component(
    "ActivityType",
    obj(
        {
            "id": ID,
            "name": {"type": "string", "maxLength": 100},
            "paid": {**BOOLEAN, "default": True},
            "active": {**BOOLEAN, "default": True},
        },
        required=("name",),
        read_only=("id",),
    ),
)
FUND = component(
    "Fund",
    obj(
        {
            "id": ID,
            "name": {"type": "string", "maxLength": 200},
            "funder_organisation": {"type": "string", "maxLength": 200},
            "reference": {"type": "string", "maxLength": 100, "default": ""},
        },
        required=("name", "funder_organisation"),
        read_only=("id",),
    ),
)
FUND_MEMBER = component(
    "FundMember",
    obj({"fund_id": ID, "user_id": ID}, required=("user_id",), read_only=("fund_id",)),
)
PROJECT = component(
    "Project",
    obj(
        {
            "id": ID,
            "name": {"type": "string", "maxLength": 200},
            "code": {"type": "string", "maxLength": 20, "example": "PEER-01"},
            "fund_ids": ID_LIST,
            "start_date": DATE,
            "end_date": NULLABLE_DATE,
            "status": {**enum(*PROJECT_STATUSES), "default": "active"},
        },
        required=("name", "code", "start_date"),
        read_only=("id",),
    ),
)
PROJECT_MEMBER = component(
    "ProjectMember",
    {
        "description": "Either a contributor, or a user with the role coordinator.",
        "oneOf": [
            obj({"project_id": ID, "contributor_id": ID}, required=("contributor_id",)),
            obj(
                {"project_id": ID, "user_id": ID, "role": enum("coordinator")},
                required=("user_id", "role"),
            ),
        ],
    },
)


def activity_type_json(activity: ActivityType) -> dict[str, Any]:
    return {
        "id": activity.id,
        "name": activity.name,
        "paid": activity.paid,
        "active": activity.active,
    }


def fund_json(fund: Fund) -> dict[str, Any]:
    return {
        "id": fund.id,
        "name": fund.name,
        "funder_organisation": fund.funder_organisation,
        "reference": fund.reference,
    }


def project_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "code": project.code,
        "fund_ids": sorted(fund.id for fund in project.funds),
        "start_date": iso(project.start_date),
        "end_date": iso(project.end_date),
        "status": project.status,
    }


# --- activity types ---------------------------------------------------------------------------


@bp.get("/activity-types")
@access(SIGNED_IN)
@operation("List activity types", response=ACTIVITY_TYPE, paginated=True)
def list_activity_types() -> Any:
    return paginate(projects.activity_types_query(), activity_type_json)


@bp.post("/activity-types")
@access("admin")
@operation("Create an activity type", request=ACTIVITY_TYPE, response=ACTIVITY_TYPE, status=201)
def create_activity_type() -> Any:
    body = json_body(message="Check the activity type.")
    name = body.text("name", max_length=100)
    paid = body.boolean("paid", default=True)
    active = body.boolean("active", default=True)
    body.check()
    activity = projects.save_activity_type(
        actor=acting_user(), activity=None, name=name, paid=paid, active=active
    )
    db.session.commit()
    return activity_type_json(activity), 201


# --- funds ------------------------------------------------------------------------------------


@bp.get("/funds")
@access("admin", "finance", "funder")
@operation("List funds (a funder sees their own)", response=FUND, paginated=True)
def list_funds() -> Any:
    return paginate(projects.visible_funds_query(acting_user()), fund_json)


@bp.post("/funds")
@access("admin")
@operation("Create a fund", request=FUND, response=FUND, status=201)
def create_fund() -> Any:
    body = json_body(message="Check the fund details.")
    name = body.text("name")
    funder_organisation = body.text("funder_organisation")
    reference = body.text("reference", required=False, max_length=100)
    body.check()
    fund = projects.save_fund(
        actor=acting_user(),
        fund=None,
        name=name,
        funder_organisation=funder_organisation,
        reference=reference,
    )
    db.session.commit()
    return fund_json(fund), 201


@bp.post("/funds/<id:fund_id>/members")
@access("admin")
@operation("Link a funder user to a fund", request=FUND_MEMBER, response=FUND_MEMBER, status=201)
def add_fund_member(fund_id: int) -> Any:
    body = json_body(message="Check the member details.")
    user_id = body.ident("user_id")
    body.check()
    actor = acting_user()
    fund = projects.get_visible_fund(actor, fund_id)
    user = projects.chosen_user(user_id)
    projects.add_fund_member(actor=actor, fund=fund, user=user)
    db.session.commit()
    return {"fund_id": fund.id, "user_id": user.id}, 201


# --- projects ---------------------------------------------------------------------------------


@bp.get("/projects")
@access(SIGNED_IN)
@operation("List the projects you may see", response=PROJECT, paginated=True)
def list_projects() -> Any:
    return paginate(projects.visible_projects_query(acting_user()), project_json)


@bp.post("/projects")
@access("admin")
@operation("Create a project", request=PROJECT, response=PROJECT, status=201)
def create_project() -> Any:
    body = json_body(message="Check the project details.")
    name = body.text("name")
    code = body.text("code", max_length=20)
    start_date = body.date("start_date")
    end_date = body.date("end_date", required=False)
    status = body.choice("status", PROJECT_STATUSES, required=False) or "active"
    fund_ids = body.id_list("fund_ids")
    if len(code.strip().upper()) > 20:  # some letters grow when upper-cased (ß -> SS)
        body.reject("code", "Enter 20 characters or fewer")
    body.check()
    project = projects.create_project(
        actor=acting_user(),
        name=name,
        code=code,
        start_date=start_date,
        end_date=end_date,
        status=status,
        fund_ids=fund_ids,
    )
    db.session.commit()
    return project_json(project), 201


@bp.get("/projects/<id:project_id>")
@access(SIGNED_IN)
@operation("One project you may see", response=PROJECT)
def get_project(project_id: int) -> Any:
    return project_json(projects.get_visible_project(acting_user(), project_id))


@bp.post("/projects/<id:project_id>/members")
@access("admin", "coordinator")
@operation(
    "Add a contributor or a coordinator to a project",
    description="Admin adds either. A coordinator adds contributors they already see to "
    "projects they coordinate.",
    request=PROJECT_MEMBER,
    response=PROJECT_MEMBER,
    status=201,
)
def add_project_member(project_id: int) -> Any:
    body = json_body(message="Check the member details.")
    contributor_id = coordinator_id = None
    if body.has("contributor_id"):
        contributor_id = body.ident("contributor_id")
        if body.has("user_id") or body.has("role"):
            body.reject("contributor_id", "Give a contributor_id, or a user_id with a role")
    else:
        coordinator_id = body.ident("user_id")
        body.choice("role", ("coordinator",))
    body.check()
    actor = acting_user()
    project = projects.get_visible_project(actor, project_id)
    projects.add_project_member(
        actor=actor, project=project, contributor_id=contributor_id, coordinator_id=coordinator_id
    )
    db.session.commit()
    if contributor_id is not None:
        return {"project_id": project.id, "contributor_id": contributor_id}, 201
    return {"project_id": project.id, "user_id": coordinator_id, "role": "coordinator"}, 201
