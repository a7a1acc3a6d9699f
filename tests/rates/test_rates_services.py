"""Rate card services: estimates from stored rates and new versions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.factories import make_activity, make_contributor, make_project, make_user
from tracker.audit.models import AuditEvent
from tracker.errors import Conflict, TrackerError
from tracker.extensions import db
from tracker.rates import services
from tracker.rates.services import RateInput
from tracker.timesheets.models import TimeEntry


def _rate(activity_id: int, pence: int, on: date, **kwargs: object) -> None:
    services.create_rate(
        actor=make_user("finance"),
        data=RateInput(
            activity_type_id=activity_id,
            project_id=kwargs.pop("project_id", None),  # type: ignore[arg-type]
            contributor_id=kwargs.pop("contributor_id", None),  # type: ignore[arg-type]
            basis=str(kwargs.pop("basis", "hour")),
            effective_from=on,
            amount_pence=pence,
            **kwargs,  # type: ignore[arg-type]
        ),
    )
    db.session.commit()


def _entry(
    contributor_id: int,
    project_id: int,
    activity_id: int,
    on: date,
    minutes: int,
    status: str = "draft",
) -> TimeEntry:
    user = make_user("coordinator")
    entry = TimeEntry(
        contributor_id=contributor_id,
        project_id=project_id,
        activity_type_id=activity_id,
        work_date=on,
        minutes=minutes,
        status=status,
        recorded_by_id=user.id,
    )
    if status == "approved":
        entry.rate_id = db.session.scalars(db.select(services.Rate)).first().id  # type: ignore[union-attr]
        entry.fee_pence = entry.calculated_fee_pence = 999
        entry.approved_at = datetime.now(UTC)
    db.session.add(entry)
    db.session.commit()
    return entry


def test_estimate_uses_most_specific_scope_and_latest_version(app) -> None:
    activity = make_activity("Meeting")
    project = make_project()
    person = make_contributor(projects_=[project])
    _rate(activity.id, 1000, date(2026, 4, 1))
    _rate(activity.id, 1200, date(2026, 4, 1), project_id=project.id)
    _rate(activity.id, 1300, date(2026, 6, 1), project_id=project.id)
    _rate(activity.id, 1500, date(2026, 4, 1), contributor_id=person.id)
    _rate(activity.id, 2000, date(2026, 4, 1), project_id=project.id, contributor_id=person.id)
    other = make_contributor(projects_=[project])

    def fee(contributor_id: int, on: date) -> int | None:
        found = services.fee_for_work(
            activity_type_id=activity.id,
            project_id=project.id,
            contributor_id=contributor_id,
            work_date=on,
            minutes=60,
        )
        return found.fee_pence

    assert fee(person.id, date(2026, 5, 1)) == 2000
    assert fee(other.id, date(2026, 5, 31)) == 1200
    assert fee(other.id, date(2026, 6, 1)) == 1300  # effective on the work date itself
    assert fee(other.id, date(2026, 3, 31)) is None


def test_estimate_reports_the_worked_example(app) -> None:
    activity = make_activity()
    project = make_project()
    _rate(activity.id, 2750, date(2026, 4, 1), rounding="nearest")
    found = services.fee_for_work(
        activity_type_id=activity.id,
        project_id=project.id,
        contributor_id=None,
        work_date=date(2026, 5, 1),
        minutes=52,
    )
    assert found.calculation is not None
    assert found.calculation.billable_minutes == 45
    assert found.calculation.fee_pence == 2063


def test_a_second_version_on_the_same_date_is_refused(app) -> None:
    activity = make_activity()
    _rate(activity.id, 1000, date(2026, 4, 1))
    with pytest.raises(Conflict) as caught:
        _rate(activity.id, 1100, date(2026, 4, 1))
    assert "effective_from" in caught.value.fields


def test_missing_amounts_are_reported_per_field(app) -> None:
    activity = make_activity()
    with pytest.raises(TrackerError) as caught:
        services.create_rate(
            actor=make_user("finance"),
            data=RateInput(
                activity_type_id=activity.id,
                project_id=None,
                contributor_id=None,
                basis="day",
                effective_from=None,
                half_day_pence=5000,
            ),
        )
    assert set(caught.value.fields) == {"effective_from", "day_pence"}


def test_saving_a_rate_never_changes_approved_work(app) -> None:
    activity = make_activity()
    project = make_project()
    person = make_contributor(projects_=[project])
    _rate(activity.id, 1000, date(2026, 4, 1))
    approved = _entry(person.id, project.id, activity.id, date(2026, 7, 2), 60, status="approved")
    _rate(activity.id, 5000, date(2026, 4, 2))
    db.session.refresh(approved)
    assert approved.fee_pence == 999


def test_new_rates_are_audited(app) -> None:
    activity = make_activity()
    _rate(activity.id, 1000, date(2026, 4, 1))
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="rate.created")).one()
    assert '"amount_pence": [null, 1000]' in event.changes


def test_mileage_uses_the_dated_table(app) -> None:
    services.load_shipped_reference_data()
    calc = services.mileage_estimate(
        vehicle="car",
        miles=Decimal(30),
        passengers=2,
        claim_date=date(2026, 5, 1),
        earlier_miles=Decimal(9990),
    )
    assert calc.amount_pence == 1250
    services.add_mileage_rate(
        actor=make_user("finance"),
        vehicle="bicycle",
        effective_from=date(2026, 6, 1),
        pence_per_mile=25,
    )
    assert (
        services.mileage_estimate(
            vehicle="bicycle",
            miles=Decimal(10),
            passengers=0,
            claim_date=date(2026, 6, 1),
            earlier_miles=Decimal(0),
        ).amount_pence
        == 250
    )
    assert (
        services.mileage_estimate(
            vehicle="bicycle",
            miles=Decimal(10),
            passengers=0,
            claim_date=date(2026, 5, 31),
            earlier_miles=Decimal(0),
        ).amount_pence
        == 200
    )


def test_mileage_threshold_needs_both_figures(app) -> None:
    with pytest.raises(TrackerError) as caught:
        services.add_mileage_rate(
            actor=make_user("finance"),
            vehicle="car",
            effective_from=date(2027, 4, 6),
            pence_per_mile=50,
            threshold_miles=10000,
        )
    assert "threshold_miles" in caught.value.fields


def test_caps_can_be_set_changed_and_removed(app) -> None:
    finance = make_user("finance")
    services.set_expense_cap(actor=finance, category="taxi", cap_pence=3000)
    services.set_expense_cap(actor=finance, category="taxi", cap_pence=3500)
    assert services.expense_caps() == {"taxi": 3500}
    services.set_expense_cap(actor=finance, category="taxi", cap_pence=None)
    assert services.expense_caps() == {}
    with pytest.raises(TrackerError):
        services.set_expense_cap(actor=finance, category="mileage", cap_pence=100)


def test_threshold_versions_by_label(app) -> None:
    services.load_shipped_reference_data()
    finance = make_user("finance")
    services.add_threshold(
        actor=finance,
        label="Carer's Allowance earnings limit",
        purpose="benefits",
        period="week",
        amount_pence=20000,
        valid_from=date(2026, 4, 6),
        advice="Check it.",
    )
    from tracker.rates.domain import current_thresholds

    lines = services.threshold_lines("benefits")
    carers = [t for t in current_thresholds(lines, date(2026, 5, 1)) if "Carer" in t.label]
    assert [t.amount_pence for t in carers] == [20000]
    earlier = [t for t in current_thresholds(lines, date(2026, 4, 5)) if "Carer" in t.label]
    assert [t.amount_pence for t in earlier] == [19600]
    with pytest.raises(Conflict):
        services.add_threshold(
            actor=finance,
            label="Carer's Allowance earnings limit",
            purpose="benefits",
            period="week",
            amount_pence=1,
            valid_from=date(2026, 4, 6),
            advice="x",
        )
