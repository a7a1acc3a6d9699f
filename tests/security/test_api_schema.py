"""Schemathesis against the API's own OpenAPI document, in process through the WSGI app.

Every operation in `/api/v1/openapi.json` gets requests that fit its schema and requests that do
not, and each request is sent with a token of every role to a small world in which most ids
from 1 to 8 name real rows, so that most requests reach real code rather than "not found".
Whatever arrives, the answer must not be a 5xx, and must be what the document says: a documented
status code, the documented content type and a body that matches the documented schema.

One test per group of resources (the document's tags), each on a fresh world. Generation is
derandomised, so a run is repeatable; the number of examples follows the Hypothesis profile
(`HYPOTHESIS_PROFILE=ci` tries more than the default `dev`). A failure shows the request as a
curl command.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.api_support import bearer
from tests.factories import make_contributor, make_fund, make_project, make_user
from tests.items import Paying, budget_dataset, entry_input
from tracker.adaptations import services as adaptations
from tracker.budgets import services as budgets
from tracker.dates import local_today
from tracker.expenses import services as expenses
from tracker.extensions import db
from tracker.items import services as items
from tracker.payments import services as payments
from tracker.projects.models import Project
from tracker.timesheets import services as timesheets

ROLES = ("admin", "coordinator", "finance", "funder", "contributor")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation and generation mode, each sent once per role: a sixth of the profile's
# max_examples (dev: 5, ci: 10). Run alone on two cores with ci, the file takes about a minute
# and a half on SQLite and two on PostgreSQL; most of that is the requests themselves.
EXAMPLES = max(2, settings().max_examples // 6)
# Path ids are drawn from the rows the world has; now and then a generated id is kept (a 404).
KNOWN_IDS = st.integers(min_value=1, max_value=8)

TAGS = [
    "activity-types",
    "adaptations",
    "budgets",
    "contributors",
    "estimate",
    "expenses",
    "funds",
    "me",
    "payment-runs",
    "projects",
    "rates",
    "slips",
    "time-entries",
    "users",
]


def build_world() -> dict[str, dict[str, str]]:
    """Rows in every table the API reads, with items in every state; a token per role."""
    paying = budget_dataset(Paying())  # paid, on a slip, approved, submitted; two runs
    w = paying.world
    # Items still with the contributor or waiting: a draft and a returned time entry, a draft
    # mileage claim, a draft and a submitted adaptation request.
    timesheets.create_time_entry(actor=w.person_user, data=entry_input(w, minutes=45))
    returned = timesheets.create_time_entry(actor=w.coordinator, data=entry_input(w, minutes=75))
    items.submit_item(actor=w.coordinator, item=returned)
    items.return_item(actor=w.other_coordinator, item=returned, reason="Which day?")
    expenses.create_expense(
        actor=w.person_user,
        data=expenses.ClaimInput(
            contributor_id=w.person.id,
            project_id=w.project.id,
            claim_date=date(2026, 5, 6),
            category="mileage",
            miles="12.5",
            vehicle="car",
        ),
    )
    for kind, provision in (("captioning", "service"), ("phone", "loan")):
        request = adaptations.create_request(
            actor=w.person_user,
            data=adaptations.RequestInput(
                contributor_id=w.person.id,
                project_id=w.project.id,
                kind=kind,
                description="For the online meetings",
                estimated_pence=4000,
                provision=provision,
                payment="supplier",
            ),
        )
    items.submit_item(actor=w.person_user, item=request)
    # More people and projects, a fund with a funder, a budget and a draft payment run.
    paying.add_person("Alex")
    paying.add_person("Jo", method="cash")
    funder = make_user("funder", name="Fin")
    fund = make_fund(members=[funder], name="Community Voices Fund")
    project = db.session.get(Project, w.project.id)
    assert project is not None
    project.funds.append(fund)
    make_project(coordinators=[w.coordinator], funds=[fund])
    make_project(funds=[make_fund()])
    make_contributor(user=make_user("contributor"), projects_=[project])
    budgets.save_budget(
        actor=paying.finance,
        budget=None,
        project_id=w.project.id,
        period_start=date(2026, 4, 1),
        period_end=max(date(2027, 3, 31), local_today()),
        lines={"fees": 5000, "expenses": 2000, "adaptations": 50000, "other": 0},
    )
    paying.approved_time(paying.people[1], minutes=90)
    payments.create_payment_run(actor=paying.finance, cut_off=local_today())
    # Approved work that is on no run yet, and a claim waiting for a decision.
    paying.approved_time(paying.people[2], minutes=30)
    paying.approved_expense(paying.people[2], pence=820)
    waiting = expenses.create_expense(
        actor=w.coordinator,
        data=expenses.ClaimInput(
            contributor_id=paying.people[1].id,
            project_id=w.project.id,
            claim_date=date(2026, 5, 7),
            category="parking",
            amount_pence=350,
            receipt_missing_reason="The machine gave no ticket",
        ),
    )
    items.submit_item(actor=w.coordinator, item=waiting)
    db.session.commit()
    users = {
        "admin": make_user("admin"),
        "coordinator": w.coordinator,
        "finance": paying.finance,
        "funder": funder,
        "contributor": w.person_user,
    }
    return {role: bearer(user) for role, user in users.items()}


@st.composite
def requests_for(draw: st.DrawFn, operation: Any, mode: GenerationMode) -> Any:
    case = draw(operation.as_strategy(generation_mode=mode))
    for name, value in dict(case.path_parameters or {}).items():
        # Replace valid generated ids (values a negative case made invalid stay as they are).
        if isinstance(value, int) and 1 <= value < 2**31 and draw(st.integers(0, 9)):
            case.path_parameters[name] = draw(KNOWN_IDS)
    return case


def exercise(app: Flask, operation: Any, mode: GenerationMode, tokens: dict[str, Any]) -> None:
    client = app.test_client()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=requests_for(operation, mode))
    def run(case: Any) -> None:
        for role in ROLES:
            response = case.call(session=client, headers=tokens[role])
            try:
                case.validate_response(response, checks=CHECKS, headers=tokens[role])
            except FailureGroup as failure:
                failure.add_note(f"With the {role}'s token.")
                raise

    run()


def api_operations(app: Flask) -> list[Any]:
    """Every operation of the app's document (schemathesis leaves out the document itself)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"schemathesis cannot read an operation: {result.err()}"
        operations.append(result.ok())
    return operations


@pytest.mark.parametrize("tag", TAGS)
def test_every_operation_answers_as_documented(app: Flask, tag: str) -> None:
    tokens = build_world()
    operations = [op for op in api_operations(app) if tag in (op.tags or ())]
    assert operations, f"no operation is tagged {tag}"
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                exercise(app, operation, mode, tokens)
            except (FailureGroup, Exception) as error:
                notes = "\n".join(getattr(error, "__notes__", ()))
                failures.append(f"{operation.label} ({mode.value}): {error}\n{notes}")
    assert not failures, "\n\n".join(failures)


def test_every_tag_is_exercised(app: Flask) -> None:
    tags = {tag for op in api_operations(app) for tag in op.tags or ()}
    assert tags == set(TAGS)
