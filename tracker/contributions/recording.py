"""What the pages for logging time, claiming expenses and asking for support share: whom the
item is for, which of their projects the user may record against, and the page wrapper that
shows "Exit this page"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from tracker.auth.models import User
from tracker.contributors import services as contributors
from tracker.contributors.models import Contributor
from tracker.errors import NotFound, TrackerError
from tracker.extensions import db
from tracker.forms import row_id
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.domain import DECIDED, WITHDRAWABLE, is_editable
from tracker.lifecycle.kinds import KINDS, ItemKind, info_of
from tracker.projects import services as projects
from tracker.projects.models import Project
from tracker.security import acting_user
from tracker.web import save_and_confirm, undo_and_show_error

# Who records items and who reads them; the services decide whose and which.
RECORDERS = ("contributor", "coordinator")
READERS = ("contributor", "coordinator", "finance", "admin")
# An item's pages: /time/<id>, /expenses/<id>, /adaptations/<id>.
ITEM = "/<int(max=2147483647):item_id>"


def contributor_page(template: str, status: int = 200, **context: Any) -> Any:
    """A contributor-facing page: always with the "Exit this page" button."""
    return render_template(template, show_exit_button=True, **context), status


def for_whom(user: User) -> Contributor | None:
    """`?contributor_id=N` (someone the user may see), or the user's own record; None means ask
    (a coordinator) or explain (no record)."""
    if "contributor_id" in request.args:
        contributor_id = row_id(request.args["contributor_id"])
        if contributor_id is None:
            raise NotFound("That contributor was not found.")
        return contributors.get_visible_contributor(user, contributor_id)
    if user.has_role("coordinator"):
        return None
    return contributors.contributor_for_user(user)


def ask_who(user: User, *, action: str, caption: str, keep: dict[str, str] | None = None) -> Any:
    """A coordinator chooses whom they are recording for; anyone else without a contributor
    record is told kindly why there is nothing to record."""
    if not user.has_role("coordinator"):
        return contributor_page("contributions/no_record.html")
    return contributor_page(
        "contributions/who_for.html",
        me=contributors.contributor_for_user(user),
        people=contributors.visible_contributors(user, others_only=True),
        action=action,
        caption=caption,
        keep=keep or {},
    )


def projects_for(user: User, contributor: Contributor) -> list[Project]:
    """Their projects that this user may record for: all of their own, or the ones coordinated."""
    ids = set(contributors.contributor_project_ids(contributor.id))
    if contributor.user_id != user.id:
        ids &= projects.coordinated_project_ids(user)
    return [p for p in projects.visible_projects(user) if p.id in ids]


def fill_project_choices(form: Any, user: User, contributor: Contributor) -> None:
    """Offer only those projects; preselect the only one."""
    choices = [(p.id, p.name) for p in projects_for(user, contributor)]
    form.project_id.choices = choices
    if len(choices) == 1 and not form.is_submitted() and form.project_id.data is None:
        form.project_id.data = choices[0][0]


def change_refusal(user: User, item: Any) -> str | None:
    """Why this person cannot change the item now, in plain words; None when they can."""
    if not lifecycle.can_act_for(user, item):
        return "Only the contributor, or the person who recorded this, can change it."
    if item.status == "submitted":
        return (
            "This has been sent for approval, so it cannot be changed now. "
            "If something is wrong, you can withdraw it and add it again."
        )
    if item.status == "withdrawn":
        return "This was withdrawn, so it cannot be changed."
    if not is_editable(item.status):
        return (
            f"This has been {'approved' if item.status in DECIDED else 'decided'}, so it cannot "
            "be changed. If something is wrong, please talk to your coordinator."
        )
    return None


def item_page(template: str, user: User, item: Any, /, **context: Any) -> Any:
    """An item's own page: who it is for, the project, who recorded it (when someone else did),
    and what this person may do with it now."""
    contributor = db.session.get(Contributor, item.contributor_id)
    recorder = db.session.get(User, item.recorded_by_id)
    assert contributor is not None and recorder is not None
    return contributor_page(
        template,
        contributor=contributor,
        project=db.session.get(Project, item.project_id),
        recorded_by=recorder if recorder.id != contributor.user_id else None,
        can_act=lifecycle.can_act_for(user, item),
        editable=is_editable(item.status),
        withdrawable=item.status in WITHDRAWABLE,
        **context,
    )


def form_page(
    template: str, form: Any, contributor: Contributor, *, new: bool, **context: Any
) -> Any:
    """The form to record or change an item: 400 with the errors beside the fields, saying whom
    it is for when that is someone else; a coordinator may change whom a new item is for."""
    user = acting_user()
    return contributor_page(
        template,
        400 if form.errors or form.form_errors else 200,
        form=form,
        contributor=contributor,
        for_someone_else=contributor.user_id != user.id,
        can_change_person=user.has_role("coordinator") and new,
        **context,
    )


def open_for_change(user: User, kind: ItemKind, item_id: int) -> tuple[Any, Contributor]:
    """The item this person may change now, and whom it is for; otherwise they go back to the
    item's page, told why."""
    item = lifecycle.get_visible(user, kind, item_id)
    refusal = change_refusal(user, item)
    if refusal:
        flash(refusal, "info")
        abort(redirect(url_for(f"{KINDS[kind].pages}.show", item_id=item_id)))
    contributor = db.session.get(Contributor, item.contributor_id)
    assert contributor is not None
    return item, contributor


def save_item(
    form: Any,
    save: Callable[[], Any],
    message: str,
    show_error: Callable[[Any, TrackerError], None] = undo_and_show_error,
) -> Any | None:
    """Record or change an item with `save` (a service call that returns it): kept and confirmed,
    on to its page; or refused, with why beside the fields (None: show the form again)."""
    try:
        item = save()
    except TrackerError as error:
        show_error(form, error)
        return None
    save_and_confirm(message)
    return redirect(url_for(f"{info_of(item).pages}.show", item_id=item.id))
