"""Approved work ready for payment runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.factories import make_contributor, make_user
from tests.items import World, entry_input, make_world
from tracker.auth.models import User
from tracker.expenses import services as expenses
from tracker.expenses.services import ClaimInput
from tracker.extensions import db
from tracker.rates import services as rates
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry


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
        timesheets.submit_time_entry(actor=w.coordinator, entry=entry)
        timesheets.approve_time_entry(actor=w.other_coordinator, entry=entry)
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
        expenses.submit_expense(actor=w.coordinator, claim=claim)
        expenses.approve_expense(actor=w.other_coordinator, claim=claim)
        db.session.commit()
        return claim


@pytest.fixture
def paying(app: Any) -> Paying:
    return Paying()


@pytest.fixture
def run_factory(paying: Paying) -> Callable[..., Any]:
    from tracker.payments import services as payments

    def make(**kw: Any) -> Any:
        run = payments.create_payment_run(
            actor=paying.finance, cut_off=kw.pop("cut_off", date.today()), **kw
        )
        db.session.commit()
        return run

    return make
