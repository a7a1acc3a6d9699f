"""Attack 2: a coordinator edits a colleague's recorded draft, then approves it.

Only the contributor, or whoever recorded an item, may edit, submit or withdraw it; nobody decides
an item that is their own, or that they recorded, last changed or submitted (DESIGN.md §3). Each
test plays the attack through the API, the web pages or the services, and checks that nothing
changed.
"""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.api_support import bearer, error_of
from tests.conftest import sign_in
from tests.factories import make_contributor
from tests.items import World, entry_input, make_world
from tracker.audit.models import AuditEvent
from tracker.contributors.models import Contributor
from tracker.errors import Forbidden
from tracker.extensions import db
from tracker.items import services as items
from tracker.lifecycle import services as lifecycle
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry

URL = "/api/v1/time-entries"


def _no_login_person(w: World) -> Contributor:
    return make_contributor(projects_=[w.project], name="Jo (no login)")


def _recorded_draft(w: World, person: Contributor) -> TimeEntry:
    """Coordinator A (w.coordinator) records 60 minutes for someone without a login."""
    entry = timesheets.create_time_entry(
        actor=w.coordinator, data=entry_input(w, contributor_id=person.id, minutes=60)
    )
    db.session.commit()
    return entry


def test_colleague_cannot_patch_submit_or_approve_a_recorded_draft(client: FlaskClient) -> None:
    w = make_world()
    entry = _recorded_draft(w, _no_login_person(w))
    colleague = bearer(w.other_coordinator)

    patched = client.patch(f"{URL}/{entry.id}", headers=colleague, json={"minutes": 1440})
    assert error_of(patched, 403)["message"].startswith("Only the contributor")
    submitted = client.post(f"{URL}/{entry.id}/submit", headers=colleague)
    error_of(submitted, 403)
    withdrawn = client.post(f"{URL}/{entry.id}/withdraw", headers=colleague)
    error_of(withdrawn, 403)
    approved = client.post(f"{URL}/{entry.id}/approve", headers=colleague)
    error_of(approved, 409)  # still a draft: nothing to decide

    db.session.refresh(entry)
    assert (entry.minutes, entry.status) == (60, "draft")
    assert entry.last_changed_by_id == w.coordinator.id
    events = db.session.query(AuditEvent).filter_by(entity_type="time", entity_id=entry.id)
    assert {e.actor_id for e in events} == {w.coordinator.id}


def test_colleague_cannot_edit_a_recorded_draft_on_the_web(client: FlaskClient) -> None:
    w = make_world()
    entry = _recorded_draft(w, _no_login_person(w))
    sign_in(client, w.other_coordinator.email)
    page = client.get(f"/time/{entry.id}")
    assert f'href="/time/{entry.id}/edit"' not in page.text
    response = client.post(
        f"/time/{entry.id}/edit",
        data={"minutes": "1440", "project_id": w.project.id},
        follow_redirects=True,
    )
    assert "Only the contributor, or the person who recorded this, can change it." in response.text
    db.session.refresh(entry)
    assert entry.minutes == 60


def test_the_recorder_submits_and_a_colleague_approves(client: FlaskClient) -> None:
    """The honest path still works: A records and submits, B (who did neither) approves."""
    w = make_world()
    entry = _recorded_draft(w, _no_login_person(w))
    ok = client.post(f"{URL}/{entry.id}/submit", headers=bearer(w.coordinator))
    assert ok.status_code == 200, ok.text
    approved = client.post(f"{URL}/{entry.id}/approve", headers=bearer(w.other_coordinator))
    assert approved.status_code == 200, approved.text
    db.session.refresh(entry)
    assert entry.status == "approved"
    assert entry.submitted_by_id == w.coordinator.id
    assert entry.decided_by_id == w.other_coordinator.id


def test_the_recorder_cannot_approve_what_they_recorded(client: FlaskClient) -> None:
    w = make_world()
    entry = _recorded_draft(w, _no_login_person(w))
    headers = bearer(w.coordinator)
    client.post(f"{URL}/{entry.id}/submit", headers=headers)
    refused = client.post(f"{URL}/{entry.id}/approve", headers=headers)
    assert error_of(refused, 403)["message"] == lifecycle.RECORDED
    db.session.refresh(entry)
    assert entry.status == "submitted"


def test_whoever_last_changed_or_submitted_an_item_cannot_decide_it(app: object) -> None:
    """Defence in depth: even if someone else's change or submission got through another way."""
    w = make_world()
    entry = _recorded_draft(w, _no_login_person(w))
    items.submit_item(actor=w.coordinator, item=entry)
    entry.last_changed_by_id = w.other_coordinator.id
    db.session.commit()
    try:
        items.approve_item(actor=w.other_coordinator, item=entry)
    except Forbidden as refused:
        assert str(refused) == lifecycle.CHANGED
    else:
        raise AssertionError("the last person to change it approved it")

    entry.last_changed_by_id = w.coordinator.id
    entry.submitted_by_id = w.other_coordinator.id
    db.session.commit()
    try:
        items.return_item(actor=w.other_coordinator, item=entry, reason="x")
    except Forbidden as refused:
        assert str(refused) == lifecycle.SUBMITTED
    else:
        raise AssertionError("the person who submitted it decided it")
    db.session.refresh(entry)
    assert entry.status == "submitted"


def test_contributor_edit_makes_them_the_last_changer(app: object) -> None:
    w = make_world()
    entry = timesheets.create_time_entry(actor=w.coordinator, data=entry_input(w, minutes=60))
    timesheets.update_time_entry(actor=w.person_user, entry=entry, data=entry_input(w, minutes=90))
    items.submit_item(actor=w.person_user, item=entry)
    db.session.commit()
    assert entry.last_changed_by_id == w.person_user.id
    assert entry.submitted_by_id == w.person_user.id
    # The recorder still may not decide it; the colleague may.
    try:
        items.approve_item(actor=w.coordinator, item=entry)
    except Forbidden:
        pass
    else:
        raise AssertionError("the recorder approved it")
    items.approve_item(actor=w.other_coordinator, item=entry)
    assert entry.status == "approved"
