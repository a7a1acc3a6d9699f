"""Project pages: admin manages every project; coordinators see theirs and manage who is on it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token_from, sign_in
from tests.factories import make_contributor, make_fund, make_project, make_user
from tracker.audit.models import AuditEvent
from tracker.errors import Forbidden
from tracker.extensions import db
from tracker.projects import services as projects
from tracker.projects.models import Project


def _project(code: str) -> Project | None:
    return db.session.scalar(select(Project).where(Project.code == code))


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Housing Voices",
        "code": "house-01",
        "start_date": ["1", "4", "2026"],
        "end_date": ["31", "3", "2027"],
        "status": "active",
        "description": "Research on housing.",
    }
    data.update(overrides)
    return data


def test_admin_adds_a_project_with_day_month_year_dates(client: FlaskClient) -> None:
    admin = make_user("admin")
    fund = make_fund(name="Big Grant")
    sign_in(client, admin.email)
    page = client.get("/admin/projects/new")
    assert page.status_code == 200
    assert "Big Grant" in page.text
    # GOV.UK date boxes; the day box carries the field's id so error links land in it.
    assert 'id="start_date" name="start_date"' in page.text
    assert 'id="start_date-month" name="start_date"' in page.text
    response = client.post("/admin/projects/new", data=_form(fund_ids=[str(fund.id)]))
    assert response.status_code == 302
    project = _project("HOUSE-01")
    assert project is not None
    assert response.headers["Location"] == f"/admin/projects/{project.id}"
    assert project.start_date == date(2026, 4, 1)
    assert project.end_date == date(2027, 3, 31)
    assert [f.id for f in project.funds] == [fund.id]
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "project.created", AuditEvent.entity_id == project.id
        )
    )
    assert event is not None and event.actor_id == admin.id
    detail = client.get(response.headers["Location"])
    assert "Housing Voices is added" in detail.text
    assert "1 April 2026" in detail.text and "31 March 2027" in detail.text


def test_a_project_needs_no_end_date(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    response = client.post("/admin/projects/new", data=_form(end_date=["", "", ""]))
    assert response.status_code == 302
    project = _project("HOUSE-01")
    assert project is not None and project.end_date is None


def test_duplicate_code_is_refused_and_the_form_is_kept(client: FlaskClient) -> None:
    admin = make_user("admin")
    make_project(code="HOUSE-01")
    sign_in(client, admin.email)
    response = client.post("/admin/projects/new", data=_form(name="Second Go"))
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert "This code is already in use" in response.text
    assert 'value="Second Go"' in response.text
    assert db.session.scalar(select(Project).where(Project.name == "Second Go")) is None


def test_an_impossible_date_is_explained_and_kept(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    response = client.post("/admin/projects/new", data=_form(start_date=["31", "2", "2026"]))
    assert response.status_code == 400
    assert "Enter a real date" in response.text
    assert '<a href="#start_date">' in response.text
    assert 'id="start_date" name="start_date" type="text" value="31"' in response.text
    missing = client.post("/admin/projects/new", data=_form(start_date=["", "", ""]))
    assert missing.status_code == 400
    assert "Enter the date the project starts" in missing.text
    assert _project("HOUSE-01") is None


def test_end_before_start_is_refused(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    response = client.post("/admin/projects/new", data=_form(end_date=["1", "1", "2026"]))
    assert response.status_code == 400
    assert "The end date must be on or after the start date" in response.text


def test_admin_changes_a_project(client: FlaskClient) -> None:
    admin = make_user("admin")
    fund = make_fund()
    project = make_project(code="OLD-1", funds=[fund])
    sign_in(client, admin.email)
    page = client.get(f"/admin/projects/{project.id}/edit")
    assert page.status_code == 200
    assert 'value="OLD-1"' in page.text
    assert 'name="start_date" type="text" value="01"' in page.text
    response = client.post(
        f"/admin/projects/{project.id}/edit",
        data=_form(name="Renamed", code="NEW-1", status="closed"),
    )
    assert response.status_code == 302
    changed = db.session.get(Project, project.id)
    assert changed is not None
    assert (changed.name, changed.code, changed.status) == ("Renamed", "NEW-1", "closed")
    assert changed.funds == []


def test_coordinator_sees_only_their_projects_and_cannot_change_them(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    mine = make_project(coordinators=[coordinator], name="Mine")
    other = make_project(name="Not Mine")
    sign_in(client, coordinator.email)
    listing = client.get("/admin/projects")
    assert "Mine" in listing.text and "Not Mine" not in listing.text
    detail = client.get(f"/admin/projects/{mine.id}")
    assert detail.status_code == 200
    assert "Change the project’s details" not in detail.text
    assert coordinator.display_name in detail.text
    assert client.get(f"/admin/projects/{other.id}").status_code == 404
    assert client.get("/admin/projects/new").status_code == 403
    response = client.post(f"/admin/projects/{mine.id}/edit", data=_form(name="Hijacked"))
    assert response.status_code == 403
    unchanged = db.session.get(Project, mine.id)
    assert unchanged is not None and unchanged.name == "Mine"


def test_admin_adds_and_removes_a_coordinator(client: FlaskClient) -> None:
    admin = make_user("admin")
    coordinator = make_user("coordinator", name="Cass Coordinator")
    project = make_project()
    sign_in(client, admin.email)
    page = client.get(f"/admin/projects/{project.id}")
    assert "Cass Coordinator" in page.text  # offered in the list
    response = client.post(
        f"/admin/projects/{project.id}/coordinators",
        data={"coordinator-user_id": str(coordinator.id)},
    )
    assert response.status_code == 302
    assert projects.coordinates(coordinator, project.id)
    removed = client.post(f"/admin/projects/{project.id}/coordinators/{coordinator.id}/remove")
    assert removed.status_code == 302
    assert not projects.coordinates(coordinator, project.id)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"project.coordinator_added", "project.coordinator_removed"} <= actions


def test_only_coordinators_can_be_made_coordinators(client: FlaskClient) -> None:
    admin = make_user("admin")
    plain = make_user("contributor")
    project = make_project()
    sign_in(client, admin.email)
    response = client.post(
        f"/admin/projects/{project.id}/coordinators",
        data={"coordinator-user_id": str(plain.id)},
    )
    assert response.status_code == 400
    assert not projects.coordinates(plain, project.id)
    empty = client.post(f"/admin/projects/{project.id}/coordinators", data={})
    assert empty.status_code == 400
    assert "Choose a coordinator" in empty.text


def test_coordinator_adds_and_removes_people_on_their_project(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    first = make_project(coordinators=[coordinator])
    second = make_project(coordinators=[coordinator], name="Second")
    person = make_contributor(name="Ash", projects_=[first])
    sign_in(client, coordinator.email)
    page = client.get(f"/admin/projects/{second.id}")
    assert "Ash (" in page.text  # offered from their other project
    response = client.post(
        f"/admin/projects/{second.id}/contributors",
        data={"member-contributor_id": str(person.id)},
    )
    assert response.status_code == 302
    assert [m.id for m in projects.project_members(second.id)] == [person.id]
    assert "Ash is now part of Second" in client.get(f"/admin/projects/{second.id}").text
    removed = client.post(f"/admin/projects/{second.id}/contributors/{person.id}/remove")
    assert removed.status_code == 302
    assert projects.project_members(second.id) == []
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("project.member_%"))
    ).all()
    assert {e.actor_id for e in events if e.entity_id == second.id} == {coordinator.id}


def test_coordinator_cannot_add_people_they_cannot_see(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    mine = make_project(coordinators=[coordinator])
    stranger = make_contributor(name="Stranger", projects_=[make_project()])
    sign_in(client, coordinator.email)
    assert "Stranger" not in client.get(f"/admin/projects/{mine.id}").text
    response = client.post(
        f"/admin/projects/{mine.id}/contributors",
        data={"member-contributor_id": str(stranger.id)},
    )
    assert response.status_code == 400
    assert projects.project_members(mine.id) == []


def test_coordinator_cannot_change_people_on_another_project(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    mine = make_project(coordinators=[coordinator])
    other = make_project()
    person = make_contributor(projects_=[mine, other])
    sign_in(client, coordinator.email)
    add = client.post(
        f"/admin/projects/{other.id}/contributors",
        data={"member-contributor_id": str(person.id)},
    )
    assert add.status_code == 404
    remove = client.post(f"/admin/projects/{other.id}/contributors/{person.id}/remove")
    assert remove.status_code == 404
    assert [m.id for m in projects.project_members(other.id)] == [person.id]
    assert client.post(f"/admin/projects/{mine.id}/coordinators", data={}).status_code == 403


def test_the_service_refuses_a_coordinator_of_another_project(app: Any) -> None:
    coordinator = make_user("coordinator")
    project = make_project()
    person = make_contributor()
    with pytest.raises(Forbidden):
        projects.add_member(actor=coordinator, project=project, contributor=person)
    with pytest.raises(Forbidden):
        projects.remove_member(actor=coordinator, project=project, contributor_id=person.id)


def test_remove_buttons_carry_a_csrf_token(app: Any, client: FlaskClient) -> None:
    admin = make_user("admin")
    coordinator = make_user("coordinator")
    person = make_contributor()
    project = make_project(coordinators=[coordinator])
    projects.add_member(actor=admin, project=project, contributor=person)
    db.session.commit()
    sign_in(client, admin.email)
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/admin/projects/{project.id}/contributors/{person.id}/remove"
    assert client.post(url).status_code == 400
    assert projects.project_members(project.id) != []
    page = client.get(f"/admin/projects/{project.id}")
    assert f'action="{url}"' in page.text
    assert client.post(url, data={"csrf_token": csrf_token_from(page.text)}).status_code == 302
    assert projects.project_members(project.id) == []


def test_a_contributor_cannot_see_project_pages(client: FlaskClient) -> None:
    user = make_user("contributor")
    project = make_project()
    make_contributor(user=user, projects_=[project])
    sign_in(client, user.email)
    assert client.get("/admin/projects").status_code == 403
    assert client.get(f"/admin/projects/{project.id}").status_code == 403
