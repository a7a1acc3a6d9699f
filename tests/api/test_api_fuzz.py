"""Whatever JSON a client sends, the API answers with a status it chose, never a 500."""

from __future__ import annotations

from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.api_support import bearer
from tests.factories import make_contributor, make_fund, make_project, make_user

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
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text()
    | st.sampled_from(["coordinator", "admin", "2026-04-01", "2026-02-30", "a@b.org", "cash"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=16,
)


def _post_targets(app: Flask) -> list[str]:
    """Every POST route of the API, with the ids of real rows in its path."""
    ids = app.extensions["api_fuzz"]["ids"]
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and "POST" in (rule.methods or ()):
            built = rule.build({name: ids[name] for name in rule.arguments})
            assert built is not None
            urls.append(built[1])
    return sorted(urls)


def _setup(app: Flask) -> dict[str, Any]:
    """Made once per test (the `app` fixture is shared by every example)."""
    if "api_fuzz" not in app.extensions:
        coordinator = make_user("coordinator")
        project = make_project(coordinators=[coordinator], funds=[make_fund()])
        make_contributor(projects_=[project])
        app.extensions["api_fuzz"] = {
            "ids": {"project_id": project.id, "fund_id": project.funds[0].id},
            "headers": [bearer(make_user("admin")), bearer(coordinator)],
        }
    return dict(app.extensions["api_fuzz"])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_random_json_to_every_post_endpoint_never_gives_a_500(app: Flask, value: Any) -> None:
    setup = _setup(app)
    client = app.test_client()
    urls = _post_targets(app)
    assert len(urls) >= 7
    for url in urls:
        for headers in setup["headers"]:
            response = client.post(url, headers=headers, json=value)
            assert response.status_code in {200, 201, 400, 403, 404, 409, 422}, (
                url,
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
        headers=setup["headers"][0],
        query_string={"page": page, "per_page": per_page},
    )
    assert response.status_code in {200, 400}, response.text
    if response.status_code == 200:
        assert 1 <= response.json["per_page"] <= 200
