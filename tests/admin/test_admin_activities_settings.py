"""Activity types and organisation settings, for admin."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_activity, make_user
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.projects.models import ActivityType
from tracker.settings.services import get_setting

SETTINGS = {
    "organisation_name": "Brighter Voices",
    "organisation_address": "1 High Street\nPortsmouth",
    "slip_prefix": "BV",
    "suppression_threshold": "6",
    "retention_years": "8",
    "two_people_release": "yes",
}


def test_admin_adds_an_unpaid_activity(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    assert client.get("/admin/activity-types/new").status_code == 200
    response = client.post(
        "/admin/activity-types/new", data={"name": "Coffee chat", "paid": "no", "active": "yes"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/activity-types"
    activity = db.session.scalar(select(ActivityType).where(ActivityType.name == "Coffee chat"))
    assert activity is not None
    assert (activity.paid, activity.active) == (False, True)
    listing = client.get("/admin/activity-types")
    assert "Coffee chat is saved" in listing.text


def test_admin_retires_and_renames_an_activity(client: FlaskClient) -> None:
    admin = make_user("admin")
    activity = make_activity("Meeting")
    sign_in(client, admin.email)
    page = client.get(f"/admin/activity-types/{activity.id}")
    assert 'value="Meeting"' in page.text
    response = client.post(
        f"/admin/activity-types/{activity.id}",
        data={"name": "Team meeting", "paid": "yes", "active": "no"},
    )
    assert response.status_code == 302
    changed = db.session.get(ActivityType, activity.id)
    assert changed is not None
    assert (changed.name, changed.paid, changed.active) == ("Team meeting", True, False)
    assert "No longer used" in client.get("/admin/activity-types").text
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "activity_type.updated")
    )
    assert event is not None and event.actor_id == admin.id


def test_duplicate_activity_name_is_refused(client: FlaskClient) -> None:
    admin = make_user("admin")
    make_activity("Training")
    sign_in(client, admin.email)
    response = client.post(
        "/admin/activity-types/new", data={"name": "Training", "paid": "yes", "active": "yes"}
    )
    assert response.status_code == 400
    assert "This name is already in use" in response.text
    assert 'value="Training"' in response.text
    count = len(db.session.scalars(select(ActivityType)).all())
    assert count == 1
    unpicked = client.post("/admin/activity-types/new", data={"name": "Other"})
    assert unpicked.status_code == 400
    assert "Choose yes or no" in unpicked.text


def test_admin_changes_the_settings(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    page = client.get("/admin/settings")
    assert page.status_code == 200
    assert 'value="Your organisation"' in page.text
    assert "Smallest group shown to funders as a number" in page.text
    response = client.post("/admin/settings", data=SETTINGS)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/settings"
    for key, value in SETTINGS.items():
        assert get_setting(key) == value
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "setting.changed")
    ).all()
    assert len(events) == len(SETTINGS)
    assert {e.actor_id for e in events} == {admin.id}
    assert "The settings are saved" in client.get("/admin/settings").text


def test_bad_settings_are_explained_and_nothing_is_saved(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    response = client.post(
        "/admin/settings",
        data={**SETTINGS, "slip_prefix": "bv!", "retention_years": "seven"},
    )
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert "Use capital letters or digits" in response.text
    assert "Enter a number" in response.text
    assert 'value="seven"' in response.text
    assert 'value="Brighter Voices"' in response.text
    assert get_setting("organisation_name") == "Your organisation"  # all or nothing
    assert get_setting("retention_years") == "7"


def test_coordinator_cannot_change_settings_or_activities(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    sign_in(client, coordinator.email)
    assert client.get("/admin/settings").status_code == 403
    assert client.post("/admin/settings", data=SETTINGS).status_code == 403
    assert get_setting("organisation_name") == "Your organisation"
    response = client.post(
        "/admin/activity-types/new", data={"name": "Sneaky", "paid": "yes", "active": "yes"}
    )
    assert response.status_code == 403
    assert db.session.scalar(select(ActivityType).where(ActivityType.name == "Sneaky")) is None
