"""A contributor's own pages: everything they logged, with status in words, and access needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import Select, select

from tracker.adaptations.models import ADAPTATION_KINDS
from tracker.auth.access import access
from tracker.auth.models import User
from tracker.calendar.domain import duration
from tracker.contributions.forms import NO_WARNINGS, AccessNeedsForm, BenefitWarningsForm
from tracker.contributors import services as contributors
from tracker.contributors.models import ACCESS_NEEDS, Contributor
from tracker.dates import local_today
from tracker.errors import TrackerError
from tracker.expenses.domain import EXPENSE_CATEGORIES
from tracker.extensions import db
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.domain import is_editable
from tracker.lifecycle.kinds import KINDS, ItemKind
from tracker.money import format_money
from tracker.projects.models import ActivityType, Project
from tracker.rates import domain as rates_domain
from tracker.rates import services as rates
from tracker.security import acting_user
from tracker.timesheets.models import TimeEntry
from tracker.web import save_and_confirm, undo_and_show_error

bp = Blueprint("contributions", __name__, url_prefix="/my")
PEOPLE = ("contributor", "coordinator")
OPEN = ("draft", "returned", "submitted")
DONE_SHOWN = 10
PERIOD_WORDS = {"week": "in a week", "month": "in a calendar month", "tax_year": "in a tax year"}


@dataclass(frozen=True)
class Card:
    """One item on the list, ready to show: words and links, no arithmetic."""

    kind: ItemKind
    id: int
    title: str
    on: date
    project: str
    amount_label: str
    amount: str | None
    status: str
    return_reason: str | None
    recorded_by: str | None
    for_name: str
    url: str
    edit_url: str | None

    @property
    def label(self) -> str:
        return KINDS[self.kind].card

    @property
    def to_do(self) -> bool:
        return self.status in {"draft", "returned"}


def _names(model: Any, column: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(model.id, column).where(model.id.in_(ids)))
    return {row[0]: row[1] for row in rows}


def _narrow(query: Select[Any], model: Any, user: User, me: int | None, others: bool) -> Any:
    """Mine: the items of my contributor record. Others: open items I recorded for other people."""
    if not others:
        return query.where(model.contributor_id == me)
    query = query.where(model.recorded_by_id == user.id, model.status.in_(OPEN))
    return query if me is None else query.where(model.contributor_id != me)


def _time_amount(entry: TimeEntry) -> str | None:
    if entry.fee_pence is not None:
        return format_money(entry.fee_pence)
    if entry.fee_choice == "decline":
        return "No fee, by choice"
    if entry.fee_choice == "reduce" and entry.fee_requested_pence is not None:
        return f"{format_money(entry.fee_requested_pence)} – a smaller fee, by choice"
    return None


def _cards(user: User, me: int | None, *, others: bool = False) -> list[Card]:
    """Time, expenses and requests, newest first, in a fixed number of queries."""
    found = {
        kind: db.session.scalars(
            _narrow(lifecycle.visible_query(user, kind), info.model, user, me, others)
        ).all()
        for kind, info in KINDS.items()
    }
    entries = found[ItemKind.TIME]
    claims = found[ItemKind.EXPENSE]
    requests = found[ItemKind.ADAPTATION]
    items: list[Any] = [*entries, *claims, *requests]
    projects = _names(Project, Project.name, {i.project_id for i in items})
    activities = _names(ActivityType, ActivityType.name, {e.activity_type_id for e in entries})
    people = {
        row[0]: row[1]
        for row in db.session.execute(
            select(Contributor.id, Contributor.user_id).where(
                Contributor.id.in_({i.contributor_id for i in items})
            )
        )
    }
    names = _names(Contributor, Contributor.preferred_name, set(people))
    recorders = _names(User, User.display_name, {i.recorded_by_id for i in items})

    def card(item: Any, kind: ItemKind, title: str, on: date, **extra: Any) -> Card:
        recorded_by = recorders.get(item.recorded_by_id)
        pages = KINDS[kind].pages
        return Card(
            kind=kind,
            id=item.id,
            title=title,
            on=on,
            project=projects.get(item.project_id, ""),
            status=item.status,
            return_reason=item.return_reason if item.status in {"returned", "declined"} else None,
            recorded_by=None if item.recorded_by_id == people[item.contributor_id] else recorded_by,
            for_name=names.get(item.contributor_id, ""),
            url=url_for(f"{pages}.show", item_id=item.id),
            edit_url=url_for(f"{pages}.edit", item_id=item.id)
            if is_editable(item.status)
            else None,
            **extra,
        )

    cards = [
        card(
            e,
            ItemKind.TIME,
            f"{activities.get(e.activity_type_id, 'Time')}, {duration(e.minutes)}",
            e.work_date,
            amount_label="Fee",
            amount=_time_amount(e),
        )
        for e in entries
    ]
    cards += [
        card(
            c,
            ItemKind.EXPENSE,
            EXPENSE_CATEGORIES.get(c.category, "Expense")
            + (f", {c.miles_tenths / 10:g} miles" if c.miles_tenths else ""),
            c.claim_date,
            amount_label="Amount",
            amount=format_money(c.amount_pence if c.approved_pence is None else c.approved_pence),
        )
        for c in claims
    ]
    cards += [
        card(
            r,
            ItemKind.ADAPTATION,
            ADAPTATION_KINDS.get(r.kind, "Request"),
            r.created_at.date(),
            amount_label="Cost" if r.actual_pence is not None else "Rough cost",
            amount=format_money(r.estimated_pence if r.actual_pence is None else r.actual_pence),
        )
        for r in requests
    ]
    return sorted(cards, key=lambda c: (c.on, c.kind, c.id), reverse=True)


@bp.route("/")
@access(*PEOPLE)
def mine() -> Any:
    user = acting_user()
    me = contributors.contributor_for_user(user)
    cards = _cards(user, me.id) if me else []
    done = [c for c in cards if c.status not in OPEN]
    show_all = request.args.get("all") == "1"
    return render_template(
        "contributions/mine.html",
        me=me,
        to_do=[c for c in cards if c.to_do],
        waiting=[c for c in cards if c.status == "submitted"],
        done=done if show_all else done[:DONE_SHOWN],
        done_total=len(done),
        others=_cards(user, me.id if me else None, others=True)
        if user.has_role("coordinator")
        else [],
        show_exit_button=True,
    )


# --- access needs and benefit warnings ----------------------------------------------------------


def _needs_data(me: Contributor) -> dict[str, Any]:
    data: dict[str, Any] = {"needs": [n.need for n in me.access_needs]}
    data.update({f"detail_{n.need}": n.detail for n in me.access_needs})
    return data


def _benefits_data(me: Contributor) -> dict[str, Any]:
    chosen = sorted(contributors.chosen_threshold_labels(me.id)) if me.benefits_warnings else []
    return {"thresholds": chosen or ([NO_WARNINGS] if not me.benefits_warnings else [])}


def _needs_page(
    me: Contributor, needs_form: AccessNeedsForm, benefits_form: BenefitWarningsForm
) -> Any:
    failed = any(f.errors or f.form_errors for f in (needs_form, benefits_form))
    thresholds = rates_domain.current_thresholds(rates.threshold_lines("benefits"), local_today())
    return render_template(
        "contributions/access_needs.html",
        me=me,
        form=needs_form,
        benefits_form=benefits_form,
        needs=ACCESS_NEEDS,
        thresholds=thresholds,
        period_words=PERIOD_WORDS,
        no_warnings=NO_WARNINGS,
        show_exit_button=True,
    ), 400 if failed else 200


@bp.route("/access-needs", methods=["GET", "POST"])
@access(*PEOPLE)
def access_needs() -> Any:
    user = acting_user()
    me = contributors.contributor_for_user(user)
    if me is None:
        return render_template("contributions/no_record.html", show_exit_button=True)
    form = AccessNeedsForm(data=_needs_data(me) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            contributors.set_access_needs(actor=user, contributor=me, needs=form.chosen())
        except TrackerError as error:
            undo_and_show_error(form, error)
        else:
            save_and_confirm("Your access needs are saved. Your coordinator can see them.")
            return redirect(url_for("contributions.access_needs"))
    return _needs_page(me, form, BenefitWarningsForm(formdata=None, data=_benefits_data(me)))


@bp.route("/benefit-warnings", methods=["POST"])
@access(*PEOPLE)
def benefit_warnings() -> Any:
    user = acting_user()
    me = contributors.contributor_for_user(user)
    if me is None:
        return render_template("contributions/no_record.html", show_exit_button=True)
    form = BenefitWarningsForm()
    if form.validate_on_submit():
        enabled, labels = form.chosen()
        try:
            contributors.set_benefit_warnings(
                actor=user, contributor=me, enabled=enabled, labels=labels
            )
        except TrackerError as error:
            undo_and_show_error(form, error)
        else:
            save_and_confirm(
                "Saved. We will tell you if your fees would go over the limits you chose."
                if enabled
                else "Saved. We will not show you benefit warnings.",
            )
            return redirect(url_for("contributions.access_needs"))
    return _needs_page(me, AccessNeedsForm(formdata=None, data=_needs_data(me)), form)
