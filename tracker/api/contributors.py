"""API: contributors, with or without a login (coordinators and admin)."""

from __future__ import annotations

from typing import Any

from tracker.api import bp
from tracker.api.common import field_names, json_body, paginate_batch
from tracker.api.spec import (
    BOOLEAN,
    ID,
    ID_LIST,
    NULLABLE_ID,
    STRING,
    component,
    enum,
    obj,
    operation,
)
from tracker.auth.access import access
from tracker.contributors import services as contributors
from tracker.contributors.models import PAYMENT_METHODS, Contributor
from tracker.extensions import db
from tracker.projects import services as projects
from tracker.security import acting_user

FEE_CHOICES = ("accept", "decline")
# The service's names for fields that the API calls something else.
API_NAMES = {"default_fee_choice": "fee_choice"}

CONTRIBUTOR = component(
    "Contributor",
    obj(
        {
            "id": ID,
            "reference": {**STRING, "example": "C00042"},
            "user_id": NULLABLE_ID,
            "preferred_name": {"type": "string", "maxLength": 120},
            "payment_method": enum(*PAYMENT_METHODS, nullable=True),
            "fee_choice": {**enum(*FEE_CHOICES), "default": "accept"},
            "benefits_warnings": {**BOOLEAN, "default": False},
            "project_ids": {
                **ID_LIST,
                "description": "Projects to join. Coordinators must name at least one of the "
                "projects they coordinate. Reading, you see the projects you may see.",
            },
        },
        required=("preferred_name",),
        read_only=("id", "reference"),
    ),
)


def contributors_json(rows: list[Contributor]) -> list[dict[str, Any]]:
    project_ids = projects.project_ids_by_contributor(acting_user(), [c.id for c in rows])
    return [
        {
            "id": c.id,
            "reference": c.reference,
            "user_id": c.user_id,
            "preferred_name": c.preferred_name,
            "payment_method": c.payment_method,
            "fee_choice": c.default_fee_choice,
            "benefits_warnings": c.benefits_warnings,
            "project_ids": project_ids[c.id],
        }
        for c in rows
    ]


@bp.get("/contributors")
@access("coordinator", "admin")
@operation("List the contributors you may see", response=CONTRIBUTOR, paginated=True)
def list_contributors() -> Any:
    return paginate_batch(contributors.visible_contributors_query(acting_user()), contributors_json)


@bp.post("/contributors")
@access("coordinator", "admin")
@operation(
    "Create a contributor, with or without a login",
    description="Coordinators add contributors to projects they coordinate (`project_ids`). "
    "Only an administrator may link a login (`user_id`); anyone else gets 403.",
    request=CONTRIBUTOR,
    response=CONTRIBUTOR,
    status=201,
)
def create_contributor() -> Any:
    body = json_body(message="Check the contributor's details.")
    preferred_name = body.text("preferred_name", max_length=120)
    user_id = body.ident("user_id", required=False)
    payment_method = body.choice("payment_method", PAYMENT_METHODS, required=False)
    fee_choice = body.choice("fee_choice", FEE_CHOICES, required=False) or "accept"
    benefits_warnings = body.boolean("benefits_warnings")
    project_ids = body.id_list("project_ids")
    body.check()
    with field_names(API_NAMES):
        contributor = contributors.create_contributor(
            actor=acting_user(),
            preferred_name=preferred_name,
            user_id=user_id,
            payment_method=payment_method,
            default_fee_choice=fee_choice,
            benefits_warnings=benefits_warnings,
            project_ids=project_ids,
        )
    db.session.commit()
    return contributors_json([contributor])[0], 201
