"""API: the token's own user (/me) and user accounts (admin)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tracker.api import bp
from tracker.api.common import json_body, paginate
from tracker.api.spec import BOOLEAN, ID, NULLABLE_ID, STRING, component, obj, operation
from tracker.auth import services as auth
from tracker.auth.access import SIGNED_IN, access
from tracker.auth.models import ROLES, User
from tracker.contributors import services as contributors
from tracker.extensions import db
from tracker.security import acting_user

ROLE_LIST = {"type": "array", "items": {"type": "string", "enum": list(ROLES)}}

ME = component(
    "Me",
    obj(
        {
            "id": ID,
            "email": STRING,
            "name": STRING,
            "roles": ROLE_LIST,
            "contributor_id": NULLABLE_ID,
        }
    ),
)
USER = component(
    "User",
    obj(
        {
            "id": ID,
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "name": {"type": "string", "maxLength": 120},
            "roles": ROLE_LIST,
            "password": {"type": "string", "minLength": auth.MIN_PASSWORD_LENGTH},
            "active": {**BOOLEAN, "default": True},
        },
        required=("email", "name", "roles", "password"),
        read_only=("id",),
        write_only=("password",),
    ),
)


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.display_name,
        "roles": sorted(user.roles),
        "active": user.active,
    }


@bp.get("/me")
@access(SIGNED_IN)
@operation("The user behind the token, their roles and contributor id", response=ME)
def me() -> Any:
    user = acting_user()
    contributor = contributors.contributor_for_user(user)
    return {
        "id": user.id,
        "email": user.email,
        "name": user.display_name,
        "roles": sorted(user.roles),
        "contributor_id": contributor.id if contributor else None,
    }


@bp.get("/users")
@access("admin")
@operation("List user accounts", response=USER, paginated=True)
def list_users() -> Any:
    query = select(User).order_by(User.display_name, User.email, User.id)
    return paginate(query, user_json)


@bp.post("/users")
@access("admin")
@operation("Create a user account", request=USER, response=USER, status=201)
def create_user() -> Any:
    body = json_body(message="Check the account details.")
    email = body.text("email", max_length=254)
    name = body.text("name", max_length=120)
    password = body.text("password", max_length=1024)
    roles = body.text_list("roles", ROLES)
    active = body.boolean("active", default=True)
    if len(auth.normalise_email(email)) > 254:  # some letters grow when lower-cased
        body.reject("email", "Enter 254 characters or fewer")
    body.check()
    actor = acting_user()
    user = auth.create_user(
        actor=actor, email=email, display_name=name, password=password, roles=roles
    )
    if not active:
        # create_user makes active accounts; switching it off is a second, audited change.
        auth.update_user(actor=actor, user=user, display_name=name, roles=roles, active=False)
    db.session.commit()
    return user_json(user), 201
