"""The rate page's preview: which unapproved time entries a new rate version would reprice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.factories import make_activity, make_contributor, make_project, make_user
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.rates import services as rates
from tracker.rates.models import Rate
from tracker.rates.services import RateInput
from tracker.timesheets import repricing
from tracker.timesheets.models import TimeEntry


def _rate(activity_id: int, pence: int, on: date, project_id: int | None = None) -> None:
    rates.create_rate(
        actor=make_user("finance"),
        data=RateInput(
            activity_type_id=activity_id,
            project_id=project_id,
            contributor_id=None,
            basis="hour",
            effective_from=on,
            amount_pence=pence,
        ),
    )
    db.session.commit()


def _entry(
    contributor_id: int, project_id: int, activity_id: int, on: date, minutes: int, status: str
) -> TimeEntry:
    entry = TimeEntry(
        contributor_id=contributor_id,
        project_id=project_id,
        activity_type_id=activity_id,
        work_date=on,
        minutes=minutes,
        status=status,
        recorded_by_id=make_user("coordinator").id,
    )
    if status == "approved":
        entry.rate_id = db.session.scalars(db.select(Rate)).first().id  # type: ignore[union-attr]
        entry.fee_pence = entry.calculated_fee_pence = 999
        entry.approved_at = datetime.now(UTC)
    db.session.add(entry)
    db.session.commit()
    return entry


def _proposal(activity_id: int, pence: int, **kwargs: object) -> RateInput:
    return RateInput(
        activity_type_id=activity_id,
        project_id=kwargs.get("project_id"),  # type: ignore[arg-type]
        contributor_id=None,
        basis="hour",
        effective_from=date(2026, 6, 1),
        amount_pence=pence,
    )


def test_preview_lists_unapproved_work_that_would_change(app) -> None:  # type: ignore[no-untyped-def]
    activity = make_activity()
    project = make_project()
    person = make_contributor(projects_=[project])
    _rate(activity.id, 1000, date(2026, 4, 1))

    def entry(on: date, minutes: int, status: str) -> TimeEntry:
        return _entry(person.id, project.id, activity.id, on, minutes, status)

    before = entry(date(2026, 5, 1), 60, "draft")  # before the new version starts
    draft = entry(date(2026, 7, 1), 60, "draft")
    submitted = entry(date(2026, 7, 1), 90, "submitted")
    returned = entry(date(2026, 7, 3), 30, "returned")
    entry(date(2026, 7, 2), 60, "approved")  # its fee was fixed at approval
    entry(date(2026, 7, 2), 60, "withdrawn")
    rows = repricing.preview_rate(_proposal(activity.id, 1200))
    assert [(r.entry.id, r.current_pence, r.new_pence) for r in rows] == [
        (draft.id, 1000, 1200),
        (submitted.id, 1500, 1800),
        (returned.id, 500, 600),
    ]
    assert before.id not in {r.entry.id for r in rows}
    assert {(r.contributor_name, r.project_name) for r in rows} == {
        (person.preferred_name, project.name)
    }


def test_work_a_more_specific_rate_prices_is_not_listed(app) -> None:  # type: ignore[no-untyped-def]
    activity = make_activity()
    project, other = make_project(), make_project()
    person = make_contributor(projects_=[project, other])
    _rate(activity.id, 1000, date(2026, 4, 1))
    _rate(activity.id, 2000, date(2026, 4, 1), project_id=project.id)
    mine = _entry(person.id, project.id, activity.id, date(2026, 7, 1), 60, "draft")
    theirs = _entry(person.id, other.id, activity.id, date(2026, 7, 1), 60, "draft")
    rows = repricing.preview_rate(_proposal(activity.id, 1200))
    assert [r.entry.id for r in rows] == [theirs.id]
    # A new project rate reprices only that project's work; the same amount changes nothing.
    rows = repricing.preview_rate(_proposal(activity.id, 2500, project_id=project.id))
    assert [(r.entry.id, r.current_pence, r.new_pence) for r in rows] == [(mine.id, 2000, 2500)]
    assert repricing.preview_rate(_proposal(activity.id, 2000, project_id=project.id)) == []


def test_an_invalid_version_is_refused_before_anything_is_listed(app) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TrackerError) as refused:
        repricing.preview_rate(_proposal(0, 1200))
    assert refused.value.fields == {"activity_type_id": "Choose an activity"}
