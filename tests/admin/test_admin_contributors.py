"""Contributor pages: coordinators see and change only the people on their projects."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_contributor, make_project, make_user
from tracker.audit.models import AuditEvent
from tracker.contributors.models import AccessNeed, Contributor
from tracker.contributors.services import contributor_project_ids
from tracker.extensions import db


def _contributor_named(name: str) -> Contributor | None:
    return db.session.scalar(select(Contributor).where(Contributor.preferred_name == name))


def _new_contributor(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "preferred_name": "Jo",
        "contact": "07700 900123",
        "payment_method": "cash",
        "default_fee_choice": "accept",
        "benefits_warnings": "yes",
    }
    data.update(overrides)
    return data


def test_coordinator_sees_only_the_people_on_their_projects(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    mine = make_project(coordinators=[coordinator])
    other = make_project()
    make_contributor(name="Mine Person", projects_=[mine])
    make_contributor(name="Other Person", projects_=[other])
    sign_in(client, coordinator.email)
    page = client.get("/admin/contributors")
    assert page.status_code == 200
    assert "Mine Person" in page.text
    assert "Other Person" not in page.text


def test_admin_sees_everyone(client: FlaskClient) -> None:
    admin = make_user("admin")
    make_contributor(name="Anyone At All")
    sign_in(client, admin.email)
    assert "Anyone At All" in client.get("/admin/contributors").text


def test_coordinator_cannot_open_someone_outside_their_projects(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    make_project(coordinators=[coordinator])
    stranger = make_contributor(name="Stranger", projects_=[make_project()])
    sign_in(client, coordinator.email)
    assert client.get(f"/admin/contributors/{stranger.id}").status_code == 404
    assert client.get(f"/admin/contributors/{stranger.id}/edit").status_code == 404
    response = client.post(
        f"/admin/contributors/{stranger.id}/edit", data=_new_contributor(status="left")
    )
    assert response.status_code == 404
    assert "Stranger" not in response.text
    unchanged = db.session.get(Contributor, stranger.id)
    assert unchanged is not None and unchanged.status == "active"


def test_coordinator_adds_a_contributor_without_a_login(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    mine = make_project(coordinators=[coordinator], name="My Project")
    make_project(name="Someone Else's Project")
    sign_in(client, coordinator.email)
    page = client.get("/admin/contributors/new")
    assert page.status_code == 200
    assert "My Project" in page.text
    assert "Someone Else" not in page.text
    assert "Their login" not in page.text  # only admin links accounts
    response = client.post(
        "/admin/contributors/new", data=_new_contributor(project_ids=[str(mine.id)])
    )
    assert response.status_code == 302
    jo = _contributor_named("Jo")
    assert jo is not None
    assert response.headers["Location"] == f"/admin/contributors/{jo.id}"
    assert jo.user_id is None
    assert jo.payment_method == "cash"
    assert jo.benefits_warnings is True
    assert contributor_project_ids(jo.id) == [mine.id]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contributor.created"))
    assert event is not None and event.actor_id == coordinator.id
    detail = client.get(response.headers["Location"])
    assert f"Jo is added, with reference {jo.reference}" in detail.text


def test_coordinator_cannot_add_someone_to_another_project(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    make_project(coordinators=[coordinator])
    other = make_project()
    sign_in(client, coordinator.email)
    response = client.post(
        "/admin/contributors/new", data=_new_contributor(project_ids=[str(other.id)])
    )
    assert response.status_code == 400
    assert _contributor_named("Jo") is None


def test_coordinator_must_choose_one_of_their_projects(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    make_project(coordinators=[coordinator])
    sign_in(client, coordinator.email)
    response = client.post("/admin/contributors/new", data=_new_contributor())
    assert response.status_code == 400
    assert "Choose a project" in response.text
    assert _contributor_named("Jo") is None


def test_missing_name_is_explained_and_what_was_typed_is_kept(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    response = client.post(
        "/admin/contributors/new",
        data=_new_contributor(preferred_name="  ", contact="Ring Mo at the hostel"),
    )
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert "Enter the name they would like us to use" in response.text
    assert "Ring Mo at the hostel" in response.text
    assert 'value="cash" checked' in response.text


def test_admin_links_a_login_and_the_page_says_who_has_it(client: FlaskClient) -> None:
    admin = make_user("admin")
    account = make_user("contributor", name="Kit Account", email="kit@example.org")
    sign_in(client, admin.email)
    page = client.get("/admin/contributors/new")
    assert "Kit Account (kit@example.org)" in page.text
    response = client.post(
        "/admin/contributors/new",
        data=_new_contributor(preferred_name="Kit", user_id=str(account.id)),
    )
    assert response.status_code == 302
    kit = _contributor_named("Kit")
    assert kit is not None and kit.user_id == account.id
    detail = client.get(f"/admin/contributors/{kit.id}")
    assert "Yes, Kit Account (kit@example.org)" in detail.text
    # A linked account is not offered again.
    assert "Kit Account (kit@example.org)" not in client.get("/admin/contributors/new").text


def test_detail_page_shows_the_summary_and_needs_but_never_why(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    project = make_project(coordinators=[coordinator], name="Peer Research")
    hidden = make_project(name="Private Other Project")
    person = make_contributor(
        name="Dee", projects_=[project, hidden], payment_method="prepaid_card"
    )
    db.session.add(AccessNeed(contributor_id=person.id, need="bsl_interpreter", detail=""))
    db.session.add(AccessNeed(contributor_id=person.id, need="breaks", detail="every hour"))
    db.session.commit()
    sign_in(client, coordinator.email)
    page = client.get(f"/admin/contributors/{person.id}")
    assert page.status_code == 200
    for text in (
        person.reference,
        "Dee",
        "Active",
        "Prepaid card",
        "Peer Research",
        "BSL interpreter",
        "Regular breaks: every hour",
        "No. Their coordinator records their work for them.",
    ):
        assert text in page.text
    assert "Private Other Project" not in page.text  # not this coordinator's project


def test_edit_changes_details_and_is_audited_without_personal_values(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    project = make_project(coordinators=[coordinator])
    person = make_contributor(name="Sky", projects_=[project], contact="old number")
    sign_in(client, coordinator.email)
    page = client.get(f"/admin/contributors/{person.id}/edit")
    assert page.status_code == 200
    assert 'value="Sky"' in page.text
    assert 'value="none" checked' in page.text  # payment method not decided yet
    response = client.post(
        f"/admin/contributors/{person.id}/edit",
        data=_new_contributor(
            preferred_name="Skye",
            contact="new number",
            payment_method="voucher",
            default_fee_choice="decline",
            benefits_warnings="no",
            status="paused",
        ),
    )
    assert response.status_code == 302
    changed = db.session.get(Contributor, person.id)
    assert changed is not None
    assert (changed.preferred_name, changed.contact, changed.payment_method) == (
        "Skye",
        "new number",
        "voucher",
    )
    assert changed.default_fee_choice == "decline"
    assert changed.status == "paused"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contributor.updated"))
    assert event is not None and event.actor_id == coordinator.id
    assert "Skye" not in event.changes and "new number" not in event.changes
    assert "(personal detail)" in event.changes


def test_coordinator_cannot_link_an_account_by_posting_one(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    account = make_user("contributor")
    project = make_project(coordinators=[coordinator])
    person = make_contributor(name="Lee", projects_=[project])
    sign_in(client, coordinator.email)
    response = client.post(
        f"/admin/contributors/{person.id}/edit",
        data=_new_contributor(preferred_name="Lee", status="active", user_id=str(account.id)),
    )
    assert response.status_code == 302
    unchanged = db.session.get(Contributor, person.id)
    assert unchanged is not None and unchanged.user_id is None


def test_a_contributor_cannot_use_the_contributor_pages(client: FlaskClient) -> None:
    user = make_user("contributor")
    person = make_contributor(user=user)
    sign_in(client, user.email)
    assert client.get("/admin/contributors").status_code == 403
    assert client.get(f"/admin/contributors/{person.id}").status_code == 403
    assert client.post("/admin/contributors/new", data=_new_contributor()).status_code == 403
    assert _contributor_named("Jo") is None
