"""A small world for item tests: a project with a coordinator, a contributor with a login,
a rate, and helpers to record items through the services (and approve them for payment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.factories import make_activity, make_contributor, make_project, make_user
from tracker.adaptations import services as adaptations
from tracker.adaptations.services import RequestInput
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.expenses import services as expenses
from tracker.expenses.services import ClaimInput
from tracker.extensions import db
from tracker.items import services as items
from tracker.payments import services as payments
from tracker.projects.models import ActivityType, Project
from tracker.rates import services as rates
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry


@dataclass
class World:
    coordinator: User
    other_coordinator: User
    person_user: User
    person: Contributor
    project: Project
    activity: ActivityType


def make_world(*, pence: int = 1380, basis: str = "hour", **rate: Any) -> World:
    coordinator = make_user("coordinator", name="Casey")
    other = make_user("coordinator", name="Olu")
    person_user = make_user("contributor", name="Robin")
    project = make_project(coordinators=[coordinator, other])
    person = make_contributor(user=person_user, projects_=[project], name="Robin")
    activity = make_activity("Meeting")
    rates.create_rate(
        actor=make_user("finance"),
        data=rates.RateInput(
            activity_type_id=activity.id,
            project_id=None,
            contributor_id=None,
            basis=basis,
            effective_from=date(2026, 4, 1),
            amount_pence=pence,
            **rate,
        ),
    )
    db.session.commit()
    return World(coordinator, other, person_user, person, project, activity)


def entry_input(world: World, **overrides: Any) -> timesheets.EntryInput:
    values: dict[str, Any] = {
        "contributor_id": world.person.id,
        "project_id": world.project.id,
        "activity_type_id": world.activity.id,
        "work_date": date(2026, 5, 4),
        "minutes": 50,
    }
    values.update(overrides)
    return timesheets.EntryInput(**values)


class Paying:
    """A world with a finance user and helpers to approve work for several people."""

    def __init__(self) -> None:
        self.world: World = make_world()
        rates.load_shipped_reference_data()
        self.finance: User = make_user("finance", name="Fran")
        self.people = [self.world.person]
        db.session.commit()

    def add_person(self, name: str, method: str | None = "bank_transfer") -> Any:
        person = make_contributor(projects_=[self.world.project], name=name, payment_method=method)
        self.people.append(person)
        return person

    def approved_time(
        self, person: Any, minutes: int = 50, on: date = date(2026, 5, 4), **kw: Any
    ) -> TimeEntry:
        w = self.world
        entry = timesheets.create_time_entry(
            actor=w.coordinator,
            data=entry_input(w, contributor_id=person.id, minutes=minutes, work_date=on, **kw),
        )
        items.submit_item(actor=w.coordinator, item=entry)
        items.approve_item(actor=w.other_coordinator, item=entry)
        db.session.commit()
        return entry

    def approved_expense(self, person: Any, pence: int = 450, **kw: Any) -> Any:
        w = self.world
        values: dict[str, Any] = {
            "contributor_id": person.id,
            "project_id": w.project.id,
            "claim_date": date(2026, 5, 5),
            "category": "public_transport",
            "amount_pence": pence,
            "receipt_missing_reason": "Bus ticket",
        }
        values.update(kw)
        claim = expenses.create_expense(actor=w.coordinator, data=ClaimInput(**values))
        items.submit_item(actor=w.coordinator, item=claim)
        items.approve_item(actor=w.other_coordinator, item=claim)
        db.session.commit()
        return claim


def _budget_adaptation(p: Paying, payment: str, estimate: int, kind: str = "laptop") -> object:
    w = p.world
    item = adaptations.create_request(
        actor=w.person_user,
        data=RequestInput(
            contributor_id=w.person.id,
            project_id=w.project.id,
            kind=kind,
            description="x",
            estimated_pence=estimate,
            provision="gift",
            payment=payment,
        ),
    )
    items.submit_item(actor=w.person_user, item=item)
    items.approve_item(actor=w.coordinator, item=item)
    db.session.commit()
    return item


def budget_dataset(paying: Paying) -> Paying:
    """By hand (rate £13.80 an hour, 15-minute blocks rounded up):
    fees: paid 60 min £13.80; on a confirmed slip 120 min £27.60; in a draft run — none;
          approved 30 min £6.90; declined 90 min £0 (approved); submitted 60 min (not counted)
    expenses: paid £4.50; approved £12.00
    adaptations: supplier laptop approved, estimate £300 (committed);
                 supplier tablet provided at £250 (spent); reimbursed data top-up provided at
                 £15 and unpaid (committed at actual)
    """
    robin = paying.people[0]
    w = paying.world
    paid_entry = paying.approved_time(robin, minutes=60)
    paid_claim = paying.approved_expense(robin, pence=450)
    run = payments.create_payment_run(actor=paying.finance, cut_off=date.today())
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    payments.mark_run_paid(actor=paying.finance, run_id=run.id, paid_on=date.today(), reference="r")
    db.session.commit()
    paying.approved_time(robin, minutes=120)
    run = payments.create_payment_run(actor=paying.finance, cut_off=date.today())
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    paying.approved_time(robin, minutes=30)
    paying.approved_time(robin, minutes=90, fee_choice="decline")
    paying.approved_expense(robin, pence=1200)
    waiting = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w, minutes=60))
    items.submit_item(actor=w.person_user, item=waiting)
    _budget_adaptation(paying, "supplier", 30000)
    tablet = _budget_adaptation(paying, "supplier", 26000, kind="tablet")
    adaptations.mark_provided(actor=w.coordinator, item=tablet, actual_pence=25000)
    top_up = _budget_adaptation(paying, "reimburse", 1000, kind="data_top_up")
    adaptations.mark_provided(actor=w.coordinator, item=top_up, actual_pence=1500)
    db.session.commit()
    del paid_entry, paid_claim
    return paying
