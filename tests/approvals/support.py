"""Submitted items of every kind, made through the services, for the approval tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.items import World, entry_input
from tracker.adaptations import services as adaptations
from tracker.adaptations.models import AdaptationRequest
from tracker.auth.models import User
from tracker.expenses import services as expenses
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.items import services as items
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry


def submitted_entry(w: World, *, by: User | None = None, **overrides: Any) -> TimeEntry:
    actor = by or w.person_user
    entry = timesheets.create_time_entry(actor=actor, data=entry_input(w, **overrides))
    items.submit_item(actor=actor, item=entry)
    db.session.commit()
    return entry


def submitted_claim(w: World, *, by: User | None = None, **overrides: Any) -> ExpenseClaim:
    actor = by or w.person_user
    values: dict[str, Any] = {
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "claim_date": date(2026, 5, 4),
        "category": "taxi",
        "description": "Taxi home after the evening meeting",
        "amount_pence": 1850,
        "receipt_missing_reason": "The driver had no receipts",
    }
    values.update(overrides)
    claim = expenses.create_expense(actor=actor, data=expenses.ClaimInput(**values))
    items.submit_item(actor=actor, item=claim)
    db.session.commit()
    return claim


def submitted_request(w: World, *, by: User | None = None, **overrides: Any) -> AdaptationRequest:
    actor = by or w.person_user
    values: dict[str, Any] = {
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "kind": "laptop",
        "description": "A laptop for online meetings",
        "estimated_pence": 30000,
        "provision": "loan",
        "payment": "supplier",
    }
    values.update(overrides)
    item = adaptations.create_request(actor=actor, data=adaptations.RequestInput(**values))
    items.submit_item(actor=actor, item=item)
    db.session.commit()
    return item
