"""API plumbing: tokens, error shapes, bad input, pagination, CSRF and the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.api.api_support import bearer, error_of
from tests.factories import make_activity, make_contributor, make_fund, make_project, make_user
from tracker.auth import services as auth
from tracker.auth.access import rule_of
from tracker.extensions import db
from tracker.projects.models import ActivityType

# --- tokens -----------------------------------------------------------------------------------


def test_a_request_without_a_token_gets_a_json_401(client: FlaskClient) -> None:
    response = client.get("/api/v1/me")
    error = error_of(response, 401)
    assert error["code"] == "unauthorised"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer trk_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer", "trk_x"]
)
def test_unknown_tokens_and_other_schemes_get_a_401(client: FlaskClient, header: str) -> None:
    make_user("admin")
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert error_of(response, 401)["code"] == "unauthorised"


def test_a_revoked_token_stops_working(client: FlaskClient) -> None:
    user = make_user("contributor")
    token, raw = auth.create_api_token(user=user, name="laptop")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    auth.revoke_api_token(user=user, token_id=token.id)
    db.session.commit()
    error_of(client.get("/api/v1/me", headers=headers), 401)


def test_a_deactivated_users_token_stops_working(client: FlaskClient) -> None:
    admin = make_user("admin")
    user = make_user("coordinator")
    headers = bearer(user)
    auth.update_user(
        actor=admin, user=user, display_name=user.display_name, roles=user.roles, active=False
    )
    db.session.commit()
    error_of(client.get("/api/v1/me", headers=headers), 401)


def test_a_wrong_role_gets_a_json_403_and_changes_nothing(client: FlaskClient) -> None:
    headers = bearer(make_user("contributor", "coordinator", "finance", "funder"))
    error = error_of(client.get("/api/v1/users", headers=headers), 403)
    assert error["code"] == "forbidden"
    response = client.post("/api/v1/activity-types", headers=headers, json={"name": "Meeting"})
    error_of(response, 403)
    assert db.session.query(ActivityType).count() == 0


def test_session_cookies_do_not_authenticate_the_api(client: FlaskClient) -> None:
    from tests.conftest import sign_in

    user = make_user("coordinator")
    assert sign_in(client, user.email).status_code == 302
    error_of(client.get("/api/v1/me"), 401)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    ["", "not json", "[1, 2]", "null", '"text"', "12", "{", '{"name": NaN}', "[" * 100_000],
)
def test_a_body_that_is_not_a_json_object_is_a_400(client: FlaskClient, data: str) -> None:
    headers = bearer(make_user("admin"))
    headers["Content-Type"] = "application/json"
    response = client.post("/api/v1/activity-types", headers=headers, data=data)
    error = error_of(response, 400)
    assert error["code"] == "bad_request"
    assert "JSON" in error["message"]


def test_wrong_types_are_a_422_naming_every_field(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    body = {
        "name": 5,
        "code": ["P1"],
        "start_date": "2026-13-01",
        "end_date": "1 April 2026",
        "status": "finished",
        "fund_ids": ["1"],
    }
    error = error_of(client.post("/api/v1/projects", headers=headers, json=body), 422)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == set(body)
    assert error["fields"]["start_date"] == "Enter a date as YYYY-MM-DD, like 2026-04-01"


@pytest.mark.parametrize("value", [10**30, -(2**63), 2**31, 0, 1.0, True, "1", [1], {"id": 1}])
def test_ids_of_the_wrong_type_or_size_are_a_422(client: FlaskClient, value: Any) -> None:
    admin = make_user("admin")
    fund = make_fund()
    response = client.post(
        f"/api/v1/funds/{fund.id}/members", headers=bearer(admin), json={"user_id": value}
    )
    assert error_of(response, 422)["fields"] == {"user_id": "Enter an id (a whole number)"}


@pytest.mark.parametrize("path_id", ["0", "99999999999999999999999", "2147483648", "-1", "x"])
def test_impossible_ids_in_the_path_are_a_404(client: FlaskClient, path_id: str) -> None:
    headers = bearer(make_user("admin"))
    assert error_of(client.get(f"/api/v1/projects/{path_id}", headers=headers), 404)


def test_unknown_paths_and_methods_answer_in_json(client: FlaskClient) -> None:
    headers = bearer(make_user("admin"))
    assert error_of(client.get("/api/v1/nothing-here", headers=headers), 404)["code"] == (
        "not_found"
    )
    assert error_of(client.delete("/api/v1/me", headers=headers), 405)


# --- pagination -------------------------------------------------------------------------------


def test_lists_are_paginated_with_a_total(client: FlaskClient) -> None:
    for name in ["A", "B", "C", "D", "E"]:
        make_activity(name)
    headers = bearer(make_user("contributor"))
    page = client.get("/api/v1/activity-types?page=2&per_page=2", headers=headers).json
    assert page == {
        "items": [
            {"id": page["items"][0]["id"], "name": "C", "paid": True, "active": True},
            {"id": page["items"][1]["id"], "name": "D", "paid": True, "active": True},
        ],
        "page": 2,
        "per_page": 2,
        "total": 5,
    }
    last = client.get("/api/v1/activity-types?page=3&per_page=2", headers=headers).json
    assert [item["name"] for item in last["items"]] == ["E"]
    beyond = client.get("/api/v1/activity-types?page=9&per_page=2", headers=headers).json
    assert beyond["items"] == [] and beyond["total"] == 5


def test_per_page_defaults_to_50_and_allows_up_to_200(client: FlaskClient) -> None:
    headers = bearer(make_user("contributor"))
    default = client.get("/api/v1/activity-types", headers=headers).json
    assert (default["page"], default["per_page"], default["total"]) == (1, 50, 0)
    assert client.get("/api/v1/activity-types?per_page=200", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=201",
        "per_page=abc",
        "per_page=-1",
        "page=0",
        "page=1.5",
        "page=99999999999999999999",
        "per_page=٣",
    ],
)
def test_bad_page_parameters_are_a_400_naming_the_parameter(
    client: FlaskClient, query: str
) -> None:
    headers = bearer(make_user("contributor"))
    error = error_of(client.get(f"/api/v1/activity-types?{query}", headers=headers), 400)
    assert list(error["fields"]) == [query.split("=")[0]]


def test_a_page_costs_the_same_queries_however_many_rows(app: Flask, client: FlaskClient) -> None:
    coordinator = make_user("coordinator")
    project = make_project(coordinators=[coordinator])
    headers = bearer(coordinator)

    def queries_for_list() -> tuple[int, int]:
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            body = client.get("/api/v1/contributors", headers=headers).json
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements), body["total"]

    make_contributor(projects_=[project])
    few, total = queries_for_list()
    assert total == 1
    for _ in range(6):
        make_contributor(projects_=[project])
    many, total = queries_for_list()
    assert total == 7
    assert many == few


# --- CSRF -------------------------------------------------------------------------------------


def test_token_requests_need_no_csrf_token_while_forms_still_do(tmp_path: Any) -> None:
    from tests.conftest import IsolatedClient, _reset_schema, make_app

    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema()
        client = app.test_client()
        headers = bearer(make_user("admin"))
        response = client.post("/api/v1/activity-types", headers=headers, json={"name": "Meeting"})
        assert response.status_code == 201, response.text
        assert db.session.query(ActivityType).one().name == "Meeting"
        form = client.post("/sign-in", data={"email": "a@b.c", "password": "x"})
        assert form.status_code == 400
        db.session.remove()
        db.engine.dispose()


# --- OpenAPI ----------------------------------------------------------------------------------


def _api_routes(app: Flask) -> set[tuple[str, str]]:
    from tracker.api.openapi import openapi_path

    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in rule.methods or ():
            if method not in {"HEAD", "OPTIONS"}:
                found.add((openapi_path(rule), method.lower()))
    return found


def test_the_openapi_document_is_public_openapi_3_1(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    document = response.json
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    components = document["components"]
    assert components["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "trk_…",
    }
    assert document["security"] == [{"bearerAuth": []}]
    assert components["schemas"]["Error"]["properties"]["error"]["required"] == [
        "code",
        "message",
        "fields",
    ]
    assert components["schemas"]["Page"]["required"] == ["items", "page", "per_page", "total"]
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []


def test_every_api_route_is_in_the_openapi_document(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    routes = _api_routes(app)
    assert len(routes) >= 14
    missing = routes - documented
    assert missing == set(), f"undocumented API routes (add @operation): {sorted(missing)}"
    assert documented == routes


def test_every_reference_in_the_openapi_document_resolves(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs
    for reference in refs:
        section, name = reference.removeprefix("#/components/").split("/")
        assert name in document["components"][section], reference


def test_the_openapi_document_says_who_may_call_each_operation(
    app: Flask, client: FlaskClient
) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert paths["/api/v1/users"]["post"]["x-access"] == ["admin"]
    assert paths["/api/v1/contributors"]["get"]["x-access"] == ["admin", "coordinator"]
    assert "401" in paths["/api/v1/users"]["post"]["responses"]
    assert paths["/api/v1/users"]["post"]["responses"]["201"]["content"]
    listing = paths["/api/v1/projects"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "per_page"}
    member = paths["/api/v1/projects/{project_id}/members"]["post"]
    assert member["parameters"][0]["name"] == "project_id"
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            assert rule_of(app.view_functions[rule.endpoint]) is not None
