"""Coordinators decide: the approval queue, approve, return, bulk approve, adaptations, and the
CSV import of paper sign-in sheets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer

from tracker.adaptations import services as adaptations
from tracker.adaptations.models import ADAPTATION_KINDS, ADAPTATION_STATUSES
from tracker.adaptations.services import PROVISIONS
from tracker.approvals import services
from tracker.approvals.forms import (
    ApproveCapForm,
    ApproveForm,
    ApproveFullForm,
    BulkApproveForm,
    ConfirmImportForm,
    DeclineForm,
    ImportForm,
    LoanReturnedForm,
    ProvidedForm,
    ReturnForm,
)
from tracker.auth.access import access
from tracker.auth.models import User
from tracker.errors import Conflict, Forbidden, TrackerError
from tracker.expenses.domain import EXPENSE_CATEGORIES
from tracker.extensions import db
from tracker.forms import optional_int
from tracker.items import services as items
from tracker.lifecycle.kinds import KINDS, ItemKind
from tracker.money import format_money
from tracker.security import acting_user
from tracker.timesheets import importer
from tracker.web import show_service_error

bp = Blueprint("approvals", __name__, url_prefix="/approvals")

# Who pays for an adaptation, said to the coordinator (the request form speaks as the contributor).
PAYMENTS = {
    "supplier": "The organisation pays the supplier",
    "reimburse": "The contributor pays and is paid back",
}
FEE_CHOICE_TEXT = {
    "accept": "Takes the fee",
    "decline": "Declined the fee (the hours still count)",
    "reduce": "Asked for a lower fee",
}


# --- the queue --------------------------------------------------------------------------------


def _filters() -> services.QueueFilters:
    args = request.args
    return services.QueueFilters(
        project_id=optional_int(args.get("project")),
        kind=args.get("kind") or None,
        contributor_id=optional_int(args.get("contributor")),
        status=args.get("status") or "submitted",
        page=args.get("page", 1, type=int) or 1,
    )


def _items(choices: list[tuple[Any, str]], chosen: Any, everything: str | None) -> list[Any]:
    """govukSelect items, with the chosen one selected."""
    first = [{"value": "", "text": everything}] if everything else []
    return first + [
        {"value": str(value), "text": text, "selected": value == chosen} for value, text in choices
    ]


def _query(filters: services.QueueFilters, **changes: Any) -> dict[str, Any]:
    values = {
        "project": filters.project_id,
        "kind": filters.kind,
        "contributor": filters.contributor_id,
        "status": filters.status if filters.status != "submitted" else None,
        "page": filters.page if filters.page > 1 else None,
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v not in (None, "")}


def _pagination(page: services.QueuePage) -> dict[str, Any] | None:
    """Parameters for govukPagination: first, last and the pages around this one."""
    if page.pages <= 1:
        return None
    current = page.filters.page

    def href(number: int) -> str:
        query = _query(page.filters, page=number if number > 1 else None)
        return url_for("approvals.queue") + ("?" + urlencode(query) if query else "")

    items: list[dict[str, Any]] = []
    for number in range(1, page.pages + 1):
        if number in (1, page.pages) or abs(number - current) <= 1:
            items.append({"number": number, "href": href(number), "current": number == current})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    params: dict[str, Any] = {"items": items, "landmarkLabel": "Approval pages"}
    if current > 1:
        params["previous"] = {"href": href(current - 1)}
    if current < page.pages:
        params["next"] = {"href": href(current + 1)}
    return params


@bp.route("/")
@access("coordinator")
def queue() -> Any:
    page = services.queue_page(actor=acting_user(), filters=_filters())
    f = page.filters
    return render_template(
        "approvals/queue.html",
        queue=page,
        form=BulkApproveForm(back=request.full_path.rstrip("?")),
        project_items=_items(
            [(pid, f"{name} ({code})") for pid, name, code in page.projects],
            f.project_id,
            "All your projects",
        ),
        kind_items=_items(list(services.KIND_LABELS.items()), f.kind, "Everything"),
        contributor_items=_items(
            [(cid, f"{name} ({ref})") for cid, name, ref in page.contributors],
            f.contributor_id,
            "Everyone",
        ),
        status_items=_items(list(services.STATUS_FILTERS.items()), f.status, None),
        status_label=services.STATUS_FILTERS[f.status],
        pagination=_pagination(page),
        filtered=bool(_query(f, page=None)),
        kind_labels=services.KIND_LABELS,
        link_for=_link_for,
    )


def _link_for(kind: str, item_id: int) -> str:
    return url_for(f"approvals.show_{kind}", item_id=item_id)


def _safe_back(back: str | None) -> str:
    """Back to the queue page the form came from; never anywhere else."""
    if back and back.startswith("/approvals/") and not back.startswith("//"):
        return back
    return url_for("approvals.queue")


@bp.route("/approve", methods=["POST"])
@access("coordinator")
def bulk_approve() -> Any:
    form = BulkApproveForm()
    back = _safe_back(form.back.data)
    if not form.validate_on_submit():
        flash("The form had expired. Please try again.")
        return redirect(back)
    try:
        outcome = services.bulk_approve(actor=acting_user(), refs=form.item.data)
    except TrackerError as error:
        flash(error.message)
        return redirect(back)
    db.session.commit()
    return render_template("approvals/bulk_result.html", outcome=outcome, back=back)


# --- one item ---------------------------------------------------------------------------------


def _page(kind: ItemKind, item: Any, status: int = 200, failed: Any = None, **forms: Any) -> Any:
    """The decision page; `failed` is the form whose errors are shown at the top."""
    user = acting_user()
    defaults: dict[str, Callable[[], Any]] = {
        "approve_form": ApproveForm,
        "return_form": ReturnForm,
        "cap_form": ApproveCapForm,
        "full_form": ApproveFullForm,
        "decline_form": DeclineForm,
        "provided_form": ProvidedForm,
        "loan_form": LoanReturnedForm,
    }
    for name, make in defaults.items():
        forms.setdefault(name, make())
    return render_template(
        f"approvals/{kind}.html",
        item=item,
        details=services.decision_details(actor=user, kind=kind, item=item),
        form=failed,
        kind_labels=services.KIND_LABELS,
        categories=EXPENSE_CATEGORIES,
        adaptation_kinds=ADAPTATION_KINDS,
        adaptation_statuses=ADAPTATION_STATUSES,
        provisions=PROVISIONS,
        payments=PAYMENTS,
        fee_choice_text=FEE_CHOICE_TEXT,
        item_url=url_for(f"{KINDS[kind].pages}.show", item_id=item.id),
        **forms,
    ), status


def _decide(
    kind: ItemKind,
    item_id: int,
    form: Any,
    form_name: str,
    act: Callable[[User, Any], str],
) -> Any:
    """Validate the form, make the decision, commit once and go back to the queue; or show the
    decision page again with what went wrong (a refusal is a plain message, not an error page)."""
    user = acting_user()
    item = services.get_item(user, kind, item_id)
    status = 400
    if form.validate_on_submit():
        try:
            message = act(user, item)
        except TrackerError as error:
            db.session.rollback()
            show_service_error(form, error)
            status = error.status if isinstance(error, Forbidden | Conflict) else 400
            item = services.get_item(user, kind, item_id)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("approvals.queue"))
    return _page(kind, item, status, failed=form, **{form_name: form})


def _flash_warnings(label: str, warnings: list[Any]) -> None:
    for notice in services.benefit_notices(label, warnings):
        flash(
            f"For your information, about {notice.label}: {notice.message} {notice.advice} "
            "The contributor chose to hear about this. It does not stop the payment."
        )


def _approved(kind: ItemKind, item: Any, warnings: list[Any]) -> str:
    label = services.item_label(kind, item)
    _flash_warnings(label, warnings)
    if kind == ItemKind.TIME:
        return f"Approved: {label}. Fee {format_money(item.fee_pence or 0)}."
    if kind == ItemKind.EXPENSE:
        return f"Approved: {label}, {format_money(item.approved_pence or 0)}."
    return f"Approved: {label}."


# One view per decision, for every kind: each is routed once per kind below
# (`approvals.approve_time`, `approvals.approve_expense`, ...), with the kind as a default.


def show(kind: ItemKind, item_id: int) -> Any:
    return _page(kind, services.get_item(acting_user(), kind, item_id))


def approve(kind: ItemKind, item_id: int) -> Any:
    def act(user: User, item: Any) -> str:
        return _approved(kind, item, items.approve_item(actor=user, item=item))

    return _decide(kind, item_id, ApproveForm(), "approve_form", act)


def return_(kind: ItemKind, item_id: int) -> Any:
    form = ReturnForm()

    def act(user: User, item: Any) -> str:
        items.return_item(actor=user, item=item, reason=form.reason.data or "")
        return f"Sent back with your reason: {services.item_label(kind, item)}."

    return _decide(kind, item_id, form, "return_form", act)


def decline(kind: ItemKind, item_id: int) -> Any:
    form = DeclineForm()

    def act(user: User, item: Any) -> str:
        items.decline_item(actor=user, item=item, reason=form.reason.data or "")
        return f"Declined with your reason: {services.item_label(kind, item)}."

    return _decide(kind, item_id, form, "decline_form", act)


for _info in KINDS.values():
    _rule = f"/{_info.segment}/<int:item_id>"
    _defaults = {"kind": _info.kind}
    _decisions = [("", show, ["GET"]), ("/approve", approve, ["POST"])]
    _decisions.append(("/return", return_, ["POST"]))
    if _info.kind == ItemKind.ADAPTATION:
        _decisions.append(("/decline", decline, ["POST"]))
    for _suffix, _view, _methods in _decisions:
        bp.add_url_rule(
            _rule + _suffix,
            endpoint=f"{_view.__name__.rstrip('_')}_{_info.kind}",
            view_func=access("coordinator")(_view),
            methods=_methods,
            defaults=_defaults,
        )


# --- what only some kinds decide --------------------------------------------------------------


@bp.route("/expenses/<int:item_id>/approve-cap", methods=["POST"])
@access("coordinator")
def approve_expense_cap(item_id: int) -> Any:
    def act(user: User, claim: Any) -> str:
        return _approved(
            ItemKind.EXPENSE, claim, items.approve_item(actor=user, item=claim, at_cap=True)
        )

    return _decide(ItemKind.EXPENSE, item_id, ApproveCapForm(), "cap_form", act)


@bp.route("/expenses/<int:item_id>/approve-full", methods=["POST"])
@access("coordinator")
def approve_expense_full(item_id: int) -> Any:
    form = ApproveFullForm()

    def act(user: User, claim: Any) -> str:
        reason = form.override_reason.data or ""
        warnings = items.approve_item(actor=user, item=claim, override_reason=reason)
        return _approved(ItemKind.EXPENSE, claim, warnings)

    return _decide(ItemKind.EXPENSE, item_id, form, "full_form", act)


@bp.route("/adaptations/<int:item_id>/provided", methods=["POST"])
@access("coordinator")
def provide_adaptation(item_id: int) -> Any:
    form = ProvidedForm()

    def act(user: User, item: Any) -> str:
        adaptations.mark_provided(actor=user, item=item, actual_pence=form.actual_pence.pence)
        label = services.item_label(ItemKind.ADAPTATION, item)
        if item.payment == "reimburse":
            return f"Marked as provided: {label}. It will be paid back on the next payment run."
        return f"Marked as provided: {label}."

    return _decide(ItemKind.ADAPTATION, item_id, form, "provided_form", act)


@bp.route("/adaptations/<int:item_id>/loan-returned", methods=["POST"])
@access("coordinator")
def loan_returned(item_id: int) -> Any:
    def act(user: User, item: Any) -> str:
        adaptations.mark_loan_returned(actor=user, item=item)
        return f"The loan has been returned: {services.item_label(ItemKind.ADAPTATION, item)}."

    return _decide(ItemKind.ADAPTATION, item_id, LoanReturnedForm(), "loan_form", act)


# --- importing paper sign-in sheets -----------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="approvals.import")


def _seal(text: str, submit: bool) -> str:
    """The checked file, signed (and compressed), to carry to the confirm step unchanged."""
    return _serializer().dumps({"user": acting_user().id, "submit": submit, "text": text})


def _unseal(token: str | None) -> tuple[str, bool] | None:
    try:
        data = _serializer().loads(token or "")
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != acting_user().id:
        return None
    return str(data["text"]), bool(data["submit"])


@bp.route("/import")
@access("coordinator")
def import_time() -> Any:
    return render_template("approvals/import.html", form=ImportForm())


@bp.route("/import", methods=["POST"])
@access("coordinator")
def check_import() -> Any:
    form = ImportForm()
    if form.validate_on_submit():
        try:
            text = importer.decode_csv(form.file.data.read(importer.MAX_BYTES + 1))
        except TrackerError as error:
            show_service_error(form, error)
        else:
            submit = form.then.data == "submit"
            preview = importer.preview_import(actor=acting_user(), text=text, submit=submit)
            return render_template(
                "approvals/import_preview.html",
                preview=preview,
                submit=submit,
                confirm=ConfirmImportForm(payload=_seal(text, submit)),
                form=ImportForm(formdata=None, then=form.then.data),
                filename=form.file.data.filename or "the file",
            ), 200 if preview.ok else 400
    return render_template("approvals/import.html", form=form), 400


@bp.route("/import/confirm", methods=["POST"])
@access("coordinator")
def confirm_import() -> Any:
    form = ConfirmImportForm()
    sealed = _unseal(form.payload.data) if form.validate_on_submit() else None
    if sealed is None:
        flash("We could not find the file you checked. Please choose it again.")
        return redirect(url_for("approvals.import_time"))
    text, submit = sealed
    try:
        entries = importer.apply_import(actor=acting_user(), text=text, submit=submit)
    except importer.AlreadyImported as repeat:
        db.session.rollback()
        flash(repeat.message, "info")
        return redirect(url_for("approvals.queue"))
    except importer.ImportRejected as rejected:
        db.session.rollback()
        return render_template(
            "approvals/import_preview.html",
            preview=importer.ImportPreview([], rejected.errors),
            submit=submit,
            confirm=None,
            form=ImportForm(formdata=None, then="submit" if submit else "draft"),
            filename="the file",
        ), 400
    db.session.commit()
    one = len(entries) == 1
    count = f"{len(entries)} time " + ("entry" if one else "entries")
    if submit:
        them = "it" if one else "them"
        flash(
            f"Imported {count} and sent {them} for approval. You recorded {them}, so another "
            f"coordinator of the project approves {them}.",
            "success",
        )
    else:
        flash(f"Imported {count} as drafts. They can be checked and sent later.", "success")
    return redirect(url_for("approvals.queue"))
