"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, built from the URL map and `spec.py`."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app
from werkzeug.routing import Rule

from tracker.api import bp
from tracker.api.common import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from tracker.api.spec import COMPONENTS, ID, STRING, Operation, Schema, operation, operation_of, ref
from tracker.auth.access import PUBLIC, SIGNED_IN, access, rule_of

_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_METHODS = ("get", "put", "post", "patch", "delete")

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "example": "invalid",
                    "description": "bad_request, unauthorised, forbidden, not_found, conflict, "
                    "invalid, …",
                },
                "message": {"type": "string", "description": "Plain English, safe to show"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "A message per field that was not right",
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}
PAGE = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": {}},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {"type": "integer", "minimum": 0},
    },
    "required": ["items", "page", "per_page", "total"],
}
ERROR_DESCRIPTIONS = {
    "400": "The request could not be read (not JSON, not an object, a bad query parameter)",
    "401": "No valid API token",
    "403": "The token's user may not do this",
    "404": "Not found, or not visible to the token's user",
    "409": "Conflicts with what is already there: a duplicate, or an item, run or slip that "
    "has moved on (already submitted, decided, confirmed or paid)",
    "422": "Some fields are not right (see `error.fields`), or a rule is not met",
}


@bp.get("/openapi.json")
@access(PUBLIC)
@operation(
    "This OpenAPI document",
    response={"type": "object", "description": "An OpenAPI 3.1 document"},
)
def openapi_document() -> Any:
    return build_document(current_app)


def build_document(app: Flask) -> dict[str, Any]:
    """The document for every documented route of the API blueprint, in URL order."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(api_rules(app), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        op = operation_of(view)
        if op is None:
            continue  # the OpenAPI test fails for it; the document stays valid meanwhile
        path = openapi_path(rule)
        entry = paths.setdefault(path, {})
        for method in sorted(rule.methods or ()):
            if method.lower() in _METHODS:
                entry[method.lower()] = _operation(rule, method, op, rule_of(view) or frozenset())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tracker API",
            "version": "1",
            "description": "Pay people with lived experience fairly and fast. JSON in and out; "
            'money as strings of pounds ("12.50") beside integer `*_pence` fields; dates ISO '
            "8601. Create a token on your profile page and send it as "
            "`Authorization: Bearer trk_…`; a token acts with its user's roles.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "trk_…"}
            },
            "schemas": {"Error": ERROR, "Page": PAGE, **dict(sorted(COMPONENTS.items()))},
            "responses": {
                status: {
                    "description": text,
                    "content": {"application/json": {"schema": ref("Error")}},
                }
                for status, text in ERROR_DESCRIPTIONS.items()
            },
        },
    }


def api_rules(app: Flask) -> list[Rule]:
    prefix = f"{bp.name}."
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(prefix)]


def openapi_path(rule: Rule) -> str:
    """/api/v1/projects/<id:project_id> -> /api/v1/projects/{project_id}"""
    return _ARGUMENT.sub(lambda m: "{" + m.group("name") + "}", rule.rule)


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    parameters = []
    for match in _ARGUMENT.finditer(rule.rule):
        converter = match.group("converter") or "default"
        schema = ID if converter == "id" else {"type": "integer"} if converter == "int" else STRING
        parameters.append(
            {"name": match.group("name"), "in": "path", "required": True, "schema": schema}
        )
    return parameters


def _operation(
    rule: Rule, method: str, op: Operation, rule_names: frozenset[str]
) -> dict[str, Any]:
    parameters = _path_parameters(rule)
    if op.paginated:
        parameters += [
            {
                "name": "page",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            },
            {
                "name": "per_page",
                "in": "query",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PER_PAGE,
                    "default": DEFAULT_PER_PAGE,
                },
            },
        ]
    parameters += [{"name": n, "in": "query", "schema": s} for n, s in op.query.items()]

    public = PUBLIC in rule_names
    who = (
        "anyone"
        if public
        else "any signed-in token"
        if SIGNED_IN in rule_names
        else ", ".join(sorted(rule_names))
    )
    result: dict[str, Any] = {
        "operationId": rule.endpoint.partition(".")[2],
        "summary": op.summary,
        "description": (op.description + "\n\n" if op.description else "") + f"Who: {who}.",
        "tags": [_tag(rule)],
        "x-access": sorted(rule_names),
        "responses": {str(op.status): _success(op)},
    }
    if public:
        result["security"] = []
    if parameters:
        result["parameters"] = parameters
    if op.request is not None:
        result["requestBody"] = {
            "required": True,
            "content": {op.content_type: {"schema": op.request}},
        }
    errors = set()
    if not public:
        errors |= {"401", "403"}
    if "<" in rule.rule:
        errors.add("404")
    if op.paginated or op.query:
        errors.add("400")
    if op.request is not None:
        errors.add("400")
    if method != "GET":
        # Every change goes through the rules: an item, run or slip may have moved on (submitted,
        # decided, confirmed, paid) or a rule may not be met, whether or not a body is sent.
        errors |= {"409", "422"}
    errors |= {str(status) for status in op.errors}
    for status in sorted(errors):
        result["responses"][status] = {"$ref": f"#/components/responses/{status}"}
    return result


def _success(op: Operation) -> dict[str, Any]:
    description = "Created" if op.status == 201 else "OK"
    schema: Schema | None = op.response
    if op.paginated and schema is not None:
        schema = {
            "allOf": [ref("Page"), {"properties": {"items": {"type": "array", "items": schema}}}]
        }
    if schema is None:
        return {"description": description}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _tag(rule: Rule) -> str:
    rest = rule.rule.removeprefix(bp.url_prefix or "").strip("/")
    return rest.split("/")[0].removesuffix(".json")
