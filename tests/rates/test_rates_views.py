"""Rate card pages as finance, admin and coordinators use them."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient

from tests.conftest import sign_in
from tests.factories import make_activity, make_contributor, make_project, make_user
from tracker.extensions import db
from tracker.rates import services
from tracker.rates.models import ExpenseCap, MileageRate, Rate, Threshold


def _rate_form(activity_id: int, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "activity_type_id": str(activity_id),
        "project_id": "",
        "contributor_id": "",
        "basis": "hour",
        "amount": "13.80",
        "increment_minutes": "15",
        "rounding": "up",
        "minimum_minutes": "0",
        "half_day_max_minutes": "240",
        "effective_from": ["1", "4", "2026"],
        "note": "",
    }
    data.update(overrides)
    return data


def test_finance_previews_then_saves_a_new_rate(client: FlaskClient) -> None:
    finance = make_user("finance")
    activity = make_activity("Meeting")
    sign_in(client, finance.email)
    preview = client.post("/rates/new", data={**_rate_form(activity.id), "preview": "y"})
    assert preview.status_code == 200
    assert "No unapproved work would change" in preview.text
    assert db.session.scalar(db.select(db.func.count(Rate.id))) == 0
    saved = client.post("/rates/new", data={**_rate_form(activity.id), "save": "y"})
    assert saved.status_code == 302
    rate = db.session.scalars(db.select(Rate)).one()
    assert (rate.amount_pence, rate.effective_from, rate.created_by_id) == (
        1380,
        date(2026, 4, 1),
        finance.id,
    )
    page = client.get("/rates/")
    assert "£13.80 an hour, in 15-minute blocks rounded up" in page.text
    assert "In use today" in page.text


def test_bad_amount_is_explained_and_what_was_typed_is_kept(client: FlaskClient) -> None:
    finance = make_user("finance")
    activity = make_activity()
    sign_in(client, finance.email)
    response = client.post(
        "/rates/new", data={**_rate_form(activity.id, amount="12.345"), "preview": "y"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "nearest penny" in response.text
    assert 'value="12.345"' in response.text
    assert "<title>Error:" in response.text


def test_impossible_date_gets_a_kind_message(client: FlaskClient) -> None:
    finance = make_user("finance")
    activity = make_activity()
    sign_in(client, finance.email)
    response = client.post(
        "/rates/new",
        data={**_rate_form(activity.id, effective_from=["31", "2", "2026"]), "preview": "y"},
    )
    assert response.status_code == 400
    assert "Enter a real date" in response.text


def test_coordinator_reads_rates_but_cannot_change_them(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    activity = make_activity()
    sign_in(client, coordinator.email)
    assert client.get("/rates/").status_code == 200
    assert "Add a rate" not in client.get("/rates/").text
    assert client.get("/rates/new").status_code == 403
    assert client.post("/rates/new", data=_rate_form(activity.id)).status_code == 403
    assert client.post("/rates/caps", data={"category": "taxi", "cap": "1"}).status_code == 403


def test_coordinator_does_not_see_other_projects_rates(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    mine = make_project(name="Mine", coordinators=[coordinator])
    theirs = make_project(name="Theirs")
    activity = make_activity()
    finance = make_user("finance")
    for project in (mine, theirs):
        services.create_rate(
            actor=finance,
            data=services.RateInput(
                activity_type_id=activity.id,
                project_id=project.id,
                contributor_id=None,
                basis="session",
                effective_from=date(2026, 4, 1),
                amount_pence=4000,
            ),
        )
    db.session.commit()
    sign_in(client, coordinator.email)
    page = client.get("/rates/").text
    assert "Project rate: Mine" in page
    assert "Theirs" not in page


def test_contributor_cannot_open_rate_pages(client: FlaskClient) -> None:
    sign_in(client, make_user("contributor").email)
    assert client.get("/rates/").status_code == 403
    assert client.get("/rates/calculator").status_code == 403


def test_calculator_shows_which_rate_applies_and_why(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    project = make_project(coordinators=[coordinator])
    activity = make_activity("Interview")
    services.create_rate(
        actor=make_user("finance"),
        data=services.RateInput(
            activity_type_id=activity.id,
            project_id=None,
            contributor_id=None,
            basis="hour",
            effective_from=date(2026, 4, 1),
            amount_pence=2750,
            rounding="nearest",
        ),
    )
    db.session.commit()
    sign_in(client, coordinator.email)
    page = client.get(
        "/rates/calculator",
        query_string={
            "project_id": project.id,
            "activity_type_id": activity.id,
            "contributor_id": "",
            "work_date": ["1", "5", "2026"],
            "hours": "0",
            "minutes": "52",
        },
    )
    assert page.status_code == 200
    assert "£20.63" in page.text
    assert "Organisation default rate for Interview" in page.text
    assert "45 minutes" in page.text


def test_calculator_says_plainly_when_no_rate_applies(client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    project = make_project(coordinators=[coordinator])
    activity = make_activity()
    sign_in(client, coordinator.email)
    page = client.get(
        "/rates/calculator",
        query_string={
            "project_id": project.id,
            "activity_type_id": activity.id,
            "work_date": ["1", "5", "2026"],
            "hours": "1",
            "minutes": "0",
        },
    )
    assert page.status_code == 400
    assert "No rate applies" in page.text


def test_preview_shows_affected_entries_for_a_rate_change(client: FlaskClient) -> None:
    from tracker.timesheets.models import TimeEntry

    finance = make_user("finance")
    activity = make_activity()
    project = make_project()
    person = make_contributor(projects_=[project], name="Robin")
    services.create_rate(
        actor=finance,
        data=services.RateInput(
            activity_type_id=activity.id,
            project_id=None,
            contributor_id=None,
            basis="hour",
            effective_from=date(2026, 4, 1),
            amount_pence=1000,
        ),
    )
    db.session.add(
        TimeEntry(
            contributor_id=person.id,
            project_id=project.id,
            activity_type_id=activity.id,
            work_date=date(2026, 9, 1),
            minutes=60,
            recorded_by_id=finance.id,
        )
    )
    db.session.commit()
    sign_in(client, finance.email)
    page = client.post(
        "/rates/new",
        data={
            **_rate_form(activity.id, amount="12.00", effective_from=["1", "8", "2026"]),
            "preview": "y",
        },
    )
    assert "Robin" in page.text
    assert "£10.00" in page.text and "£12.00" in page.text
    assert "Save this rate" in page.text


def test_finance_manages_mileage_caps_and_thresholds(client: FlaskClient) -> None:
    finance = make_user("finance")
    sign_in(client, finance.email)
    assert (
        client.post(
            "/rates/mileage",
            data={
                "vehicle": "motorcycle",
                "effective_from": ["6", "4", "2027"],
                "pence_per_mile": "26",
            },
        ).status_code
        == 302
    )
    assert db.session.scalars(db.select(MileageRate)).one().pence_per_mile == 26
    assert client.post("/rates/caps", data={"category": "taxi", "cap": "30"}).status_code == 302
    assert db.session.get(ExpenseCap, "taxi").cap_pence == 3000  # type: ignore[union-attr]
    response = client.post(
        "/rates/thresholds",
        data={
            "label": "Example limit",
            "purpose": "benefits",
            "period": "month",
            "amount": "400",
            "valid_from": ["6", "4", "2026"],
            "advice": "Talk to an adviser.",
        },
    )
    assert response.status_code == 302
    assert db.session.scalars(db.select(Threshold)).one().amount_pence == 40000
    assert "Example limit" in client.get("/rates/thresholds").text


def test_half_filled_mileage_threshold_is_explained(client: FlaskClient) -> None:
    sign_in(client, make_user("finance").email)
    response = client.post(
        "/rates/mileage",
        data={
            "vehicle": "car",
            "effective_from": ["6", "4", "2027"],
            "pence_per_mile": "50",
            "threshold_miles": "10000",
        },
    )
    assert response.status_code == 400
    assert "Give both the miles and the rate after them" in response.text
