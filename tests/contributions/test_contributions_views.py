"""My contributions: everything in one list with what happens next; access needs and benefit
warnings that the contributor sets for themselves."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.conftest import sign_in
from tests.factories import make_contributor, make_user
from tests.items import World, entry_input, make_world
from tracker.adaptations import services as adaptations
from tracker.audit.models import AuditEvent
from tracker.contributors.models import AccessNeed, ContributorThreshold
from tracker.expenses import services as expenses
from tracker.extensions import db
from tracker.items import services as items
from tracker.rates import services as rates
from tracker.timesheets import services as timesheets


def _entry(w: World, **overrides: Any) -> Any:
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w, **overrides))
    db.session.commit()
    return entry


def _claim(w: World, amount: int = 450) -> Any:
    claim = expenses.create_expense(
        actor=w.person_user,
        data=expenses.ClaimInput(
            contributor_id=w.person.id,
            project_id=w.project.id,
            claim_date=date(2026, 5, 5),
            category="public_transport",
            amount_pence=amount,
            receipt_missing_reason="Bus ticket",
        ),
    )
    db.session.commit()
    return claim


def _request(w: World) -> Any:
    item = adaptations.create_request(
        actor=w.person_user,
        data=adaptations.RequestInput(
            contributor_id=w.person.id,
            project_id=w.project.id,
            kind="laptop",
            description="For online meetings",
            estimated_pence=35000,
            provision="loan",
            payment="supplier",
        ),
    )
    db.session.commit()
    return item


def test_my_contributions_shows_every_kind_with_status_and_next_steps(
    client: FlaskClient,
) -> None:
    w = make_world()
    draft = _entry(w)
    returned = _entry(w, work_date=date(2026, 5, 6), minutes=120)
    items.submit_item(actor=w.person_user, item=returned)
    items.return_item(actor=w.coordinator, item=returned, reason="Wrong date, sorry")
    claim = _claim(w)
    items.submit_item(actor=w.person_user, item=claim)
    request_ = _request(w)
    by_coordinator = timesheets.create_time_entry(
        actor=w.coordinator, data=entry_input(w, work_date=date(2026, 5, 1), minutes=60)
    )
    db.session.commit()

    sign_in(client, w.person_user.email)
    page = client.get("/my/")
    assert page.status_code == 200
    text = page.text
    for words in ("Log time", "Claim an expense", "Ask for equipment or support"):
        assert words in text
    assert "Meeting, 50 minutes" in text and "Meeting, 2 hours" in text
    assert "Public transport" in text and "£4.50" in text
    assert "Laptop" in text and "£350.00" in text
    assert "Needs changes" in text and "Wrong date, sorry" in text
    assert "Sent for approval" in text  # the bus fare
    assert "Recorded by" in text and "Casey" in text
    assert f"/time/{draft.id}/edit" in text and f"/adaptations/{request_.id}/edit" in text
    assert f"/time/{by_coordinator.id}" in text
    assert f"/expenses/{claim.id}/edit" not in text  # sent, so not changeable
    assert "Exit this page" in text
    assert "Your access needs and benefit warnings" in text


def test_the_list_costs_the_same_number_of_queries_however_long_it_is(
    client: FlaskClient,
) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)

    def queries() -> int:
        statements: list[str] = []

        def count(*_args: Any) -> None:
            statements.append("q")

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/my/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    _entry(w)
    _claim(w)
    _request(w)
    few = queries()
    for day in range(6, 12):
        _entry(w, work_date=date(2026, 5, day))
        _claim(w)
        _request(w)
    assert queries() == few


def test_someone_else_cannot_see_my_items_on_their_list(client: FlaskClient) -> None:
    w = make_world()
    _entry(w, notes="private")
    _claim(w, amount=777)
    stranger = make_user("contributor")
    make_contributor(user=stranger, projects_=[w.project])
    sign_in(client, stranger.email)
    page = client.get("/my/")
    assert page.status_code == 200
    assert "£7.77" not in page.text and "Meeting" not in page.text
    assert "Nothing here yet" in page.text


def test_without_a_contributor_record_the_page_explains_kindly(client: FlaskClient) -> None:
    user = make_user("contributor")
    sign_in(client, user.email)
    page = client.get("/my/")
    assert page.status_code == 200
    assert "not linked to a contributor record" in page.text
    assert "ask your coordinator" in page.text
    needs = client.get("/my/access-needs")
    assert needs.status_code == 200 and "We cannot find your contributor details" in needs.text


def test_coordinator_sees_drafts_they_recorded_for_other_people(client: FlaskClient) -> None:
    w = make_world()
    entry = timesheets.create_time_entry(actor=w.coordinator, data=entry_input(w))
    db.session.commit()
    sign_in(client, w.coordinator.email)
    page = client.get("/my/")
    assert page.status_code == 200
    assert "You recorded these for other people" in page.text
    assert "Robin" in page.text and f"/time/{entry.id}" in page.text


def test_contributor_sets_access_needs_with_a_short_detail(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    page = client.get("/my/access-needs")
    assert page.status_code == 200
    assert "BSL interpreter" in page.text and "Regular breaks" in page.text
    assert "Tell us what you need, not why" in page.text
    saved = client.post(
        "/my/access-needs",
        data={
            "needs": ["breaks", "large_print"],
            "detail_breaks": "A break every hour",
            "detail_large_print": "",
            "detail_quiet_room": "ignored, not ticked",
        },
    )
    assert saved.status_code == 302
    needs = {
        n.need: n.detail
        for n in db.session.scalars(
            select(AccessNeed).where(AccessNeed.contributor_id == w.person.id)
        )
    }
    assert needs == {"breaks": "A break every hour", "large_print": ""}
    page = client.get("/my/access-needs")
    assert 'value="A break every hour"' in page.text
    event_row = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contributor.access_needs_changed")
    ).one()
    assert "A break every hour" not in event_row.changes
    assert json.loads(event_row.changes)["access_needs"] == [0, 2]

    client.post("/my/access-needs", data={"needs": ["breaks"], "detail_breaks": "Every hour"})
    assert [(n.need, n.detail) for n in db.session.scalars(select(AccessNeed))] == [
        ("breaks", "Every hour")
    ]


def test_a_long_detail_is_refused_kindly_and_kept(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    response = client.post(
        "/my/access-needs", data={"needs": ["companion"], "detail_companion": "x" * 201}
    )
    assert response.status_code == 400
    assert "<title>Error: Your access needs" in response.text
    assert "Keep this to 200 characters or fewer" in response.text
    assert "x" * 201 in response.text
    assert db.session.scalar(select(AccessNeed.id)) is None


def test_contributor_chooses_benefit_warnings_and_can_turn_them_off(client: FlaskClient) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    db.session.commit()
    sign_in(client, w.person_user.email)
    page = client.get("/my/access-needs")
    assert "Universal Credit work allowance" in page.text
    assert "Fees over £411.00 in a calendar month" in page.text
    assert "Trading allowance" not in page.text  # a tax figure, not a benefit
    saved = client.post(
        "/my/benefit-warnings", data={"benefits-thresholds": ["Universal Credit work allowance"]}
    )
    assert saved.status_code == 302
    db.session.refresh(w.person)
    assert w.person.benefits_warnings
    chosen = db.session.scalars(select(ContributorThreshold.threshold_label)).all()
    assert chosen == ["Universal Credit work allowance"]
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contributor.benefit_warnings_changed")
    ).one()
    assert "Universal Credit" not in audit.changes

    both = client.post(
        "/my/benefit-warnings",
        data={"benefits-thresholds": ["Universal Credit work allowance", "none"]},
    )
    assert both.status_code == 400 and "not both" in both.text

    client.post("/my/benefit-warnings", data={"benefits-thresholds": ["none"]})
    db.session.refresh(w.person)
    assert not w.person.benefits_warnings
    assert db.session.scalar(select(ContributorThreshold.threshold_label)) is None

    unknown = client.post("/my/benefit-warnings", data={"benefits-thresholds": ["Made up"]})
    assert unknown.status_code == 400 and "Choose from the list" in unknown.text
