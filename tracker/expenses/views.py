"""Expense claims: record, receipts, submit, withdraw."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    request,
    url_for,
)
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from tracker.auth.access import access
from tracker.auth.models import User
from tracker.contributions import recording
from tracker.contributions.recording import ITEM, READERS, RECORDERS
from tracker.contributors.models import Contributor
from tracker.dates import local_today
from tracker.errors import TrackerError
from tracker.expenses import services
from tracker.expenses.domain import EXPENSE_CATEGORIES, VEHICLE_LABELS
from tracker.expenses.forms import CATEGORY_HINTS, CategoryForm, ExpenseForm
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.kinds import ItemKind
from tracker.rates import services as rates
from tracker.security import acting_user
from tracker.web import show_service_error

bp = Blueprint("expenses", __name__, url_prefix="/expenses")
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def _ask_category(action: str, current: str | None, contributor_id: int | None) -> Any:
    asked = "category" in request.args and "choose" not in request.args
    form = CategoryForm(request.args if asked else None, category=current)
    if asked:
        form.validate()
    return recording.contributor_page(
        "expenses/category.html",
        400 if form.errors else 200,
        form=form,
        action=action,
        contributor_id=contributor_id,
        hints=CATEGORY_HINTS,
    )


def _claim_input(form: ExpenseForm, contributor_id: int) -> services.ClaimInput:
    return services.ClaimInput(
        contributor_id=contributor_id,
        project_id=form.project_id.data,
        claim_date=form.claim_date.data,
        category=form.category.data or "",
        description=form.description.data or "",
        amount_pence=form.amount_pence.pence,
        miles=form.miles.data,
        vehicle=form.vehicle.data,
        passengers=form.passengers.data or 0,
        receipt_missing_reason=form.receipt_missing_reason.data,
    )


def _keep_receipt(form: ExpenseForm, user: User, claim: ExpenseClaim) -> None:
    """The receipt chosen on the form, if one was."""
    upload = form.receipt.data
    if isinstance(upload, FileStorage) and upload.filename:
        services.attach_receipt(
            actor=user, claim=claim, stream=upload.stream, filename=upload.filename
        )


def _show_error(form: ExpenseForm, error: TrackerError) -> None:
    db.session.rollback()
    # The receipt checks explain themselves best in full, beside the file box.
    if "receipt" in error.fields:
        error.fields["receipt"] = error.message
    show_service_error(form, error)


def _form_page(
    form: ExpenseForm, contributor: Contributor, claim: ExpenseClaim | None, *, change_url: str
) -> Any:
    category = form.category.data or ""
    return recording.form_page(
        "expenses/form.html",
        form,
        contributor,
        new=claim is None,
        claim=claim,
        category=category,
        category_label=EXPENSE_CATEGORIES.get(category, ""),
        change_url=change_url,
    )


@bp.route("/new", methods=["GET", "POST"])
@access(*RECORDERS)
def new() -> Any:
    user = acting_user()
    contributor = recording.for_whom(user)
    if contributor is None:
        return recording.ask_who(
            user,
            action=url_for("expenses.new"),
            caption="Claim an expense",
            keep={k: v for k, v in request.args.items() if k == "category"},
        )
    keep: dict[str, Any] = (
        {"contributor_id": contributor.id} if "contributor_id" in request.args else {}
    )
    change_url = url_for("expenses.new", choose=1, **keep)
    category = request.args.get("category")
    if request.method == "GET" and (category not in EXPENSE_CATEGORIES or "choose" in request.args):
        return _ask_category(url_for("expenses.new"), category, keep.get("contributor_id"))
    form = ExpenseForm(category=category, claim_date=local_today())
    recording.fill_project_choices(form, user, contributor)
    if form.validate_on_submit():

        def save() -> ExpenseClaim:
            claim = services.create_expense(actor=user, data=_claim_input(form, contributor.id))
            _keep_receipt(form, user, claim)
            return claim

        saved = recording.save_item(
            form, save, "Saved. Check the details, then send it for approval.", _show_error
        )
        if saved:
            return saved
    return _form_page(form, contributor, None, change_url=change_url)


@bp.route(ITEM)
@access(*READERS)
def show(item_id: int) -> Any:
    user = acting_user()
    claim = lifecycle.get_visible(user, ItemKind.EXPENSE, item_id)
    return recording.item_page(
        "expenses/show.html",
        user,
        claim,
        claim=claim,
        cap=rates.expense_caps().get(claim.category) if claim.over_cap else None,
        needs_receipt=claim.category not in services.NO_RECEIPT_NEEDED,
        categories=EXPENSE_CATEGORIES,
        vehicles=VEHICLE_LABELS,
    )


@bp.route(ITEM + "/receipt")
@access(*READERS)
def receipt(item_id: int) -> Any:
    data, content_type, original = services.read_receipt(user=acting_user(), claim_id=item_id)
    extension = EXTENSIONS.get(content_type, "")
    stem = secure_filename(original).rsplit(".", 1)[0][:80] or f"receipt-{item_id}"
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{stem}{extension}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _claim_data(claim: ExpenseClaim, category: str) -> dict[str, Any]:
    return {
        "category": category,
        "project_id": claim.project_id,
        "claim_date": claim.claim_date,
        "description": claim.description,
        "amount_pence": claim.amount_pence if claim.category != "mileage" else None,
        "miles": f"{claim.miles_tenths / 10:g}" if claim.miles_tenths else "",
        "vehicle": claim.vehicle,
        "passengers": claim.passengers,
        "receipt_missing_reason": claim.receipt_missing_reason or "",
    }


@bp.route(ITEM + "/edit", methods=["GET", "POST"])
@access(*RECORDERS)
def edit(item_id: int) -> Any:
    user = acting_user()
    claim, contributor = recording.open_for_change(user, ItemKind.EXPENSE, item_id)
    change_url = url_for("expenses.edit", item_id=item_id, choose=1)
    category = request.args.get("category", claim.category)
    if request.method == "GET" and (category not in EXPENSE_CATEGORIES or "choose" in request.args):
        return _ask_category(url_for("expenses.edit", item_id=item_id), category, None)
    form = ExpenseForm(data=_claim_data(claim, category))
    recording.fill_project_choices(form, user, contributor)
    if form.validate_on_submit():

        def save() -> ExpenseClaim:
            changed = services.update_expense(
                actor=user, claim=claim, data=_claim_input(form, contributor.id)
            )
            _keep_receipt(form, user, changed)
            return changed

        saved = recording.save_item(
            form,
            save,
            "Your changes are saved. Check them, then send it for approval.",
            _show_error,
        )
        if saved:
            return saved
    return _form_page(form, contributor, claim, change_url=change_url)
