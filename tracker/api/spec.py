"""The OpenAPI registry: each API module documents its routes next to the routes themselves.

How to add endpoints (a later feature, say time entries, in `tracker/api/time_entries.py`):

1. Name the JSON shapes once with `component`, which returns a `$ref` to use anywhere::

       TIME_ENTRY = component("TimeEntry", obj({"id": INTEGER, "minutes": INTEGER, ...}))

2. Write each view with its decorators in this order: the route, then `@access(...)`, then
   `@operation(...)`. One view per method keeps one summary per operation::

       @bp.get("/time-entries")
       @access("contributor", "coordinator")
       @operation("List the time entries you may see", response=TIME_ENTRY, paginated=True,
                  query={"status": STRING})
       def list_time_entries() -> Any: ...

       @bp.post("/time-entries/<id:entry_id>/approve")
       @access("coordinator")
       @operation("Approve a submitted entry", request=APPROVAL, response=TIME_ENTRY)
       def approve_time_entry(entry_id: int) -> Any: ...

3. Import the module at the bottom of `tracker/api/__init__.py` so that its routes attach to `bp`.

`tracker/api/openapi.py` builds the document from the app's URL map, so the path, method, path
parameters and who may call it (the `@access` rule, shown as `x-access`) come from the route
itself and cannot drift. Error responses, the bearer security requirement and the pagination
envelope are added from the operation's shape (401 and 403 unless public, 404 with a path id,
400 with a body or query parameters, 409 and 422 for every change); `errors` names any other
that a view can give, such as 404 for an id in the body that the user may not see. A test
compares the document with the URL map: an `/api/v1` route without `@operation` fails the build.

Path parameters use the `id` converter (`<id:project_id>`), an integer from 1 to 2**31 - 1, so a
huge or negative id is simply "not found" rather than an error in the database driver.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

Schema = dict[str, Any]

# Component schemas by name, filled in as API modules are imported.
COMPONENTS: dict[str, Schema] = {}

# Reusable pieces of JSON Schema (OpenAPI 3.1 uses JSON Schema 2020-12).
INTEGER: Schema = {"type": "integer"}
ID: Schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
NULLABLE_ID: Schema = {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1}
STRING: Schema = {"type": "string"}
BOOLEAN: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date", "example": "2026-04-01"}
NULLABLE_DATE: Schema = {"type": ["string", "null"], "format": "date"}
DATETIME: Schema = {"type": "string", "format": "date-time"}
PENCE: Schema = {"type": "integer", "minimum": 0, "description": "Whole pence"}
MONEY: Schema = {
    "type": "string",
    "pattern": r"^-?[0-9]+\.[0-9]{2}$",
    "example": "12.50",
    "description": "Pounds with two decimals",
}
ID_LIST: Schema = {"type": "array", "items": ID, "uniqueItems": True}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def component(name: str, schema: Schema) -> Schema:
    """Register a named schema and return a `$ref` to it."""
    if name in COMPONENTS and COMPONENTS[name] != schema:
        raise ValueError(f"Two different schemas are called {name}")
    COMPONENTS[name] = schema
    return ref(name)


def obj(
    properties: Mapping[str, Schema],
    *,
    required: tuple[str, ...] | None = None,
    read_only: tuple[str, ...] = (),
    write_only: tuple[str, ...] = (),
) -> Schema:
    """An object schema; every property is required unless `required` says otherwise."""
    props = {}
    for name, schema in properties.items():
        if name in read_only:
            schema = {**schema, "readOnly": True}
        if name in write_only:
            schema = {**schema, "writeOnly": True}
        props[name] = schema
    chosen = list(properties) if required is None else list(required)
    return {"type": "object", "properties": props, "required": chosen}


def enum(*values: str, nullable: bool = False) -> Schema:
    if nullable:
        return {"type": ["string", "null"], "enum": [*values, None]}
    return {"type": "string", "enum": list(values)}


@dataclass(frozen=True)
class Operation:
    """What the document says about one view, beyond what the route and access rule say."""

    summary: str
    description: str = ""
    request: Schema | None = None
    response: Schema | None = None
    status: int = 200
    paginated: bool = False
    query: Mapping[str, Schema] = field(default_factory=dict)
    content_type: str = "application/json"
    errors: tuple[int, ...] = ()


def operation(
    summary: str,
    *,
    description: str = "",
    request: Schema | None = None,
    response: Schema | None = None,
    status: int = 200,
    paginated: bool = False,
    query: Mapping[str, Schema] | None = None,
    content_type: str = "application/json",
    errors: tuple[int, ...] = (),
) -> Callable[[F], F]:
    """Document a view: its summary, request body, response (201 for creates) and filters.

    `paginated=True` wraps `response` (the schema of one item) in the page envelope and adds the
    `page` and `per_page` query parameters. `query` names any further query parameters.
    `errors` adds error statuses that the operation's shape does not imply.
    """

    def decorate(view: F) -> F:
        view.api_operation = Operation(  # type: ignore[attr-defined]
            summary=summary,
            description=description,
            request=request,
            response=response,
            status=status,
            paginated=paginated,
            query=dict(query or {}),
            content_type=content_type,
            errors=errors,
        )
        return view

    return decorate


def operation_of(view: Callable[..., Any]) -> Operation | None:
    return getattr(view, "api_operation", None)
