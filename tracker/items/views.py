"""Send an item for approval, or withdraw it: one view each for every kind.

Each view is routed once per kind, under the kind's own pages (`/time/3/submit` is
`items.submit_time`, `/expenses/3/withdraw` is `items.withdraw_expense`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from tracker.auth.access import access
from tracker.contributions.recording import ITEM, RECORDERS, contributor_page
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.items import services
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.domain import WITHDRAWABLE
from tracker.lifecycle.kinds import KINDS, ItemKind
from tracker.security import acting_user

bp = Blueprint("items", __name__)


def _back(kind: ItemKind, item_id: int) -> str:
    return url_for(f"{KINDS[kind].pages}.show", item_id=item_id)


def submit(kind: ItemKind, item_id: int) -> Any:
    user = acting_user()
    item = lifecycle.get_visible(user, kind, item_id)
    try:
        warnings = services.submit_item(actor=user, item=item)
    except TrackerError as error:
        db.session.rollback()
        flash(error.message, "info")
    else:
        db.session.commit()
        # The benefit note itself is shown on the item's page, calmly, not in a banner.
        note = " Please read the note about benefits below." if warnings else ""
        flash(f"Sent for approval. Your coordinator will look at it.{note}", "success")
    return redirect(_back(kind, item_id))


def withdraw(kind: ItemKind, item_id: int) -> Any:
    user = acting_user()
    item = lifecycle.get_visible(user, kind, item_id)
    if request.method == "POST":
        try:
            services.withdraw_item(actor=user, item=item)
        except TrackerError as error:
            db.session.rollback()
            flash(error.message, "info")
        else:
            db.session.commit()
            flash("Withdrawn. It will not be sent for approval or paid.", "success")
        return redirect(_back(kind, item_id))
    if not lifecycle.can_act_for(user, item) or item.status not in WITHDRAWABLE:
        flash("This cannot be withdrawn now.", "info")
        return redirect(_back(kind, item_id))
    return contributor_page(
        "contributions/withdraw.html",
        what=KINDS[kind].this,
        back=_back(kind, item_id),
        action=url_for(f"items.withdraw_{kind}", item_id=item_id),
    )


for _info in KINDS.values():
    _rule = f"/{_info.segment}{ITEM}"
    bp.add_url_rule(
        _rule + "/submit",
        endpoint=f"submit_{_info.kind}",
        view_func=access(*RECORDERS)(submit),
        methods=["POST"],
        defaults={"kind": _info.kind},
    )
    bp.add_url_rule(
        _rule + "/withdraw",
        endpoint=f"withdraw_{_info.kind}",
        view_func=access(*RECORDERS)(withdraw),
        methods=["GET", "POST"],
        defaults={"kind": _info.kind},
    )
