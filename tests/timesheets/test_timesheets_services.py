"""Time entries through their whole lifecycle, including the forbidden moves."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.factories import make_contributor, make_user
from tests.items import entry_input, make_world
from tracker.audit.models import AuditEvent
from tracker.contributors.models import ContributorThreshold
from tracker.errors import Conflict, Forbidden, NotFound, TrackerError
from tracker.extensions import db
from tracker.items import services as items
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.kinds import ItemKind
from tracker.rates import services as rates
from tracker.timesheets import services as timesheets


def test_contributor_logs_submits_and_coordinator_approves_at_the_agreed_rate(app) -> None:
    w = make_world()
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    assert entry.status == "draft" and entry.recorded_by_id == w.person_user.id
    items.submit_item(actor=w.person_user, item=entry)
    items.approve_item(actor=w.coordinator, item=entry)
    assert entry.status == "approved"
    assert (entry.billable_minutes, entry.calculated_fee_pence, entry.fee_pence) == (60, 1380, 1380)
    snapshot = json.loads(entry.rate_snapshot or "{}")
    assert snapshot["amount_pence"] == 1380 and snapshot["basis"] == "hour"
    assert entry.decided_by_id == w.coordinator.id


def test_approved_fee_never_changes_when_rates_change(app) -> None:
    w = make_world()
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    items.submit_item(actor=w.person_user, item=entry)
    items.approve_item(actor=w.coordinator, item=entry)
    rates.create_rate(
        actor=make_user("finance"),
        data=rates.RateInput(
            activity_type_id=w.activity.id,
            project_id=None,
            contributor_id=None,
            basis="hour",
            effective_from=date(2026, 5, 1),
            amount_pence=9999,
        ),
    )
    db.session.commit()
    db.session.refresh(entry)
    assert entry.fee_pence == 1380
    with pytest.raises(Conflict):
        timesheets.update_time_entry(actor=w.person_user, entry=entry, data=entry_input(w))


def test_no_rate_means_it_cannot_be_submitted_and_says_so_plainly(app) -> None:
    w = make_world()
    entry = timesheets.create_time_entry(
        actor=w.person_user, data=entry_input(w, work_date=date(2026, 3, 31))
    )
    with pytest.raises(TrackerError) as caught:
        items.submit_item(actor=w.person_user, item=entry)
    assert "There is no agreed rate for Meeting on 31 March 2026" in caught.value.message
    assert entry.status == "draft"


def test_nobody_approves_their_own_work(app) -> None:
    w = make_world()
    own = make_contributor(user=w.coordinator, projects_=[w.project], name="Casey")
    entry = timesheets.create_time_entry(
        actor=w.coordinator, data=entry_input(w, contributor_id=own.id)
    )
    items.submit_item(actor=w.coordinator, item=entry)
    with pytest.raises(Forbidden, match="your own work"):
        items.approve_item(actor=w.coordinator, item=entry)
    items.approve_item(actor=w.other_coordinator, item=entry)
    assert entry.status == "approved"


def test_the_recorder_cannot_approve_what_they_recorded(app) -> None:
    w = make_world()
    paper = make_contributor(projects_=[w.project], name="No login")
    entry = timesheets.create_time_entry(
        actor=w.coordinator, data=entry_input(w, contributor_id=paper.id)
    )
    items.submit_item(actor=w.coordinator, item=entry)
    with pytest.raises(Forbidden, match="recorded this yourself"):
        items.approve_item(actor=w.coordinator, item=entry)
    items.approve_item(actor=w.other_coordinator, item=entry)


def test_coordinator_of_another_project_cannot_decide_or_record(app) -> None:
    w = make_world()
    stranger = make_user("coordinator")
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    items.submit_item(actor=w.person_user, item=entry)
    with pytest.raises(Forbidden):
        items.approve_item(actor=stranger, item=entry)
    with pytest.raises(NotFound):
        timesheets.create_time_entry(actor=stranger, data=entry_input(w))
    with pytest.raises(NotFound):
        lifecycle.get_visible(stranger, ItemKind.TIME, entry.id)


def test_contributor_cannot_see_another_contributors_entry(app) -> None:
    w = make_world()
    other_user = make_user("contributor")
    make_contributor(user=other_user, projects_=[w.project])
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    with pytest.raises(NotFound):
        lifecycle.get_visible(other_user, ItemKind.TIME, entry.id)
    assert lifecycle.get_visible(w.person_user, ItemKind.TIME, entry.id) is entry


def test_return_needs_a_reason_and_the_contributor_can_fix_and_resubmit(app) -> None:
    w = make_world()
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    items.submit_item(actor=w.person_user, item=entry)
    with pytest.raises(TrackerError):
        items.return_item(actor=w.coordinator, item=entry, reason="  ")
    items.return_item(actor=w.coordinator, item=entry, reason="Was it 2 hours?")
    assert entry.status == "returned" and entry.return_reason == "Was it 2 hours?"
    timesheets.update_time_entry(actor=w.person_user, entry=entry, data=entry_input(w, minutes=120))
    items.submit_item(actor=w.person_user, item=entry)
    assert entry.status == "submitted" and entry.return_reason is None


def test_withdraw_only_before_a_decision(app) -> None:
    w = make_world()
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    items.submit_item(actor=w.person_user, item=entry)
    items.withdraw_item(actor=w.person_user, item=entry)
    assert entry.status == "withdrawn"
    second = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    items.submit_item(actor=w.person_user, item=second)
    items.approve_item(actor=w.coordinator, item=second)
    with pytest.raises(Conflict, match="already been decided"):
        items.withdraw_item(actor=w.person_user, item=second)


def test_declined_fee_is_zero_but_calculated_fee_and_hours_are_kept(app) -> None:
    w = make_world()
    entry = timesheets.create_time_entry(
        actor=w.person_user, data=entry_input(w, fee_choice="decline")
    )
    items.submit_item(actor=w.person_user, item=entry)
    items.approve_item(actor=w.coordinator, item=entry)
    assert (entry.fee_pence, entry.calculated_fee_pence, entry.minutes) == (0, 1380, 50)


def test_reduced_fee_must_be_less_than_the_full_fee(app) -> None:
    w = make_world(pence=4125, basis="session")
    too_much = timesheets.create_time_entry(
        actor=w.person_user, data=entry_input(w, fee_choice="reduce", fee_requested_pence=5000)
    )
    with pytest.raises(TrackerError, match="less than the full fee"):
        items.submit_item(actor=w.person_user, item=too_much)
    entry = timesheets.create_time_entry(
        actor=w.person_user, data=entry_input(w, fee_choice="reduce", fee_requested_pence=2000)
    )
    items.submit_item(actor=w.person_user, item=entry)
    items.approve_item(actor=w.coordinator, item=entry)
    assert (entry.fee_pence, entry.calculated_fee_pence) == (2000, 4125)


def test_future_dates_and_silly_durations_are_refused_kindly(app) -> None:
    w = make_world()
    with pytest.raises(TrackerError) as caught:
        timesheets.create_time_entry(
            actor=w.person_user, data=entry_input(w, work_date=date(2999, 1, 1), minutes=2000)
        )
    assert set(caught.value.fields) == {"work_date", "minutes"}


def test_benefit_warning_when_an_approval_passes_a_chosen_threshold(app) -> None:
    w = make_world(pence=5000, basis="session")
    rates.load_shipped_reference_data()
    w.person.benefits_warnings = True
    db.session.add(
        ContributorThreshold(
            contributor_id=w.person.id, threshold_label="Permitted work lower limit"
        )
    )
    db.session.commit()
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    warnings = items.submit_item(actor=w.person_user, item=entry)
    assert [x.threshold.label for x in warnings] == ["Permitted work lower limit"]
    assert items.approve_item(actor=w.coordinator, item=entry)


def test_no_warning_for_someone_who_did_not_opt_in(app) -> None:
    w = make_world(pence=5000, basis="session")
    rates.load_shipped_reference_data()
    db.session.add(
        ContributorThreshold(
            contributor_id=w.person.id, threshold_label="Permitted work lower limit"
        )
    )
    db.session.commit()
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    assert items.submit_item(actor=w.person_user, item=entry) == []


def test_every_transition_is_audited(app) -> None:
    w = make_world()
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    items.submit_item(actor=w.person_user, item=entry)
    items.return_item(actor=w.coordinator, item=entry, reason="Check")
    items.submit_item(actor=w.person_user, item=entry)
    items.approve_item(actor=w.coordinator, item=entry)
    actions = list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .filter_by(entity_type="time", entity_id=entry.id)
            .order_by(AuditEvent.id)
        )
    )
    assert actions == [
        "time.created",
        "time.submit",
        "time.return",
        "time.submit",
        "time.approve",
    ]


def test_database_refuses_an_approved_entry_without_its_snapshot(app) -> None:
    from sqlalchemy.exc import IntegrityError

    w = make_world()
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w))
    db.session.commit()
    entry.status = "approved"
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
