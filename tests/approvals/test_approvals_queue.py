"""The approval queue: what a coordinator sees, what they may tick, and its query count."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.approvals.support import submitted_claim, submitted_entry, submitted_request
from tests.conftest import sign_in
from tests.factories import make_activity, make_contributor, make_project, make_user
from tests.items import make_world
from tracker.extensions import db
from tracker.rates import services as rates


def test_queue_shows_every_kind_waiting_with_names_estimates_and_flags(
    client: FlaskClient,
) -> None:
    w = make_world()
    rates.set_expense_cap(actor=make_user("finance"), category="taxi", cap_pence=1500)
    db.session.commit()
    entry = submitted_entry(w, notes="Steering group")
    claim = submitted_claim(w)
    request = submitted_request(w)
    sign_in(client, w.coordinator.email)
    page = client.get("/approvals/")
    assert page.status_code == 200
    html = page.text
    assert "Robin – Meeting" in html and "Robin – Taxi" in html and "Robin – Laptop" in html
    assert "50 minutes" in html and "£13.80" in html  # 50 minutes billed as an hour
    assert "£18.50" in html and "£300.00" in html
    assert "Over the £15.00 cap" in html
    assert "No receipt – reason given" in html
    assert f'value="time-{entry.id}"' in html
    # Over the cap, and requests, are decided on their own page: no checkbox.
    assert f'value="expense-{claim.id}"' not in html
    assert f'value="adaptation-{request.id}"' not in html
    assert f"/approvals/adaptations/{request.id}" in html


def test_items_the_coordinator_may_not_decide_show_the_reason_instead_of_a_checkbox(
    client: FlaskClient,
) -> None:
    w = make_world()
    own = make_contributor(user=w.coordinator, projects_=[w.project], name="Casey")
    paper = make_contributor(projects_=[w.project], name="Pat")
    mine = submitted_entry(w, by=w.coordinator, contributor_id=own.id)
    recorded = submitted_entry(w, by=w.coordinator, contributor_id=paper.id)
    sign_in(client, w.coordinator.email)
    html = client.get("/approvals/").text
    assert f'value="time-{mine.id}"' not in html
    assert f'value="time-{recorded.id}"' not in html
    assert "You cannot approve your own work. Another coordinator needs to do it." in html
    assert "You recorded this yourself, so another coordinator needs to approve it." in html
    assert "Recorded by you" in html
    # The other coordinator may decide both.
    client.post("/sign-out")
    sign_in(client, w.other_coordinator.email)
    html = client.get("/approvals/").text
    assert f'value="time-{mine.id}"' in html and f'value="time-{recorded.id}"' in html
    assert "Recorded by Casey" in html


def test_no_rate_is_said_plainly_and_cannot_be_ticked(client: FlaskClient) -> None:
    w = make_world()
    other_activity = make_activity("Interview panel")
    entry = submitted_entry(w)
    # A rate can go away only by never having existed for the activity: move the entry there.
    entry.activity_type_id = other_activity.id
    db.session.commit()
    sign_in(client, w.coordinator.email)
    html = client.get("/approvals/").text
    assert "No rate yet – ask finance to add one" in html
    assert f'value="time-{entry.id}"' not in html


def test_other_projects_items_are_not_shown(client: FlaskClient) -> None:
    w = make_world()
    stranger = make_user("coordinator", name="Stranger")
    make_project(coordinators=[stranger])
    submitted_entry(w)
    sign_in(client, stranger.email)
    html = client.get("/approvals/").text
    assert "Robin" not in html
    assert "0 items" in html


def test_filters_by_kind_contributor_project_and_status(client: FlaskClient) -> None:
    w = make_world()
    other = make_contributor(projects_=[w.project], name="Jordan")
    entry = submitted_entry(w)
    submitted_entry(w, contributor_id=other.id, by=w.other_coordinator)
    claim = submitted_claim(w)
    sign_in(client, w.coordinator.email)
    assert "Robin – Taxi" not in client.get("/approvals/?kind=time").text
    by_person = client.get(f"/approvals/?contributor={other.id}").text
    assert "Jordan – Meeting" in by_person and "Robin – " not in by_person
    assert "3 items" in client.get(f"/approvals/?project={w.project.id}").text
    client.post(f"/approvals/time/{entry.id}/return", data={"return-reason": "Which day?"})
    client.post(f"/approvals/expenses/{claim.id}/approve")
    returned = client.get("/approvals/?status=returned").text
    assert "1 item: sent back" in returned and "Which day?" in returned
    approved = client.get("/approvals/?status=approved").text
    assert "Robin – Taxi" in approved and "Robin – Meeting" not in approved
    assert "Approved" in approved


def test_queue_is_paginated_newest_first(client: FlaskClient, monkeypatch: Any) -> None:
    from tracker.approvals import services

    monkeypatch.setattr(services, "PER_PAGE", 2)
    w = make_world()
    first = submitted_entry(w, work_date=date(2026, 5, 1))
    second = submitted_entry(w, work_date=date(2026, 5, 2))
    third = submitted_entry(w, work_date=date(2026, 5, 3))
    sign_in(client, w.coordinator.email)
    page_one = client.get("/approvals/").text
    assert f"time-{third.id}" in page_one and f"time-{second.id}" in page_one
    assert f"time-{first.id}" not in page_one
    assert "page 1 of 2" in page_one
    page_two = client.get("/approvals/?page=2").text
    assert f"time-{first.id}" in page_two and f"time-{third.id}" not in page_two


def test_contributor_cannot_open_the_queue(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    assert client.get("/approvals/").status_code == 403
    finance = make_user("finance")
    client.post("/sign-out")
    sign_in(client, finance.email)
    assert client.get("/approvals/").status_code == 403


def _count_queries(app: Flask, client: FlaskClient, url: str) -> tuple[int, str]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), response.text


def _add_items(w: Any, people: list[Any], n: int) -> None:
    for i in range(n):
        person = people[i % len(people)]
        kind = i % 3
        if kind == 0:
            submitted_entry(
                w,
                by=w.other_coordinator,
                contributor_id=person.id,
                work_date=date(2026, 5, 1 + i % 20),
                minutes=30 + i,
            )
        elif kind == 1:
            submitted_claim(w, by=w.other_coordinator, contributor_id=person.id)
        else:
            submitted_request(w, by=w.other_coordinator, contributor_id=person.id)


def test_queue_query_count_does_not_grow_with_rows(app: Flask, client: FlaskClient) -> None:
    w = make_world()
    rates.set_expense_cap(actor=make_user("finance"), category="taxi", cap_pence=1500)
    second = make_activity("Preparation")
    rates.create_rate(
        actor=make_user("finance"),
        data=rates.RateInput(
            activity_type_id=second.id,
            project_id=w.project.id,
            contributor_id=None,
            basis="session",
            effective_from=date(2026, 4, 1),
            amount_pence=4000,
        ),
    )
    people = [make_contributor(projects_=[w.project], name=f"Person {i}") for i in range(10)]
    db.session.commit()
    _add_items(w, people[:1], 3)
    sign_in(client, w.coordinator.email)
    few, html = _count_queries(app, client, "/approvals/")
    assert "3 items" in html
    _add_items(w, people, 27)
    # A second activity, so that rates for several activities are loaded together.
    submitted_entry(w, by=w.other_coordinator, activity_type_id=second.id)
    many, html = _count_queries(app, client, "/approvals/")
    assert "31 items" in html
    assert many == few, (few, many)
