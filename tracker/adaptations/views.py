"""Equipment and adaptation requests: ask, edit, submit, withdraw."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from tracker.adaptations import services
from tracker.adaptations.forms import PROVISION_HINTS, RequestForm
from tracker.adaptations.models import ADAPTATION_KINDS, AdaptationRequest
from tracker.auth.access import access
from tracker.contributions import recording
from tracker.contributions.recording import ITEM, READERS, RECORDERS
from tracker.contributors.models import Contributor
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.kinds import ItemKind
from tracker.lifecycle.models import ITEM_STATUSES
from tracker.security import acting_user

bp = Blueprint("adaptations", __name__, url_prefix="/adaptations")


def _request_input(form: RequestForm, contributor_id: int) -> services.RequestInput:
    return services.RequestInput(
        contributor_id=contributor_id,
        project_id=form.project_id.data,
        kind=form.kind.data or "",
        description=form.description.data or "",
        estimated_pence=form.estimated_pence.pence,
        provision=form.provision.data or "",
        payment=form.payment.data or "",
        needed_by=form.needed_by.data,
    )


def _form_page(form: RequestForm, contributor: Contributor, item: AdaptationRequest | None) -> Any:
    return recording.form_page(
        "adaptations/form.html",
        form,
        contributor,
        new=item is None,
        item=item,
        provision_hints=PROVISION_HINTS,
    )


@bp.route("/new", methods=["GET", "POST"])
@access(*RECORDERS)
def new() -> Any:
    user = acting_user()
    contributor = recording.for_whom(user)
    if contributor is None:
        return recording.ask_who(
            user, action=url_for("adaptations.new"), caption="Ask for equipment or support"
        )
    form = RequestForm(payment="supplier")
    recording.fill_project_choices(form, user, contributor)
    if form.validate_on_submit():
        saved = recording.save_item(
            form,
            lambda: services.create_request(actor=user, data=_request_input(form, contributor.id)),
            "Saved. Check the details, then send the request.",
        )
        if saved:
            return saved
    return _form_page(form, contributor, None)


@bp.route(ITEM)
@access(*READERS)
def show(item_id: int) -> Any:
    user = acting_user()
    item = lifecycle.get_visible(user, ItemKind.ADAPTATION, item_id)
    return recording.item_page(
        "adaptations/show.html",
        user,
        item,
        item=item,
        kinds=ADAPTATION_KINDS,
        payment_statuses=ITEM_STATUSES,
        provisions=services.PROVISIONS,
        payments=services.PAYMENTS,
    )


def _request_data(item: AdaptationRequest) -> dict[str, Any]:
    return {
        "project_id": item.project_id,
        "kind": item.kind,
        "description": item.description,
        "estimated_pence": item.estimated_pence,
        "provision": item.provision,
        "payment": item.payment,
        "needed_by": item.needed_by,
    }


@bp.route(ITEM + "/edit", methods=["GET", "POST"])
@access(*RECORDERS)
def edit(item_id: int) -> Any:
    user = acting_user()
    item, contributor = recording.open_for_change(user, ItemKind.ADAPTATION, item_id)
    form = RequestForm(data=_request_data(item))
    recording.fill_project_choices(form, user, contributor)
    if form.validate_on_submit():
        saved = recording.save_item(
            form,
            lambda: services.update_request(
                actor=user, item=item, data=_request_input(form, contributor.id)
            ),
            "Your changes are saved. Check them, then send the request.",
        )
        if saved:
            return saved
    return _form_page(form, contributor, item)
