"""API: one view each for every kind of payable item: read one, record, change, and the
lifecycle (submit, withdraw, approve, return, decline).

Each view is routed once per kind under the kind's path, with the kind's own schema and words
from its module (`time_entries.API`, `expenses.API`, `adaptations.API`), so the OpenAPI document
describes each route exactly: `POST /api/v1/time-entries/{entry_id}/submit` is `submit_time`,
`PATCH /api/v1/expenses/{expense_id}` is `update_expense`. Lists (their filters differ) and the
kinds' own actions (a receipt, provided, a loan returned) stay in the kinds' modules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.api import adaptations, bp, expenses, time_entries
from tracker.api.common import field_names, json_body, paginate
from tracker.api.items import (
    DECIDERS,
    READERS,
    REASON,
    RECORDERS,
    ApiKind,
    check_project_visible,
    contributor_for,
    filtered,
    filters,
    optional_body,
    reason,
    unchanged_contributor,
    warnings_json,
    with_warnings,
)
from tracker.api.spec import enum, operation
from tracker.auth.access import access
from tracker.extensions import db
from tracker.items import services as items
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.kinds import KINDS, ItemKind
from tracker.security import acting_user

API_KINDS: dict[ItemKind, ApiKind] = {
    ItemKind.TIME: time_entries.API,
    ItemKind.EXPENSE: expenses.API,
    ItemKind.ADAPTATION: adaptations.API,
}
WARNINGS_NOTE = " Brings any benefit warnings (time only)."


def list_items(kind: ItemKind) -> Any:
    api, info = API_KINDS[kind], KINDS[kind]
    model = info.model
    dated = getattr(model, info.date_field) if info.date_field else None
    query = filtered(
        lifecycle.visible_query(acting_user(), kind),
        model,
        date_column=dated,
        statuses=api.statuses,
        **{
            name: (getattr(model, column), values) for name, (column, values) in api.choices.items()
        },
    )
    newest = [] if dated is None else [dated.desc()]
    return paginate(query.order_by(*newest, model.id.desc()), api.json)


def get(kind: ItemKind, item_id: int) -> Any:
    return API_KINDS[kind].json(lifecycle.get_visible(acting_user(), kind, item_id))


def create(kind: ItemKind) -> Any:
    api = API_KINDS[kind]
    body = json_body(message=api.message)
    contributor_id = body.ident("contributor_id", required=False)
    values = api.read(body, None)
    body.check()
    actor = acting_user()
    contributor = contributor_for(actor, contributor_id)
    check_project_visible(actor, values["project_id"])
    with field_names(api.names):
        item = api.create(actor, api.make_input(contributor, values))
    db.session.commit()
    return api.json(item), 201


def update(kind: ItemKind, item_id: int) -> Any:
    api = API_KINDS[kind]
    actor = acting_user()
    item = lifecycle.get_visible(actor, kind, item_id)
    body = json_body(message=api.message)
    unchanged_contributor(body, item.contributor_id)
    values = api.read(body, item)
    body.check()
    if values["project_id"] != item.project_id:
        check_project_visible(actor, values["project_id"])
    with field_names(api.names):
        api.update(actor, item, api.make_input(lifecycle.contributor_of(item), values))
    db.session.commit()
    return api.json(item)


def submit(kind: ItemKind, item_id: int) -> Any:
    actor = acting_user()
    item = lifecycle.get_visible(actor, kind, item_id)
    warnings = items.submit_item(actor=actor, item=item)
    db.session.commit()
    return {**API_KINDS[kind].json(item), "warnings": warnings_json(warnings)}


def withdraw(kind: ItemKind, item_id: int) -> Any:
    actor = acting_user()
    item = lifecycle.get_visible(actor, kind, item_id)
    items.withdraw_item(actor=actor, item=item)
    db.session.commit()
    return API_KINDS[kind].json(item)


def approve(kind: ItemKind, item_id: int) -> Any:
    actor = acting_user()
    item = lifecycle.get_visible(actor, kind, item_id)
    decision: dict[str, Any] = {}
    if API_KINDS[kind].approval is not None:
        # An expense over its cap: approve the cap, or the full amount with a reason.
        body = optional_body()
        decision["at_cap"] = body.boolean("at_cap")
        decision["override_reason"] = body.text(
            "override_reason", required=False, max_length=1000, multiline=True
        )
        body.check()
    warnings = items.approve_item(actor=actor, item=item, **decision)
    db.session.commit()
    return {**API_KINDS[kind].json(item), "warnings": warnings_json(warnings)}


def _with_reason(decide: Callable[..., None]) -> Callable[[ItemKind, int], Any]:
    def view(kind: ItemKind, item_id: int) -> Any:
        actor = acting_user()
        item = lifecycle.get_visible(actor, kind, item_id)
        body = json_body(message="Give a reason the contributor will see.")
        text = reason(body)
        body.check()
        decide(actor=actor, item=item, reason=text)
        db.session.commit()
        return API_KINDS[kind].json(item)

    return view


send_back = _with_reason(items.return_item)
decline = _with_reason(items.decline_item)


def _route(
    kind: ItemKind,
    name: str,
    view: Callable[..., Any],
    roles: tuple[str, ...],
    summary: str,
    *,
    action: str | None = None,
    method: str = "POST",
    **documented: Any,
) -> None:
    """Route `view` for one kind: `/<api_path>/<id>/<action>` (or the item itself when there is
    no action), as the endpoint `<name>_<kind>`."""
    info = KINDS[kind]

    def endpoint(**path: int) -> Any:
        return view(kind, path[info.api_id])

    endpoint.__name__ = endpoint.__qualname__ = f"{name}_{kind}"
    bp.add_url_rule(
        f"/{info.api_path}/<id:{info.api_id}>" + (f"/{action}" if action else ""),
        endpoint=endpoint.__name__,
        view_func=access(*roles)(operation(summary, **documented)(endpoint)),
        methods=[method],
    )


def _collection_routes(kind: ItemKind, api: ApiKind) -> None:
    """`GET /<api_path>` (`list_<kind>`) and `POST /<api_path>` (`create_<kind>`)."""

    def listed() -> Any:
        return list_items(kind)

    def created() -> Any:
        return create(kind)

    query = {name: enum(*values) for name, (_, values) in api.choices.items()}
    documented = [
        (
            listed,
            "list",
            "GET",
            READERS,
            operation(
                f"List the {KINDS[kind].plural} you may see",
                description=api.list_description,
                response=api.schema,
                paginated=True,
                query=filters(
                    dated=KINDS[kind].date_field is not None, status=enum(*api.statuses), **query
                ),
            ),
        ),
        (
            created,
            "create",
            "POST",
            RECORDERS,
            operation(
                api.create_summary,
                description="For yourself, or (coordinators) for a contributor of your "
                "project. " + api.create_description,
                request=api.schema,
                response=api.schema,
                status=201,
                errors=(404,),  # a contributor_id the user may not see
            ),
        ),
    ]
    for endpoint, name, method, roles, document in documented:
        endpoint.__name__ = endpoint.__qualname__ = f"{name}_{kind}"
        bp.add_url_rule(
            f"/{KINDS[kind].api_path}",
            endpoint=endpoint.__name__,
            view_func=access(*roles)(document(endpoint)),
            methods=[method],
        )


for _kind, _api in API_KINDS.items():
    _label = KINDS[_kind].label
    _with_warnings = with_warnings(
        f"{_api.schema['$ref'].rsplit('/', 1)[1]}WithWarnings", _api.schema
    )
    _collection_routes(_kind, _api)
    _route(
        _kind, "get", get, READERS, f"One {_label} you may see", method="GET", response=_api.schema
    )
    _route(
        _kind,
        "update",
        update,
        RECORDERS,
        f"Change a draft {_label}, or one sent back to you",
        method="PATCH",
        description="Send only the fields to change. Approved work never changes (409).",
        request=_api.schema,
        response=_api.schema,
    )
    _route(
        _kind,
        "submit",
        submit,
        RECORDERS,
        f"Send a {_label} for approval",
        action="submit",
        description=_api.submit_note + WARNINGS_NOTE,
        response=_with_warnings,
    )
    _route(
        _kind,
        "withdraw",
        withdraw,
        RECORDERS,
        f"Withdraw a {_label} before it is decided",
        action="withdraw",
        description="Only its contributor, or whoever recorded it.",
        response=_api.schema,
    )
    _route(
        _kind,
        "approve",
        approve,
        DECIDERS,
        f"Approve a submitted {_label}",
        action="approve",
        description=_api.approve_note + " Nobody approves what is their own, or what they "
        "recorded, last changed or sent (403)." + WARNINGS_NOTE,
        request=_api.approval,
        response=_with_warnings,
    )
    _route(
        _kind,
        "return",
        send_back,
        DECIDERS,
        f"Send a submitted {_label} back with a reason",
        action="return",
        request=REASON,
        response=_api.schema,
    )
    if _kind == ItemKind.ADAPTATION:
        _route(
            _kind,
            "decline",
            decline,
            DECIDERS,
            "Decline a request with a reason",
            action="decline",
            request=REASON,
            response=_api.schema,
        )
