"""API: activity types, funds, projects and their members."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.api_support import bearer, error_of
from tests.factories import make_activity, make_contributor, make_fund, make_project, make_user
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.projects import services as projects
from tracker.projects.models import ActivityType, Fund, Project

# --- activity types ---------------------------------------------------------------------------


def test_anyone_signed_in_reads_activity_types(client: FlaskClient) -> None:
    meeting = make_activity("Meeting")
    make_activity("Training", paid=False)
    body = client.get("/api/v1/activity-types", headers=bearer(make_user("funder"))).json
    assert body["items"][0] == {"id": meeting.id, "name": "Meeting", "paid": True, "active": True}
    assert [(i["name"], i["paid"]) for i in body["items"]] == [
        ("Meeting", True),
        ("Training", False),
    ]


def test_admin_creates_activity_types_and_names_are_unique(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    response = client.post(
        "/api/v1/activity-types", headers=headers, json={"name": "Interview panel", "paid": False}
    )
    assert response.status_code == 201
    assert response.json["name"] == "Interview panel" and response.json["paid"] is False
    stored = db.session.get(ActivityType, response.json["id"])
    assert stored is not None and stored.paid is False
    again = client.post("/api/v1/activity-types", headers=headers, json={"name": "Interview panel"})
    assert error_of(again, 409)["fields"] == {"name": "This name is already in use"}
    blank = client.post("/api/v1/activity-types", headers=headers, json={"name": "  "})
    assert error_of(blank, 422)["fields"] == {"name": "This field is required"}


# --- funds ------------------------------------------------------------------------------------


def test_funders_see_only_their_own_funds(client: FlaskClient) -> None:
    funder = make_user("funder")
    mine = make_fund(members=[funder], name="Mine")
    make_fund(name="Theirs")
    body = client.get("/api/v1/funds", headers=bearer(funder)).json
    assert body["total"] == 1
    assert body["items"] == [
        {
            "id": mine.id,
            "name": "Mine",
            "funder_organisation": "A Foundation",
            "reference": "REF",
        }
    ]
    for role in ["admin", "finance"]:
        assert client.get("/api/v1/funds", headers=bearer(make_user(role))).json["total"] == 2
    for role in ["coordinator", "contributor"]:
        error_of(client.get("/api/v1/funds", headers=bearer(make_user(role))), 403)


def test_admin_creates_a_fund(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    body = {"name": "Lived Experience Fund", "funder_organisation": "The Trust"}
    response = client.post("/api/v1/funds", headers=headers, json=body)
    assert response.status_code == 201
    assert response.json == {**body, "id": response.json["id"], "reference": ""}
    assert db.session.get(Fund, response.json["id"]) is not None
    error = error_of(client.post("/api/v1/funds", headers=headers, json={"name": ""}), 422)
    assert set(error["fields"]) == {"name", "funder_organisation"}
    finance = bearer(make_user("finance"))
    error_of(client.post("/api/v1/funds", headers=finance, json=body), 403)


def test_admin_links_a_funder_to_a_fund_who_then_sees_it(client: FlaskClient) -> None:
    admin_headers = bearer(make_user("admin"))
    funder = make_user("funder")
    fund = make_fund()
    funder_headers = bearer(funder)
    assert client.get("/api/v1/funds", headers=funder_headers).json["total"] == 0
    response = client.post(
        f"/api/v1/funds/{fund.id}/members", headers=admin_headers, json={"user_id": funder.id}
    )
    assert response.status_code == 201
    assert response.json == {"fund_id": fund.id, "user_id": funder.id}
    assert client.get("/api/v1/funds", headers=funder_headers).json["total"] == 1


def test_fund_members_must_be_funders_and_exist(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    fund = make_fund()
    coordinator = make_user("coordinator")
    url = f"/api/v1/funds/{fund.id}/members"
    not_funder = client.post(url, headers=headers, json={"user_id": coordinator.id})
    assert error_of(not_funder, 422)["fields"] == {"user_id": "Choose a user with the funder role"}
    unknown = client.post(url, headers=headers, json={"user_id": 999_999})
    assert error_of(unknown, 422)["fields"] == {"user_id": "Unknown user"}
    no_fund = client.post(
        "/api/v1/funds/999999/members", headers=headers, json={"user_id": coordinator.id}
    )
    assert error_of(no_fund, 404)["code"] == "not_found"


# --- projects ---------------------------------------------------------------------------------


def test_people_list_only_the_projects_they_may_see(client: FlaskClient) -> None:
    user = make_user("contributor")
    mine = make_project(name="Mine")
    make_project(name="Other")
    make_contributor(user=user, projects_=[mine])
    body = client.get("/api/v1/projects", headers=bearer(user)).json
    assert body["total"] == 1
    assert body["items"] == [
        {
            "id": mine.id,
            "name": "Mine",
            "code": mine.code,
            "fund_ids": [],
            "start_date": "2026-04-01",
            "end_date": None,
            "status": "active",
        }
    ]
    assert client.get("/api/v1/projects", headers=bearer(make_user("finance"))).json["total"] == 2


def test_a_project_you_may_not_see_is_a_404(client: FlaskClient) -> None:
    funder = make_user("funder")
    fund = make_fund(members=[funder])
    theirs = make_project(funds=[fund])
    hidden = make_project()
    headers = bearer(funder)
    response = client.get(f"/api/v1/projects/{theirs.id}", headers=headers)
    assert response.status_code == 200 and response.json["fund_ids"] == [fund.id]
    error = error_of(client.get(f"/api/v1/projects/{hidden.id}", headers=headers), 404)
    assert hidden.name not in error["message"]
    error_of(client.get("/api/v1/projects/987654", headers=headers), 404)


def test_admin_creates_a_project_with_funds(client: FlaskClient) -> None:
    admin = make_user("admin")
    fund = make_fund()
    body = {
        "name": "Peer research",
        "code": "peer-01",
        "start_date": "2026-04-01",
        "end_date": "2027-03-31",
        "status": "planned",
        "fund_ids": [fund.id],
    }
    response = client.post("/api/v1/projects", headers=bearer(admin), json=body)
    assert response.status_code == 201
    assert response.json == {**body, "id": response.json["id"], "code": "PEER-01"}
    project = db.session.get(Project, response.json["id"])
    assert project is not None and project.end_date == date(2027, 3, 31)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "project.created", AuditEvent.entity_id == project.id
        )
    )
    assert event is not None and event.actor_id == admin.id


def test_project_rules_give_409_and_422(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    make_project(code="TAKEN")
    taken = {"name": "X", "code": "taken", "start_date": "2026-04-01"}
    error = error_of(client.post("/api/v1/projects", headers=headers, json=taken), 409)
    assert error["fields"] == {"code": "This code is already in use"}
    backwards = {**taken, "code": "NEW", "end_date": "2026-03-01"}
    error = error_of(client.post("/api/v1/projects", headers=headers, json=backwards), 422)
    assert error["fields"] == {"end_date": "The end date must be on or after the start date"}
    unknown_fund = {**taken, "code": "NEW", "fund_ids": [4242]}
    error = error_of(client.post("/api/v1/projects", headers=headers, json=unknown_fund), 422)
    assert error["fields"] == {"fund_ids": "Unknown fund"}
    too_long = {**taken, "code": "ß" * 15}
    error = error_of(client.post("/api/v1/projects", headers=headers, json=too_long), 422)
    assert error["fields"] == {"code": "Enter 20 characters or fewer"}
    coordinator = bearer(make_user("coordinator"))
    error_of(client.post("/api/v1/projects", headers=coordinator, json=taken), 403)


# --- project members --------------------------------------------------------------------------


def test_admin_adds_a_contributor_who_then_sees_the_project(client: FlaskClient) -> None:
    admin_headers = bearer(make_user("admin"))
    project = make_project()
    user = make_user("contributor")
    contributor = make_contributor(user=user)
    assert client.get("/api/v1/projects", headers=bearer(user)).json["total"] == 0
    response = client.post(
        f"/api/v1/projects/{project.id}/members",
        headers=admin_headers,
        json={"contributor_id": contributor.id},
    )
    assert response.status_code == 201
    assert response.json == {"project_id": project.id, "contributor_id": contributor.id}
    assert [c.id for c in projects.project_members(project.id)] == [contributor.id]
    assert client.get("/api/v1/projects", headers=bearer(user)).json["total"] == 1


def test_admin_adds_a_coordinator(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    project = make_project()
    coordinator = make_user("coordinator")
    url = f"/api/v1/projects/{project.id}/members"
    response = client.post(
        url, headers=headers, json={"user_id": coordinator.id, "role": "coordinator"}
    )
    assert response.status_code == 201
    assert response.json == {
        "project_id": project.id,
        "user_id": coordinator.id,
        "role": "coordinator",
    }
    assert projects.coordinates(coordinator, project.id)
    contributor_user = make_user("contributor")
    refused = client.post(
        url, headers=headers, json={"user_id": contributor_user.id, "role": "coordinator"}
    )
    assert error_of(refused, 422)["fields"] == {
        "user_id": "Choose a user with the coordinator role"
    }
    wrong_role = client.post(url, headers=headers, json={"user_id": coordinator.id, "role": "boss"})
    assert set(error_of(wrong_role, 422)["fields"]) == {"role"}
    both = client.post(url, headers=headers, json={"contributor_id": 1, "user_id": 1})
    assert set(error_of(both, 422)["fields"]) == {"contributor_id"}


def test_a_coordinator_adds_contributors_they_see_to_their_own_projects(
    client: FlaskClient,
) -> None:
    coordinator = make_user("coordinator")
    mine = make_project(coordinators=[coordinator])
    also_mine = make_project(coordinators=[coordinator])
    known = make_contributor(projects_=[mine])
    stranger = make_contributor(projects_=[make_project()])
    headers = bearer(coordinator)
    ok = client.post(
        f"/api/v1/projects/{also_mine.id}/members",
        headers=headers,
        json={"contributor_id": known.id},
    )
    assert ok.status_code == 201
    assert known.id in [c.id for c in projects.project_members(also_mine.id)]
    unseen = client.post(
        f"/api/v1/projects/{also_mine.id}/members",
        headers=headers,
        json={"contributor_id": stranger.id},
    )
    assert error_of(unseen, 422)["fields"] == {"contributor_id": "Unknown contributor"}
    assert stranger.id not in [c.id for c in projects.project_members(also_mine.id)]


def test_a_coordinator_cannot_change_other_projects_or_add_coordinators(
    client: FlaskClient,
) -> None:
    coordinator = make_user("coordinator", "contributor")
    mine = make_project(coordinators=[coordinator])
    member_only = make_project()
    make_contributor(user=coordinator, projects_=[member_only])
    hidden = make_project()
    contributor = make_contributor(projects_=[mine])
    headers = bearer(coordinator)
    body = {"contributor_id": contributor.id}
    error_of(client.post(f"/api/v1/projects/{hidden.id}/members", headers=headers, json=body), 404)
    error_of(
        client.post(f"/api/v1/projects/{member_only.id}/members", headers=headers, json=body), 403
    )
    other = make_user("coordinator")
    promote = {"user_id": other.id, "role": "coordinator"}
    error_of(client.post(f"/api/v1/projects/{mine.id}/members", headers=headers, json=promote), 403)
    assert not projects.coordinates(other, mine.id)
    assert contributor.id not in [c.id for c in projects.project_members(member_only.id)]
