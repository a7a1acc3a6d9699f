"""Attack 4: a coordinator links somebody's login to a contributor record.

A linked login is who sees that contributor's payments and can change their details, so only an
administrator links one, on the web and through the API.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.api_support import bearer, error_of
from tests.conftest import sign_in
from tests.factories import make_project, make_user
from tracker.contributors.models import Contributor
from tracker.extensions import db


@pytest.mark.parametrize("target", ["admin", "finance", "themselves", "contributor"])
def test_coordinator_cannot_link_a_login_through_the_api(client: FlaskClient, target: str) -> None:
    coordinator = make_user("coordinator")
    project = make_project(coordinators=[coordinator])
    user = coordinator if target == "themselves" else make_user(target)
    refused = client.post(
        "/api/v1/contributors",
        headers=bearer(coordinator),
        json={"preferred_name": "Linked", "user_id": user.id, "project_ids": [project.id]},
    )
    assert error_of(refused, 403)["message"] == (
        "Only an administrator can link a contributor to an account."
    )
    assert db.session.query(Contributor).filter_by(user_id=user.id).count() == 0


def test_coordinator_form_ignores_a_smuggled_user_id(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    project = make_project(coordinators=[coordinator])
    victim = make_user("finance")
    sign_in(client, coordinator.email)
    client.post(
        "/admin/contributors/new",
        data={
            "preferred_name": "Smuggled",
            "user_id": str(victim.id),
            "payment_method": "none",
            "default_fee_choice": "accept",
            "benefits_warnings": "no",
            "project_ids": [str(project.id)],
        },
    )
    made = db.session.query(Contributor).filter_by(preferred_name="Smuggled").one()
    assert made.user_id is None


def test_admin_links_a_login(client: FlaskClient) -> None:
    admin = make_user("admin")
    person = make_user("contributor")
    made = client.post(
        "/api/v1/contributors",
        headers=bearer(admin),
        json={"preferred_name": "Linked", "user_id": person.id},
    )
    assert made.status_code == 201, made.text
    assert made.json["user_id"] == person.id
