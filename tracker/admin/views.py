"""Admin pages: users, contributors, funds, projects, activity types and settings.

Coordinators may use the contributor pages and the project pages of the projects they
coordinate; everything else here is for administrators.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from tracker.admin.forms import (
    NO_PAYMENT_METHOD,
    ActivityTypeForm,
    CoordinatorForm,
    EditContributorForm,
    EditUserForm,
    FundForm,
    FundMemberForm,
    MemberForm,
    NewContributorForm,
    NewUserForm,
    ProjectForm,
    ResetAuthenticatorForm,
    ResetPasswordForm,
    SettingsForm,
    account_choices,
    activity_form_data,
    contributor_form_data,
    fund_choices,
    project_choices,
    user_choices,
    user_form_data,
)
from tracker.auth import services as auth
from tracker.auth.access import access
from tracker.auth.models import ROLE_LABELS, User
from tracker.contributors import services as people
from tracker.contributors.models import (
    ACCESS_NEEDS,
    CONTRIBUTOR_STATUSES,
    FEE_CHOICES,
    PAYMENT_METHODS,
    Contributor,
)
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.projects import services as projects
from tracker.projects.models import PROJECT_STATUSES, ActivityType, Fund, Project
from tracker.security import acting_user
from tracker.settings import services as settings
from tracker.web import save_and_confirm, show_service_error, undo_and_show_error

bp = Blueprint("admin", __name__, url_prefix="/admin")

MANAGERS = ("coordinator", "admin")

# (title, endpoint, what it is for). Pages of other features appear once they are registered.
ADMIN_PAGES = [
    ("Users", "admin.users", "Accounts, roles, and passwords."),
    (
        "Contributors",
        "admin.contributors",
        "The people paid for their time, with or without a login.",
    ),
    ("Projects", "admin.projects", "Projects, their funds, coordinators and contributors."),
    ("Funds", "admin.funds", "Grants, and the funder accounts that can see their reports."),
    ("Activities", "admin.activity_types", "The kinds of work people do, and which are paid."),
    ("Rates", "rates.index", "What each kind of work pays."),
    ("Budgets", "budgets.index", "How much each project can spend."),
    (
        "Settings",
        "admin.settings",
        "Organisation name, slip numbers and how long records are kept.",
    ),
    ("Audit log", "audit.index", "Who changed what, and when."),
]

LABELS = {
    "roles": ROLE_LABELS,
    "payment_methods": PAYMENT_METHODS,
    "contributor_statuses": CONTRIBUTOR_STATUSES,
    "fee_choices": FEE_CHOICES,
    "access_needs": ACCESS_NEEDS,
    "project_statuses": PROJECT_STATUSES,
}


def _page(template: str, **context: Any) -> Any:
    """Render a page; a POST that reaches here did not succeed, so it answers 400."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, labels=LABELS, **context), status


def _done(message: str, endpoint: str, **values: Any) -> Any:
    save_and_confirm(message)
    return redirect(url_for(endpoint, **values))


@contextmanager
def _refusal_shown(form: Any) -> Iterator[None]:
    """Around a change and its confirmation: if the service refuses the change, undo it and
    show why on the form, and carry on to show the form again."""
    try:
        yield
    except TrackerError as error:
        undo_and_show_error(form, error)


@bp.route("/")
@access("admin")
def index() -> Any:
    pages = [page for page in ADMIN_PAGES if page[1] in current_app.view_functions]
    return render_template("admin/index.html", pages=pages)


# --- users ------------------------------------------------------------------------------------


@bp.route("/users")
@access("admin")
def users() -> Any:
    return _page("admin/users.html", users=auth.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@access("admin")
def new_user() -> Any:
    form = NewUserForm()
    if form.validate_on_submit():
        with _refusal_shown(form):
            user = auth.create_user(
                actor=acting_user(),
                email=form.email.data or "",
                display_name=form.name.data or "",
                password=form.password.data or "",
                roles=form.roles.data or [],
            )
            return _done(f"{user.display_name} can now sign in as {user.email}.", "admin.users")
    return _page("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@access("admin")
def edit_user(user_id: int) -> Any:
    user = db.get_or_404(User, user_id)
    form = EditUserForm(data=user_form_data(user))
    if form.validate_on_submit():
        with _refusal_shown(form):
            auth.update_user(
                actor=acting_user(),
                user=user,
                display_name=form.name.data or "",
                roles=form.roles.data or [],
                active=form.active.data == "yes",
            )
            return _done(f"Changes to {user.display_name} are saved.", "admin.users")
    return _page("admin/user_edit.html", form=form, user=user)


@bp.route("/users/<int:user_id>/authenticator", methods=["GET", "POST"])
@access("admin")
def reset_authenticator(user_id: int) -> Any:
    """Remove someone's authenticator (a lost phone); they set up a new one at next sign-in."""
    user = db.get_or_404(User, user_id)
    form = ResetAuthenticatorForm()
    if form.validate_on_submit():
        with _refusal_shown(form):
            auth.reset_second_factor(actor=acting_user(), user=user)
            message = (
                f"{user.display_name}'s authenticator is reset and they have been signed out. "
                "They will set up a new one when they next sign in."
            )
            return _done(message, "admin.edit_user", user_id=user.id)
    return _page("admin/user_authenticator.html", form=form, user=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@access("admin")
def reset_password(user_id: int) -> Any:
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with _refusal_shown(form):
            auth.reset_password(actor=acting_user(), user=user, new=form.password.data or "")
            message = f"{user.display_name} has a new password. They have been signed out."
            return _done(message, "admin.edit_user", user_id=user.id)
    return _page("admin/user_password.html", form=form, user=user)


# --- contributors -----------------------------------------------------------------------------


def _contributor_choices(form: Any, user: User, contributor: Contributor | None = None) -> None:
    """Fill the form's lists; only admin links accounts, coordinators pick their own projects."""
    if user.has_role("admin"):
        taken = people.linked_user_ids() - {contributor.user_id if contributor else None}
        accounts = [u for u in auth.list_users(role="contributor") if u.id not in taken]
        form.user_id.choices = account_choices(accounts)
    else:
        del form.user_id
    if "project_ids" in form:
        form.project_ids.choices = project_choices(projects.managed_projects(user))


@bp.route("/contributors")
@access(*MANAGERS)
def contributors() -> Any:
    return _page("admin/contributors.html", contributors=people.visible_contributors(acting_user()))


@bp.route("/contributors/new", methods=["GET", "POST"])
@access(*MANAGERS)
def new_contributor() -> Any:
    user = acting_user()
    form = NewContributorForm(
        payment_method=NO_PAYMENT_METHOD, default_fee_choice="accept", benefits_warnings="no"
    )
    _contributor_choices(form, user)
    if form.validate_on_submit():
        with _refusal_shown(form):
            contributor = people.create_contributor(
                actor=user,
                preferred_name=form.preferred_name.data or "",
                user_id=form.user_id.data if "user_id" in form else None,
                contact=form.contact.data or "",
                payment_method=form.payment_method_value(),
                default_fee_choice=form.default_fee_choice.data or "",
                benefits_warnings=form.benefits_warnings.data == "yes",
                project_ids=form.project_ids.data or [],
            )
            message = (
                f"{contributor.preferred_name} is added, with reference {contributor.reference}."
            )
            return _done(message, "admin.contributor", contributor_id=contributor.id)
    return _page("admin/contributor_new.html", form=form)


@bp.route("/contributors/<int:contributor_id>")
@access(*MANAGERS)
def contributor(contributor_id: int) -> Any:
    user = acting_user()
    person = people.get_visible_contributor(user, contributor_id)
    return _page(
        "admin/contributor.html",
        contributor=person,
        projects=people.contributor_projects(contributor_id=person.id, viewer=user),
    )


@bp.route("/contributors/<int:contributor_id>/edit", methods=["GET", "POST"])
@access(*MANAGERS)
def edit_contributor(contributor_id: int) -> Any:
    user = acting_user()
    person = people.get_visible_contributor(user, contributor_id)
    form = EditContributorForm(data=contributor_form_data(person))
    _contributor_choices(form, user, person)
    if form.validate_on_submit():
        with _refusal_shown(form):
            people.update_contributor(
                actor=user,
                contributor=person,
                preferred_name=form.preferred_name.data or "",
                contact=form.contact.data or "",
                payment_method=form.payment_method_value(),
                default_fee_choice=form.default_fee_choice.data or "",
                benefits_warnings=form.benefits_warnings.data == "yes",
                status=form.status.data or "",
                user_id=form.user_id.data if "user_id" in form else None,
                change_user_link="user_id" in form,
            )
            message = f"Changes to {person.preferred_name} are saved."
            return _done(message, "admin.contributor", contributor_id=person.id)
    return _page("admin/contributor_edit.html", form=form, contributor=person)


# --- funds ------------------------------------------------------------------------------------


@bp.route("/funds")
@access("admin")
def funds() -> Any:
    return _page("admin/funds.html", funds=projects.visible_funds(acting_user()))


@bp.route("/funds/new", methods=["GET", "POST"], endpoint="new_fund")
@bp.route("/funds/<int:fund_id>/edit", methods=["GET", "POST"], endpoint="edit_fund")
@access("admin")
def save_fund(fund_id: int | None = None) -> Any:
    """Add a fund, or (given its id) change one."""
    fund = None if fund_id is None else db.get_or_404(Fund, fund_id)
    form = FundForm(obj=fund)
    if form.validate_on_submit():
        with _refusal_shown(form):
            saved = projects.save_fund(
                actor=acting_user(),
                fund=fund,
                name=form.name.data or "",
                funder_organisation=form.funder_organisation.data or "",
                reference=form.reference.data or "",
            )
            return _done(f"{saved.name} is saved.", "admin.fund", fund_id=saved.id)
    return _page("admin/fund_form.html", form=form, fund=fund)


def _funder_choices(fund: Fund, form: FundMemberForm) -> list[User]:
    """Offer the funder accounts not yet linked; returns those that are."""
    members = projects.fund_members(fund.id)
    linked = {u.id for u in members}
    funders = auth.list_users(role="funder", active_only=True)
    form.user_id.choices = user_choices([u for u in funders if u.id not in linked])
    return members


@bp.route("/funds/<int:fund_id>")
@access("admin")
def fund(fund_id: int) -> Any:
    fund = db.get_or_404(Fund, fund_id)
    form = FundMemberForm()
    members = _funder_choices(fund, form)
    return _page("admin/fund.html", fund=fund, members=members, form=form)


@bp.route("/funds/<int:fund_id>/funders", methods=["POST"])
@access("admin")
def add_fund_member(fund_id: int) -> Any:
    fund = db.get_or_404(Fund, fund_id)
    form = FundMemberForm()
    members = _funder_choices(fund, form)
    if form.validate_on_submit():
        funder = db.get_or_404(User, form.user_id.data)
        with _refusal_shown(form):
            projects.add_fund_member(actor=acting_user(), fund=fund, user=funder)
            message = f"{funder.display_name} can now see reports for {fund.name}."
            return _done(message, "admin.fund", fund_id=fund.id)
    return _page("admin/fund.html", fund=fund, members=members, form=form)


@bp.route("/funds/<int:fund_id>/funders/<int:user_id>/remove", methods=["POST"])
@access("admin")
def remove_fund_member(fund_id: int, user_id: int) -> Any:
    fund = db.get_or_404(Fund, fund_id)
    projects.remove_fund_member(actor=acting_user(), fund=fund, user_id=user_id)
    message = f"That account can no longer see reports for {fund.name}."
    return _done(message, "admin.fund", fund_id=fund.id)


# --- projects ---------------------------------------------------------------------------------


@bp.route("/projects", endpoint="projects")
@access(*MANAGERS)
def project_list() -> Any:
    return _page("admin/projects.html", projects=projects.managed_projects(acting_user()))


@bp.route("/projects/new", methods=["GET", "POST"])
@access("admin")
def new_project() -> Any:
    form = ProjectForm(status="active")
    form.fund_ids.choices = fund_choices(projects.visible_funds(acting_user()))
    if form.validate_on_submit():
        with _refusal_shown(form):
            project = projects.create_project(
                actor=acting_user(),
                name=form.name.data or "",
                code=form.code.data or "",
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                status=form.status.data or "",
                description=form.description.data or "",
                fund_ids=form.fund_ids.data or [],
            )
            return _done(f"{project.name} is added.", "admin.project", project_id=project.id)
    return _page("admin/project_form.html", form=form, project=None)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@access("admin")
def edit_project(project_id: int) -> Any:
    project = db.get_or_404(Project, project_id)
    form = ProjectForm(obj=project, fund_ids=[f.id for f in project.funds])
    form.fund_ids.choices = fund_choices(projects.visible_funds(acting_user()))
    if form.validate_on_submit():
        with _refusal_shown(form):
            projects.update_project(
                actor=acting_user(),
                project=project,
                name=form.name.data or "",
                code=form.code.data or "",
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                status=form.status.data or "",
                description=form.description.data or "",
                fund_ids=form.fund_ids.data or [],
            )
            return _done(
                "Changes to the project are saved.", "admin.project", project_id=project.id
            )
    return _page("admin/project_form.html", form=form, project=project)


def _project_page(
    project: Project,
    coordinator_form: CoordinatorForm | None = None,
    member_form: MemberForm | None = None,
) -> Any:
    """The project page, with its two add forms (fresh unless one is being shown with errors)."""
    coordinator_form = coordinator_form or _coordinator_form(project)
    member_form = member_form or _member_form(project)
    return _page(
        "admin/project.html",
        project=project,
        coordinators=projects.project_coordinators(project.id),
        members=projects.project_members(project.id),
        coordinator_form=coordinator_form,
        member_form=member_form,
    )


def _coordinator_form(project: Project) -> CoordinatorForm:
    form = CoordinatorForm(prefix="coordinator")
    current = {u.id for u in projects.project_coordinators(project.id)}
    candidates = auth.list_users(role="coordinator", active_only=True)
    form.user_id.choices = user_choices([u for u in candidates if u.id not in current])
    return form


def _member_form(project: Project) -> MemberForm:
    form = MemberForm(prefix="member")
    current = {c.id for c in projects.project_members(project.id)}
    candidates = people.visible_contributors(acting_user())
    form.contributor_id.choices = [("", "Choose a contributor")] + [
        (str(c.id), f"{c.preferred_name} ({c.reference})")
        for c in candidates
        if c.id not in current
    ]
    return form


@bp.route("/projects/<int:project_id>")
@access(*MANAGERS)
def project(project_id: int) -> Any:
    return _project_page(projects.get_managed_project(acting_user(), project_id))


@bp.route("/projects/<int:project_id>/coordinators", methods=["POST"])
@access("admin")
def add_coordinator(project_id: int) -> Any:
    project = db.get_or_404(Project, project_id)
    form = _coordinator_form(project)
    if form.validate_on_submit():
        coordinator = db.get_or_404(User, form.user_id.data)
        with _refusal_shown(form):
            projects.add_coordinator(actor=acting_user(), project=project, user=coordinator)
            message = f"{coordinator.display_name} now coordinates {project.name}."
            return _done(message, "admin.project", project_id=project.id)
    return _project_page(project, coordinator_form=form)


@bp.route("/projects/<int:project_id>/coordinators/<int:user_id>/remove", methods=["POST"])
@access("admin")
def remove_coordinator(project_id: int, user_id: int) -> Any:
    project = db.get_or_404(Project, project_id)
    projects.remove_coordinator(actor=acting_user(), project=project, user_id=user_id)
    message = f"That person no longer coordinates {project.name}."
    return _done(message, "admin.project", project_id=project.id)


@bp.route("/projects/<int:project_id>/contributors", methods=["POST"])
@access(*MANAGERS)
def add_member(project_id: int) -> Any:
    user = acting_user()
    project = projects.get_managed_project(user, project_id)
    form = _member_form(project)
    if form.validate_on_submit():
        person = people.get_visible_contributor(user, form.contributor_id.data or 0)
        with _refusal_shown(form):
            projects.add_member(actor=user, project=project, contributor=person)
            message = f"{person.preferred_name} is now part of {project.name}."
            return _done(message, "admin.project", project_id=project.id)
    return _project_page(project, member_form=form)


@bp.route("/projects/<int:project_id>/contributors/<int:contributor_id>/remove", methods=["POST"])
@access(*MANAGERS)
def remove_member(project_id: int, contributor_id: int) -> Any:
    user = acting_user()
    project = projects.get_managed_project(user, project_id)
    projects.remove_member(actor=user, project=project, contributor_id=contributor_id)
    message = f"That contributor is no longer part of {project.name}. Their records are kept."
    return _done(message, "admin.project", project_id=project.id)


# --- activity types ---------------------------------------------------------------------------


@bp.route("/activity-types")
@access("admin")
def activity_types() -> Any:
    return _page("admin/activity_types.html", activities=projects.list_activity_types())


@bp.route("/activity-types/new", methods=["GET", "POST"], endpoint="new_activity_type")
@bp.route(
    "/activity-types/<int:activity_id>", methods=["GET", "POST"], endpoint="edit_activity_type"
)
@access("admin")
def save_activity_type(activity_id: int | None = None) -> Any:
    """Add an activity type, or (given its id) change one."""
    activity = None if activity_id is None else db.get_or_404(ActivityType, activity_id)
    start = activity_form_data(activity) if activity else {"paid": "yes", "active": "yes"}
    form = ActivityTypeForm(data=start)
    if form.validate_on_submit():
        with _refusal_shown(form):
            saved = projects.save_activity_type(
                actor=acting_user(),
                activity=activity,
                name=form.name.data or "",
                paid=form.paid.data == "yes",
                active=form.active.data == "yes",
            )
            return _done(f"{saved.name} is saved.", "admin.activity_types")
    return _page("admin/activity_type_form.html", form=form, activity=activity)


# --- settings ---------------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"], endpoint="settings")
@access("admin")
def settings_page() -> Any:
    form = SettingsForm(data={key: settings.get_setting(key) for key in settings.DEFAULTS})
    if form.validate_on_submit():
        problems: list[TrackerError] = []
        for key in settings.DEFAULTS:
            try:
                settings.set_setting(actor=acting_user(), key=key, value=form[key].data or "")
            except TrackerError as error:
                problems.append(error)
        if not problems:
            return _done("The settings are saved.", "admin.settings")
        db.session.rollback()
        for problem in problems:
            show_service_error(form, problem)
    return _page("admin/settings.html", form=form)
