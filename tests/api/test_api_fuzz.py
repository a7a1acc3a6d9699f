"""Whatever JSON a client sends, the API answers with a status it chose, never a 500."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.api_support import bearer
from tests.factories import make_activity, make_contributor, make_fund, make_project, make_user
from tracker.adaptations import services as adaptations
from tracker.expenses import services as expenses
from tracker.extensions import db
from tracker.items import services as items
from tracker.payments import services as payments
from tracker.projects import services as projects
from tracker.rates import services as rates
from tracker.timesheets import services as timesheets

# Field names the API reads, so that random bodies often reach the typed readers and services.
FIELDS = [
    "email",
    "name",
    "roles",
    "password",
    "active",
    "user_id",
    "preferred_name",
    "payment_method",
    "fee_choice",
    "benefits_warnings",
    "project_ids",
    "paid",
    "funder_organisation",
    "reference",
    "code",
    "start_date",
    "end_date",
    "status",
    "fund_ids",
    "contributor_id",
    "role",
    "activity_type_id",
    "basis",
    "amount_pence",
    "half_day_pence",
    "day_pence",
    "increment_minutes",
    "rounding",
    "minimum_minutes",
    "half_day_max_minutes",
    "effective_from",
    "note",
    "work_date",
    "minutes",
    "notes",
    "fee_requested_pence",
    "reason",
    "date",
    "category",
    "description",
    "miles",
    "vehicle",
    "passengers",
    "receipt_missing_reason",
    "at_cap",
    "override_reason",
    "kind",
    "estimated_pence",
    "actual_pence",
    "provision",
    "payment",
    "needed_by",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text()
    | st.sampled_from(
        [
            "coordinator",
            "admin",
            "2026-04-01",
            "2026-02-30",
            "0001-01-01",
            "9999-12-31",
            "a@b.org",
            "cash",
            "mileage",
            "car",
            "30.0",
            "1e9",
            "NaN",
            "reduce",
            "laptop",
            "loan",
            "reimburse",
            "hour",
            "day",
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=16,
)


def _write_targets(app: Flask) -> list[tuple[str, str]]:
    """Every POST and PATCH route of the API, with the ids of real rows in its path."""
    ids = app.extensions["api_fuzz"]["ids"]
    targets = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in {"POST", "PATCH"} & set(rule.methods or ()):
            missing = set(rule.arguments) - set(ids)
            assert not missing, f"{rule.rule}: make a row for {sorted(missing)} in _setup"
            built = rule.build({name: ids[name] for name in rule.arguments})
            assert built is not None
            targets.append((method, built[1]))
    return sorted(targets)


def _setup(app: Flask) -> dict[str, Any]:
    """Made once per test (the `app` fixture is shared by every example)."""
    if "api_fuzz" not in app.extensions:
        coordinator = make_user("coordinator")
        project = make_project(coordinators=[coordinator], funds=[make_fund()])
        # One contributor without a login (the coordinator records for them), one with.
        offline = make_contributor(projects_=[project])
        person = make_user("contributor")
        make_contributor(user=person, projects_=[project])
        activity = make_activity()
        rates.load_shipped_reference_data()
        rates.create_rate(
            actor=make_user("finance"),
            data=rates.RateInput(
                activity_type_id=activity.id,
                project_id=None,
                contributor_id=None,
                basis="hour",
                effective_from=date(2020, 4, 1),
                amount_pence=1380,
            ),
        )
        where = {"contributor_id": offline.id, "project_id": project.id}
        entry = timesheets.create_time_entry(
            actor=coordinator,
            data=timesheets.EntryInput(
                **where, activity_type_id=activity.id, work_date=date(2026, 5, 4), minutes=50
            ),
        )
        claim = expenses.create_expense(
            actor=coordinator,
            data=expenses.ClaimInput(
                **where, claim_date=date(2026, 5, 4), category="taxi", amount_pence=900
            ),
        )
        request = adaptations.create_request(
            actor=coordinator,
            data=adaptations.RequestInput(
                **where,
                kind="laptop",
                description="A laptop",
                estimated_pence=30000,
                provision="loan",
                payment="supplier",
            ),
        )
        # Approved work in a confirmed run, so the payment routes have a run and a slip.
        second = make_user("coordinator")
        projects.add_coordinator(actor=make_user("admin"), project=project, user=second)
        paid = timesheets.create_time_entry(
            actor=coordinator,
            data=timesheets.EntryInput(
                **where, activity_type_id=activity.id, work_date=date(2026, 5, 5), minutes=60
            ),
        )
        items.submit_item(actor=coordinator, item=paid)
        items.approve_item(actor=second, item=paid)
        finance = make_user("finance")
        run = payments.create_payment_run(actor=finance, cut_off=date.today())
        [issued] = payments.confirm_payment_run(actor=finance, run_id=run.id)
        db.session.commit()
        app.extensions["api_fuzz"] = {
            "ids": {
                "project_id": project.id,
                "fund_id": project.funds[0].id,
                "entry_id": entry.id,
                "expense_id": claim.id,
                "adaptation_id": request.id,
                "run_id": run.id,
                "slip_id": issued.slip.id,
            },
            "headers": {
                "admin": bearer(make_user("admin")),
                "coordinator": bearer(coordinator),
                "contributor": bearer(person),
                "finance": bearer(finance),
            },
        }
    return dict(app.extensions["api_fuzz"])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=json_values,
    who=st.sampled_from(["admin", "coordinator", "contributor", "finance"]),
)
def test_random_json_to_every_post_and_patch_route_never_gives_a_500(
    app: Flask, value: Any, who: str
) -> None:
    setup = _setup(app)
    client = app.test_client()
    targets = _write_targets(app)
    assert len(targets) >= 30
    for method, url in targets:
        response = client.open(url, method=method, headers=setup["headers"][who], json=value)
        assert response.status_code in {200, 201, 400, 403, 404, 409, 422}, (
            method,
            url,
            who,
            value,
            response.status_code,
            response.text,
        )
        assert response.is_json


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=st.text(max_size=25), per_page=st.text(max_size=25))
def test_random_page_parameters_never_give_a_500(app: Flask, page: str, per_page: str) -> None:
    setup = _setup(app)
    client = app.test_client()
    response = client.get(
        "/api/v1/projects",
        headers=setup["headers"]["admin"],
        query_string={"page": page, "per_page": per_page},
    )
    assert response.status_code in {200, 400}, response.text
    if response.status_code == 200:
        assert 1 <= response.json["per_page"] <= 200
