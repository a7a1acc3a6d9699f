"""Logging time through the pages: draft, estimate, send, change, withdraw, and on someone's
behalf; what others cannot see; kind messages for what cannot be read."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_contributor, make_project, make_user
from tests.items import World, entry_input, make_world
from tracker.contributors.models import ContributorThreshold
from tracker.extensions import db
from tracker.items import services as items
from tracker.rates import services as rates
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry


def _form(w: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project_id": str(w.project.id),
        "activity_type_id": str(w.activity.id),
        "work_date": ["4", "5", "2026"],
        "hours": "1",
        "minutes": "30",
        "notes": "Planning the panel",
        "fee_choice": "accept",
        "fee_requested_pence": "",
    }
    data.update(overrides)
    return data


def _only_entry() -> TimeEntry:
    return db.session.scalars(select(TimeEntry)).one()


def _draft(w: World, **overrides: Any) -> TimeEntry:
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w, **overrides))
    db.session.commit()
    return entry


def test_log_time_page_offers_their_projects_and_plain_fee_advice(client: FlaskClient) -> None:
    w = make_world()
    make_project(name="Somebody Else's Project")
    sign_in(client, w.person_user.email)
    page = client.get("/time/new")
    assert page.status_code == 200
    assert "<title>Log time" in page.text
    assert w.project.name in page.text and "Somebody Else" not in page.text
    assert "Meeting" in page.text
    assert "taking a fee can affect them" in page.text
    assert "Citizens Advice" in page.text and "Turn2us" in page.text
    assert "Exit this page" in page.text


def test_contributor_logs_time_sees_the_estimate_then_sends_it(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    saved = client.post("/time/new", data=_form(w))
    assert saved.status_code == 302
    entry = _only_entry()
    assert saved.headers["Location"] == f"/time/{entry.id}"
    assert (entry.status, entry.minutes, entry.recorded_by_id) == ("draft", 90, w.person_user.id)
    assert entry.notes == "Planning the panel"

    page = client.get(f"/time/{entry.id}")
    assert "£20.70" in page.text  # 90 minutes at £13.80 an hour
    assert "1 hour 30 minutes" in page.text
    assert "Send for approval" in page.text
    assert "Recorded by" not in page.text

    sent = client.post(f"/time/{entry.id}/submit", follow_redirects=True)
    assert sent.status_code == 200
    assert "Sent for approval" in sent.text
    db.session.refresh(entry)
    assert entry.status == "submitted"


def test_reduced_and_declined_fees_are_explained(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    client.post("/time/new", data=_form(w, fee_choice="reduce", fee_requested_pence="10.00"))
    entry = _only_entry()
    assert (entry.fee_choice, entry.fee_requested_pence) == ("reduce", 1000)
    page = client.get(f"/time/{entry.id}")
    assert "£10.00" in page.text and "The full fee would be £20.70" in page.text

    client.post(f"/time/{entry.id}/edit", data=_form(w, fee_choice="decline"))
    db.session.refresh(entry)
    assert (entry.fee_choice, entry.fee_requested_pence) == ("decline", None)
    assert "You chose not to take a fee" in client.get(f"/time/{entry.id}").text


def test_contributor_changes_a_draft(client: FlaskClient) -> None:
    w = make_world()
    entry = _draft(w)
    sign_in(client, w.person_user.email)
    page = client.get(f"/time/{entry.id}/edit")
    assert page.status_code == 200
    assert 'value="50"' in page.text  # the minutes box shows what is saved
    changed = client.post(f"/time/{entry.id}/edit", data=_form(w, hours="2", minutes="0"))
    assert changed.status_code == 302
    db.session.refresh(entry)
    assert entry.minutes == 120 and entry.work_date == date(2026, 5, 4)


def test_withdraw_asks_first_then_withdraws(client: FlaskClient) -> None:
    w = make_world()
    entry = _draft(w)
    sign_in(client, w.person_user.email)
    confirm = client.get(f"/time/{entry.id}/withdraw")
    assert confirm.status_code == 200 and "Yes, withdraw it" in confirm.text
    db.session.refresh(entry)
    assert entry.status == "draft"  # looking at the question changes nothing
    done = client.post(f"/time/{entry.id}/withdraw", follow_redirects=True)
    assert "Withdrawn" in done.text
    db.session.refresh(entry)
    assert entry.status == "withdrawn"


def test_approved_time_cannot_be_changed_and_says_why(client: FlaskClient) -> None:
    w = make_world()
    entry = _draft(w)
    items.submit_item(actor=w.person_user, item=entry)
    items.approve_item(actor=w.coordinator, item=entry)
    db.session.commit()
    sign_in(client, w.person_user.email)
    page = client.get(f"/time/{entry.id}/edit", follow_redirects=True)
    assert "This has been approved, so it cannot be changed" in page.text
    posted = client.post(f"/time/{entry.id}/edit", data=_form(w, hours="9"), follow_redirects=True)
    assert "cannot be changed" in posted.text
    withdrawn = client.post(f"/time/{entry.id}/withdraw", follow_redirects=True)
    assert "already been decided" in withdrawn.text
    db.session.refresh(entry)
    assert (entry.status, entry.minutes, entry.fee_pence) == ("approved", 50, 1380)
    assert "fixed when it was approved" in client.get(f"/time/{entry.id}").text


def test_another_contributors_time_is_not_found(client: FlaskClient) -> None:
    w = make_world()
    entry = _draft(w)
    stranger = make_user("contributor")
    make_contributor(user=stranger, projects_=[w.project])
    sign_in(client, stranger.email)
    assert client.get(f"/time/{entry.id}").status_code == 404
    assert client.get(f"/time/{entry.id}/edit").status_code == 404
    assert client.post(f"/time/{entry.id}/edit", data=_form(w)).status_code == 404
    assert client.post(f"/time/{entry.id}/submit").status_code == 404
    assert client.post(f"/time/{entry.id}/withdraw").status_code == 404
    assert client.get("/time/99999999999").status_code == 404
    db.session.refresh(entry)
    assert entry.status == "draft"


def test_coordinator_records_time_for_a_contributor(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.coordinator.email)
    ask = client.get("/time/new")
    assert "Who is this for?" in ask.text and "Robin" in ask.text
    page = client.get(f"/time/new?contributor_id={w.person.id}")
    assert "Log time for Robin" in page.text
    saved = client.post(f"/time/new?contributor_id={w.person.id}", data=_form(w))
    assert saved.status_code == 302
    entry = _only_entry()
    assert (entry.contributor_id, entry.recorded_by_id) == (w.person.id, w.coordinator.id)
    assert "Recorded by" in client.get(saved.headers["Location"]).text

    client.post("/sign-out")
    sign_in(client, w.person_user.email)
    mine = client.get("/my/")
    assert "Recorded by" in mine.text and "Casey" in mine.text
    assert "Recorded by" in client.get(f"/time/{entry.id}").text


def test_coordinator_cannot_record_for_someone_outside_their_projects(
    client: FlaskClient,
) -> None:
    w = make_world()
    stranger = make_contributor(projects_=[make_project()])
    sign_in(client, w.coordinator.email)
    assert client.get(f"/time/new?contributor_id={stranger.id}").status_code == 404
    assert client.get("/time/new?contributor_id=not-a-number").status_code == 404
    response = client.post(f"/time/new?contributor_id={stranger.id}", data=_form(w))
    assert response.status_code == 404
    assert db.session.scalar(select(TimeEntry.id)) is None


def test_mistakes_are_explained_kindly_and_what_was_typed_is_kept(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    response = client.post(
        "/time/new",
        data=_form(
            w,
            work_date=["31", "2", "2026"],
            fee_choice="reduce",
            fee_requested_pence="12.345",
            notes="I helped set up the room",
        ),
    )
    assert response.status_code == 400
    assert "<title>Error: Log time" in response.text
    assert "There is a problem" in response.text
    assert "Enter a real date" in response.text
    assert "nearest penny" in response.text
    assert 'value="12.345"' in response.text and "I helped set up the room" in response.text
    assert db.session.scalar(select(TimeEntry.id)) is None


def test_missing_answers_each_get_a_message(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    response = client.post(
        "/time/new",
        data=_form(w, project_id="", activity_type_id="", hours="", minutes="", work_date=""),
    )
    assert response.status_code == 400
    for message in ("Choose a project", "Choose what kind of work it was", "Enter the date"):
        assert message in response.text
    later = client.post("/time/new", data=_form(w, hours="", minutes=""))
    assert later.status_code == 400 and "Enter how long the work took" in later.text
    future = client.post("/time/new", data=_form(w, work_date=["1", "1", "2099"]))
    assert "The date cannot be in the future" in future.text


def test_no_rate_is_explained_before_sending_and_it_stays_a_draft(client: FlaskClient) -> None:
    w = make_world()
    entry = _draft(w, work_date=date(2026, 3, 31))
    sign_in(client, w.person_user.email)
    page = client.get(f"/time/{entry.id}")
    assert "There is no agreed rate for Meeting on 31 March 2026" in page.text
    sent = client.post(f"/time/{entry.id}/submit", follow_redirects=True)
    assert "There is no agreed rate" in sent.text
    db.session.refresh(entry)
    assert entry.status == "draft"


def test_benefit_warning_is_calm_shown_before_and_after_sending_and_never_blocks(
    client: FlaskClient,
) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    w.person.benefits_warnings = True
    db.session.add(
        ContributorThreshold(
            contributor_id=w.person.id, threshold_label="Permitted work lower limit"
        )
    )
    entry = _draft(w, minutes=120)  # £27.60, over £20.00 a week
    sign_in(client, w.person_user.email)
    page = client.get(f"/time/{entry.id}")
    assert "A note about benefits" in page.text
    assert "above £20.00 (Permitted work lower limit)" in page.text
    sent = client.post(f"/time/{entry.id}/submit", follow_redirects=True)
    assert "Sent for approval" in sent.text
    assert "If you get ESA or another disability benefit" in sent.text
    assert "It is your choice" in sent.text
    db.session.refresh(entry)
    assert entry.status == "submitted"


def test_a_person_without_a_contributor_record_is_told_kindly(client: FlaskClient) -> None:
    user = make_user("contributor")
    sign_in(client, user.email)
    page = client.get("/time/new")
    assert page.status_code == 200
    assert "We cannot find your contributor details" in page.text
    assert "something you did wrong" in page.text


TEXT = st.text(max_size=30) | st.sampled_from(["", "0", "1", "99999999999999999999", "²", "-1"])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "project_id",
                "activity_type_id",
                "hours",
                "minutes",
                "notes",
                "fee_choice",
                "fee_requested_pence",
            ]
        ),
        TEXT,
    ),
    date_parts=st.lists(TEXT, max_size=4),
)
def test_whatever_is_typed_into_log_time_never_breaks_the_page(
    app: Flask, client: FlaskClient, fields: dict[str, str], date_parts: list[str]
) -> None:
    if "fuzz_world" not in app.extensions:
        w = make_world()
        sign_in(client, w.person_user.email)
        app.extensions["fuzz_world"] = w
    w = app.extensions["fuzz_world"]
    response = client.post("/time/new", data={**_form(w), **fields, "work_date": date_parts})
    assert response.status_code in {302, 400}
