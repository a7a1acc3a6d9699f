"""Who may use each route: an explicit table, checked for every identity.

`MATRIX` names every (endpoint, method) of the app and the roles let in. It is written out by
hand from DESIGN.md §1 (what each role sees and does), §5 (slips), §7 (who sees personal data)
and §11 (the API), and deliberately not computed from the views' `@access` rules: it is a
second, independent statement of the policy, so a rule changed by mistake shows up here.

Each identity is a user holding exactly one role (finance and admin sign in with their
authenticator code), plus anonymous. Pages are asked with the session cookie, `/api/v1/...`
with a bearer token. For each row:

- a role in `allow` reaches the handler: anything but 401, 403, 404 or 500 (a 400 or 409 for an
  empty form is fine: the point is the gate), and the ids in the URL are real, so 404 would
  mean the role is let in but turned away by the handler;
- a role in `hidden` passes the gate but the object is not theirs and must not be known to
  exist: 404 (only slips, DESIGN §5);
- any other role: 403 (a JSON error under the API);
- anonymous, unless the row is public: a redirect to /sign-in, or a JSON 401 under the API.

A route with no row, or a row for a route that no longer exists, fails
`test_the_table_names_every_route_and_method`, so a new route cannot ship without a decision
about who may use it. Where the app disagrees with DESIGN.md the row carries a `finding`; that
case runs on its own in `test_known_finding` as a strict xfail, and is left out of the
per-identity test.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.api.api_support import bearer
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_activity, make_contributor, make_fund, make_project
from tests.factories import make_user as factory_user
from tests.security.routes import assert_covers, assert_urls_reach_their_routes, route_methods
from tracker.adaptations import services as adaptations
from tracker.adaptations.services import RequestInput
from tracker.auth.models import User
from tracker.auth.services import create_api_token
from tracker.budgets import services as budgets
from tracker.dates import local_today
from tracker.expenses import services as expenses
from tracker.expenses.services import ClaimInput
from tracker.extensions import db
from tracker.items import services as items
from tracker.payments import services as payments
from tracker.projects import services as projects
from tracker.rates import services as rates
from tracker.timesheets import services as timesheets
from tracker.timesheets.services import EntryInput

ANONYMOUS = "anonymous"
CONTRIBUTOR = "contributor"
COORDINATOR = "coordinator"
FINANCE = "finance"
FUNDER = "funder"
ADMIN = "admin"
ROLES = (CONTRIBUTOR, COORDINATOR, FINANCE, FUNDER, ADMIN)
IDENTITIES = (ANONYMOUS, *ROLES)
SIGNED_IN = ROLES
EVERYONE = IDENTITIES
ITEM_READERS = (CONTRIBUTOR, COORDINATOR, FINANCE, ADMIN)
RECORDERS = (CONTRIBUTOR, COORDINATOR)
MANAGERS = (COORDINATOR, ADMIN)
MONEY_EDITORS = (FINANCE, ADMIN)
RATE_READERS = (COORDINATOR, FINANCE, ADMIN)
FUND_READERS = (FUNDER, FINANCE, ADMIN)
BUDGET_READERS = (COORDINATOR, FINANCE, ADMIN)
NOT_SLIP_HOLDERS = (COORDINATOR, FUNDER, ADMIN)


@dataclass(frozen=True)
class Gate:
    """One row: the URL (ids as `{name}` of the test world) and who is let in."""

    url: str
    allow: frozenset[str]
    hidden: frozenset[str] = frozenset()
    findings: dict[str, str] = field(default_factory=dict)
    signs_out: bool = False


def gate(
    url: str,
    *allow: str,
    hidden: tuple[str, ...] = (),
    findings: dict[str, str] | None = None,
    signs_out: bool = False,
) -> Gate:
    return Gate(url, frozenset(allow), frozenset(hidden), findings or {}, signs_out)


# fmt: off
MATRIX: dict[tuple[str, str], Gate] = {
    # --- public pages: anyone, signed in or not -------------------------------------------------
    ("main.accessibility", "GET"): gate("/accessibility", *EVERYONE),
    ("main.privacy", "GET"): gate("/privacy", *EVERYONE),
    ("main.healthz", "GET"): gate("/healthz", *EVERYONE),
    ("auth.sign_in", "GET"): gate("/sign-in", *EVERYONE),
    ("auth.sign_in", "POST"): gate("/sign-in", *EVERYONE),
    ("auth.second_factor", "GET"): gate("/sign-in/code", *EVERYONE),
    ("auth.second_factor", "POST"): gate("/sign-in/code", *EVERYONE),
    ("auth.enrol_second_factor", "GET"): gate("/sign-in/set-up-code", *EVERYONE),
    ("auth.enrol_second_factor", "POST"): gate("/sign-in/set-up-code", *EVERYONE),
    ("api.openapi_document", "GET"): gate("/api/v1/openapi.json", *EVERYONE),

    # --- everyone signed in: home, their own profile, session and tokens ------------------------
    ("main.home", "GET"): gate("/", *SIGNED_IN),
    ("auth.profile", "GET"): gate("/profile", *SIGNED_IN),
    ("auth.change_password", "POST"): gate("/profile/password", *SIGNED_IN),
    ("auth.create_token", "POST"): gate("/profile/tokens", *SIGNED_IN),
    ("auth.revoke_token", "POST"): gate("/profile/tokens/{own_token}/revoke", *SIGNED_IN),
    ("auth.replace_authenticator", "GET"): gate("/profile/authenticator", *SIGNED_IN),
    ("auth.replace_authenticator", "POST"): gate("/profile/authenticator", *SIGNED_IN),
    ("auth.new_recovery_codes", "POST"): gate("/profile/recovery-codes", *SIGNED_IN),
    ("auth.keep_alive", "POST"): gate("/session/keep-alive", *SIGNED_IN),
    ("auth.sign_out", "POST"): gate("/sign-out", *SIGNED_IN, signs_out=True),

    # --- a contributor's own pages (a coordinator may also be a contributor) --------------------
    ("contributions.mine", "GET"): gate("/my/", *RECORDERS),
    ("contributions.access_needs", "GET"): gate("/my/access-needs", *RECORDERS),
    ("contributions.access_needs", "POST"): gate("/my/access-needs", *RECORDERS),
    ("contributions.benefit_warnings", "POST"): gate("/my/benefit-warnings", *RECORDERS),

    # --- items: contributors log their own, coordinators record for their people; finance reads
    # decided work, admin reads for support; funders never see items (DESIGN §1, §7)
    ("timesheets.new", "GET"): gate("/time/new", *RECORDERS),
    ("timesheets.new", "POST"): gate("/time/new", *RECORDERS),
    ("timesheets.show", "GET"): gate("/time/{entry}", *ITEM_READERS),
    ("timesheets.edit", "GET"): gate("/time/{entry}/edit", *RECORDERS),
    ("timesheets.edit", "POST"): gate("/time/{entry}/edit", *RECORDERS),
    ("items.submit_time", "POST"): gate("/time/{entry}/submit", *RECORDERS),
    ("items.withdraw_time", "GET"): gate("/time/{entry}/withdraw", *RECORDERS),
    ("items.withdraw_time", "POST"): gate("/time/{entry}/withdraw", *RECORDERS),
    ("expenses.new", "GET"): gate("/expenses/new", *RECORDERS),
    ("expenses.new", "POST"): gate("/expenses/new", *RECORDERS),
    ("expenses.show", "GET"): gate("/expenses/{claim}", *ITEM_READERS),
    ("expenses.receipt", "GET"): gate("/expenses/{claim}/receipt", *ITEM_READERS),
    ("expenses.edit", "GET"): gate("/expenses/{claim}/edit", *RECORDERS),
    ("expenses.edit", "POST"): gate("/expenses/{claim}/edit", *RECORDERS),
    ("items.submit_expense", "POST"): gate("/expenses/{claim}/submit", *RECORDERS),
    ("items.withdraw_expense", "GET"): gate("/expenses/{claim}/withdraw", *RECORDERS),
    ("items.withdraw_expense", "POST"): gate("/expenses/{claim}/withdraw", *RECORDERS),
    ("adaptations.new", "GET"): gate("/adaptations/new", *RECORDERS),
    ("adaptations.new", "POST"): gate("/adaptations/new", *RECORDERS),
    ("adaptations.show", "GET"): gate("/adaptations/{adaptation}", *ITEM_READERS),
    ("adaptations.edit", "GET"): gate("/adaptations/{adaptation}/edit", *RECORDERS),
    ("adaptations.edit", "POST"): gate("/adaptations/{adaptation}/edit", *RECORDERS),
    ("items.submit_adaptation", "POST"): gate("/adaptations/{adaptation}/submit", *RECORDERS),
    ("items.withdraw_adaptation", "GET"): gate("/adaptations/{adaptation}/withdraw", *RECORDERS),
    ("items.withdraw_adaptation", "POST"): gate("/adaptations/{adaptation}/withdraw", *RECORDERS),

    # --- approvals: coordinators only; finance and admin never approve (DESIGN §1) --------------
    ("approvals.queue", "GET"): gate("/approvals/", COORDINATOR),
    ("approvals.bulk_approve", "POST"): gate("/approvals/approve", COORDINATOR),
    ("approvals.import_time", "GET"): gate("/approvals/import", COORDINATOR),
    ("approvals.check_import", "POST"): gate("/approvals/import", COORDINATOR),
    ("approvals.confirm_import", "POST"): gate("/approvals/import/confirm", COORDINATOR),
    ("approvals.show_time", "GET"): gate("/approvals/time/{entry_to_decide}", COORDINATOR),
    ("approvals.approve_time", "POST"):
        gate("/approvals/time/{entry_to_decide}/approve", COORDINATOR),
    ("approvals.return_time", "POST"):
        gate("/approvals/time/{entry_to_decide}/return", COORDINATOR),
    ("approvals.show_expense", "GET"): gate("/approvals/expenses/{claim_to_decide}", COORDINATOR),
    ("approvals.approve_expense", "POST"):
        gate("/approvals/expenses/{claim_to_decide}/approve", COORDINATOR),
    ("approvals.approve_expense_cap", "POST"):
        gate("/approvals/expenses/{claim_to_decide}/approve-cap", COORDINATOR),
    ("approvals.approve_expense_full", "POST"):
        gate("/approvals/expenses/{claim_to_decide}/approve-full", COORDINATOR),
    ("approvals.return_expense", "POST"):
        gate("/approvals/expenses/{claim_to_decide}/return", COORDINATOR),
    ("approvals.show_adaptation", "GET"):
        gate("/approvals/adaptations/{adaptation_to_decide}", COORDINATOR),
    ("approvals.approve_adaptation", "POST"):
        gate("/approvals/adaptations/{adaptation_to_decide}/approve", COORDINATOR),
    ("approvals.decline_adaptation", "POST"):
        gate("/approvals/adaptations/{adaptation_to_decide}/decline", COORDINATOR),
    ("approvals.return_adaptation", "POST"):
        gate("/approvals/adaptations/{adaptation_to_decide}/return", COORDINATOR),
    ("approvals.provide_adaptation", "POST"):
        gate("/approvals/adaptations/{adaptation_to_decide}/provided", COORDINATOR),
    ("approvals.loan_returned", "POST"):
        gate("/approvals/adaptations/{adaptation_to_decide}/loan-returned", COORDINATOR),

    # --- payments: finance only; coordinators never reach finance pages (DESIGN §1) -------------
    ("payments.runs", "GET"): gate("/payments/", FINANCE),
    ("payments.create_run", "POST"): gate("/payments/", FINANCE),
    ("payments.run", "GET"): gate("/payments/runs/{run}", FINANCE),
    ("payments.confirm_run", "GET"): gate("/payments/runs/{run}/confirm", FINANCE),
    ("payments.confirm_run", "POST"): gate("/payments/runs/{run}/confirm", FINANCE),
    ("payments.cancel_run", "GET"): gate("/payments/runs/{run}/cancel", FINANCE),
    ("payments.cancel_run", "POST"): gate("/payments/runs/{run}/cancel", FINANCE),
    ("payments.run_paid", "POST"): gate("/payments/runs/{slip_run}/paid", FINANCE),
    ("payments.run_zip", "GET"): gate("/payments/runs/{slip_run}/slips.zip", FINANCE),
    ("payments.run_csv", "GET"): gate("/payments/runs/{slip_run}/slips.csv", FINANCE),
    ("payments.lines_csv", "GET"): gate("/payments/runs/{slip_run}/lines.csv", FINANCE),
    ("payments.slip_paid", "GET"): gate("/payments/slips/{slip}/paid", FINANCE),
    ("payments.slip_paid", "POST"): gate("/payments/slips/{slip}/paid", FINANCE),
    ("payments.void_slip", "GET"): gate("/payments/slips/{slip}/void", FINANCE),
    ("payments.void_slip", "POST"): gate("/payments/slips/{slip}/void", FINANCE),
    # A slip is finance's or its owner's; for anyone else it does not exist (DESIGN §5).
    ("payments.slip_pdf", "GET"):
        gate("/payments/slips/{slip}.pdf", FINANCE, CONTRIBUTOR, hidden=NOT_SLIP_HOLDERS),
    ("payments.mine", "GET"): gate("/payments/mine", CONTRIBUTOR),
    ("payments.statement", "GET"): gate("/payments/mine/statement?tax_year=2026", CONTRIBUTOR),

    # --- rate cards: finance and admin keep them; coordinators read them -----------------------
    ("rates.index", "GET"): gate("/rates/", *RATE_READERS),
    ("rates.calculator", "GET"): gate("/rates/calculator", *RATE_READERS),
    ("rates.new", "GET"): gate("/rates/new", *MONEY_EDITORS),
    ("rates.new", "POST"): gate("/rates/new", *MONEY_EDITORS),
    ("rates.mileage", "GET"): gate("/rates/mileage", *RATE_READERS),
    ("rates.add_mileage", "POST"): gate("/rates/mileage", *MONEY_EDITORS),
    ("rates.caps", "GET"): gate("/rates/caps", *RATE_READERS),
    ("rates.set_cap", "POST"): gate("/rates/caps", *MONEY_EDITORS),
    ("rates.thresholds", "GET"): gate("/rates/thresholds", *RATE_READERS),
    ("rates.add_threshold", "POST"): gate("/rates/thresholds", *MONEY_EDITORS),

    # --- budgets: coordinators read their projects', finance and admin keep them ----------------
    ("budgets.index", "GET"): gate("/budgets/", *BUDGET_READERS),
    ("budgets.show", "GET"): gate("/budgets/{budget}", *BUDGET_READERS),
    ("budgets.new", "GET"): gate("/budgets/new", *MONEY_EDITORS),
    ("budgets.new", "POST"): gate("/budgets/new", *MONEY_EDITORS),
    ("budgets.edit", "GET"): gate("/budgets/{budget}/edit", *MONEY_EDITORS),
    ("budgets.edit", "POST"): gate("/budgets/{budget}/edit", *MONEY_EDITORS),

    # --- reports: funders see their funds' anonymous reports; the resourcing dashboard is staff's
    ("reports.index", "GET"): gate("/reports/", *FUND_READERS),
    ("reports.fund", "GET"): gate("/reports/funds/{fund}", *FUND_READERS),
    ("reports.fund_csv", "GET"): gate("/reports/funds/{fund}.csv", *FUND_READERS),
    ("reports.fund_pdf", "GET"): gate("/reports/funds/{fund}.pdf", *FUND_READERS),
    ("reports.resourcing", "GET"): gate("/reports/resourcing", COORDINATOR, FINANCE, ADMIN),

    # --- admin pages: admin; coordinators manage the contributors and members of their projects
    ("admin.index", "GET"): gate("/admin/", ADMIN),
    ("admin.users", "GET"): gate("/admin/users", ADMIN),
    ("admin.new_user", "GET"): gate("/admin/users/new", ADMIN),
    ("admin.new_user", "POST"): gate("/admin/users/new", ADMIN),
    ("admin.edit_user", "GET"): gate("/admin/users/{spare_user}", ADMIN),
    ("admin.edit_user", "POST"): gate("/admin/users/{spare_user}", ADMIN),
    ("admin.reset_authenticator", "GET"): gate("/admin/users/{spare_user}/authenticator", ADMIN),
    ("admin.reset_authenticator", "POST"):
        gate("/admin/users/{spare_user}/authenticator", ADMIN),
    ("admin.reset_password", "GET"): gate("/admin/users/{spare_user}/password", ADMIN),
    ("admin.reset_password", "POST"): gate("/admin/users/{spare_user}/password", ADMIN),
    ("admin.contributors", "GET"): gate("/admin/contributors", *MANAGERS),
    ("admin.new_contributor", "GET"): gate("/admin/contributors/new", *MANAGERS),
    ("admin.new_contributor", "POST"): gate("/admin/contributors/new", *MANAGERS),
    ("admin.contributor", "GET"): gate("/admin/contributors/{person}", *MANAGERS),
    ("admin.edit_contributor", "GET"): gate("/admin/contributors/{person}/edit", *MANAGERS),
    ("admin.edit_contributor", "POST"): gate("/admin/contributors/{person}/edit", *MANAGERS),
    ("admin.funds", "GET"): gate("/admin/funds", ADMIN),
    ("admin.new_fund", "GET"): gate("/admin/funds/new", ADMIN),
    ("admin.new_fund", "POST"): gate("/admin/funds/new", ADMIN),
    ("admin.fund", "GET"): gate("/admin/funds/{fund}", ADMIN),
    ("admin.edit_fund", "GET"): gate("/admin/funds/{fund}/edit", ADMIN),
    ("admin.edit_fund", "POST"): gate("/admin/funds/{fund}/edit", ADMIN),
    ("admin.add_fund_member", "POST"): gate("/admin/funds/{fund}/funders", ADMIN),
    ("admin.remove_fund_member", "POST"):
        gate("/admin/funds/{fund}/funders/{spare_funder}/remove", ADMIN),
    ("admin.projects", "GET"): gate("/admin/projects", *MANAGERS),
    ("admin.new_project", "GET"): gate("/admin/projects/new", ADMIN),
    ("admin.new_project", "POST"): gate("/admin/projects/new", ADMIN),
    ("admin.project", "GET"): gate("/admin/projects/{project}", *MANAGERS),
    ("admin.edit_project", "GET"): gate("/admin/projects/{project}/edit", ADMIN),
    ("admin.edit_project", "POST"): gate("/admin/projects/{project}/edit", ADMIN),
    ("admin.add_coordinator", "POST"): gate("/admin/projects/{project}/coordinators", ADMIN),
    ("admin.remove_coordinator", "POST"):
        gate("/admin/projects/{project}/coordinators/{lead}/remove", ADMIN),
    ("admin.add_member", "POST"): gate("/admin/projects/{project}/contributors", *MANAGERS),
    ("admin.remove_member", "POST"):
        gate("/admin/projects/{project}/contributors/{spare_person}/remove", *MANAGERS),
    ("admin.activity_types", "GET"): gate("/admin/activity-types", ADMIN),
    ("admin.new_activity_type", "GET"): gate("/admin/activity-types/new", ADMIN),
    ("admin.new_activity_type", "POST"): gate("/admin/activity-types/new", ADMIN),
    ("admin.edit_activity_type", "GET"): gate("/admin/activity-types/{activity}", ADMIN),
    ("admin.edit_activity_type", "POST"): gate("/admin/activity-types/{activity}", ADMIN),
    ("admin.settings", "GET"): gate("/admin/settings", ADMIN),
    ("admin.settings", "POST"): gate("/admin/settings", ADMIN),
    ("audit.index", "GET"): gate("/admin/audit/", ADMIN),

    # --- API: the same rules as the pages, for token holders (DESIGN §11) ----------------------
    ("api.me", "GET"): gate("/api/v1/me", *SIGNED_IN),
    ("api.list_users", "GET"): gate("/api/v1/users", ADMIN),
    ("api.create_user", "POST"): gate("/api/v1/users", ADMIN),
    ("api.list_contributors", "GET"): gate("/api/v1/contributors", *MANAGERS),
    ("api.create_contributor", "POST"): gate("/api/v1/contributors", *MANAGERS),
    ("api.list_activity_types", "GET"): gate("/api/v1/activity-types", *SIGNED_IN),
    ("api.create_activity_type", "POST"): gate("/api/v1/activity-types", ADMIN),
    ("api.list_funds", "GET"): gate("/api/v1/funds", *FUND_READERS),
    ("api.create_fund", "POST"): gate("/api/v1/funds", ADMIN),
    ("api.add_fund_member", "POST"): gate("/api/v1/funds/{fund}/members", ADMIN),
    ("api.get_fund_summary", "GET"): gate("/api/v1/funds/{fund}/summary", *FUND_READERS),
    ("api.list_projects", "GET"): gate("/api/v1/projects", *SIGNED_IN),
    ("api.create_project", "POST"): gate("/api/v1/projects", ADMIN),
    ("api.get_project", "GET"): gate("/api/v1/projects/{project}", *SIGNED_IN),
    # DESIGN §11 names admin; coordinators add people they already see to their own projects,
    # as on the project page (the service refuses a coordinator of another project).
    ("api.add_project_member", "POST"): gate("/api/v1/projects/{project}/members", *MANAGERS),
    ("api.get_project_budget", "GET"):
        gate("/api/v1/projects/{project}/budget", COORDINATOR, FINANCE, ADMIN, FUNDER),
    ("api.create_budget", "POST"): gate("/api/v1/budgets", *MONEY_EDITORS),
    # One budget with its lines is finance's and admin's (DESIGN §11); coordinators and funders
    # read a project's budget report instead.
    ("api.get_budget", "GET"): gate("/api/v1/budgets/{budget}", *MONEY_EDITORS),
    ("api.list_rates", "GET"): gate("/api/v1/rates", *RATE_READERS),
    ("api.create_rate", "POST"): gate("/api/v1/rates", *MONEY_EDITORS),
    ("api.estimate", "POST"): gate("/api/v1/estimate", *ITEM_READERS),
    ("api.list_time", "GET"): gate("/api/v1/time-entries", *ITEM_READERS),
    ("api.create_time", "POST"): gate("/api/v1/time-entries", *RECORDERS),
    ("api.get_time", "GET"): gate("/api/v1/time-entries/{entry}", *ITEM_READERS),
    ("api.update_time", "PATCH"): gate("/api/v1/time-entries/{entry}", *RECORDERS),
    ("api.submit_time", "POST"): gate("/api/v1/time-entries/{entry}/submit", *RECORDERS),
    ("api.withdraw_time", "POST"):
        gate("/api/v1/time-entries/{entry}/withdraw", *RECORDERS),
    ("api.approve_time", "POST"):
        gate("/api/v1/time-entries/{entry_to_decide}/approve", COORDINATOR),
    ("api.return_time", "POST"):
        gate("/api/v1/time-entries/{entry_to_decide}/return", COORDINATOR),
    ("api.list_expense", "GET"): gate("/api/v1/expenses", *ITEM_READERS),
    ("api.create_expense", "POST"): gate("/api/v1/expenses", *RECORDERS),
    ("api.get_expense", "GET"): gate("/api/v1/expenses/{claim}", *ITEM_READERS),
    ("api.update_expense", "PATCH"): gate("/api/v1/expenses/{claim}", *RECORDERS),
    ("api.upload_receipt", "POST"): gate("/api/v1/expenses/{claim}/receipt", *RECORDERS),
    ("api.submit_expense", "POST"): gate("/api/v1/expenses/{claim}/submit", *RECORDERS),
    ("api.withdraw_expense", "POST"): gate("/api/v1/expenses/{claim}/withdraw", *RECORDERS),
    ("api.approve_expense", "POST"):
        gate("/api/v1/expenses/{claim_to_decide}/approve", COORDINATOR),
    ("api.return_expense", "POST"):
        gate("/api/v1/expenses/{claim_to_decide}/return", COORDINATOR),
    ("api.list_adaptation", "GET"): gate("/api/v1/adaptations", *ITEM_READERS),
    ("api.create_adaptation", "POST"): gate("/api/v1/adaptations", *RECORDERS),
    ("api.get_adaptation", "GET"): gate("/api/v1/adaptations/{adaptation}", *ITEM_READERS),
    ("api.update_adaptation", "PATCH"): gate("/api/v1/adaptations/{adaptation}", *RECORDERS),
    ("api.submit_adaptation", "POST"):
        gate("/api/v1/adaptations/{adaptation}/submit", *RECORDERS),
    ("api.withdraw_adaptation", "POST"):
        gate("/api/v1/adaptations/{adaptation}/withdraw", *RECORDERS),
    ("api.approve_adaptation", "POST"):
        gate("/api/v1/adaptations/{adaptation_to_decide}/approve", COORDINATOR),
    ("api.decline_adaptation", "POST"):
        gate("/api/v1/adaptations/{adaptation_to_decide}/decline", COORDINATOR),
    ("api.return_adaptation", "POST"):
        gate("/api/v1/adaptations/{adaptation_to_decide}/return", COORDINATOR),
    ("api.provide_adaptation", "POST"):
        gate("/api/v1/adaptations/{adaptation_to_decide}/provided", COORDINATOR),
    ("api.loan_returned", "POST"):
        gate("/api/v1/adaptations/{adaptation_to_decide}/returned", COORDINATOR),
    ("api.list_payment_runs", "GET"): gate("/api/v1/payment-runs", FINANCE),
    ("api.create_payment_run", "POST"): gate("/api/v1/payment-runs", FINANCE),
    ("api.get_payment_run", "GET"): gate("/api/v1/payment-runs/{run}", FINANCE),
    ("api.confirm_payment_run", "POST"): gate("/api/v1/payment-runs/{run}/confirm", FINANCE),
    ("api.cancel_payment_run", "POST"): gate("/api/v1/payment-runs/{run}/cancel", FINANCE),
    ("api.mark_payment_run_paid", "POST"):
        gate("/api/v1/payment-runs/{slip_run}/paid", FINANCE),
    ("api.list_run_slips", "GET"): gate("/api/v1/payment-runs/{slip_run}/slips", FINANCE),
    ("api.get_slip", "GET"):
        gate("/api/v1/slips/{slip}", FINANCE, CONTRIBUTOR, hidden=NOT_SLIP_HOLDERS),
    ("api.get_slip_pdf", "GET"):
        gate("/api/v1/slips/{slip}.pdf", FINANCE, CONTRIBUTOR, hidden=NOT_SLIP_HOLDERS),
    ("api.void_slip", "POST"): gate("/api/v1/slips/{slip}/void", FINANCE),
}
# fmt: on

# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int]


def _user(role: str, name: str) -> User:
    return factory_user(role, name=name)


def _png() -> io.BytesIO:
    image = io.BytesIO()
    Image.new("RGB", (20, 20), (20, 120, 200)).save(image, format="PNG")
    image.seek(0)
    return image


def build_world() -> World:
    """One project, with one user per role who has every right the role can have to it.

    The contributor logs and owns the items; the coordinator coordinates the project and
    recorded some of them (so may act on those), and decides the ones the contributor logged;
    the funder's fund pays for the project. A second coordinator (the lead) approves what the
    coordinator recorded. Some work is paid on a slip; some waits in a draft run.
    """
    users = {
        CONTRIBUTOR: _user(CONTRIBUTOR, "Robin"),
        COORDINATOR: _user(COORDINATOR, "Casey"),
        FINANCE: _user(FINANCE, "Fran"),
        FUNDER: _user(FUNDER, "Fenna"),
        ADMIN: _user(ADMIN, "Ade"),
    }
    lead = _user(COORDINATOR, "Lee")
    coordinator, finance = users[COORDINATOR], users[FINANCE]
    fund = make_fund(members=[users[FUNDER]])
    spare_funder = _user(FUNDER, "Spare Funder")
    project = make_project(coordinators=[coordinator, lead], funds=[fund])
    robin = make_contributor(user=users[CONTRIBUTOR], projects_=[project], name="Robin")
    spare_person = make_contributor(projects_=[project], name="Sky")
    activity = make_activity("Meeting")
    rates.create_rate(
        actor=finance,
        data=rates.RateInput(
            activity_type_id=activity.id,
            project_id=None,
            contributor_id=None,
            basis="hour",
            effective_from=date(2026, 4, 1),
            amount_pence=1380,
        ),
    )
    rates.load_shipped_reference_data()
    projects.add_fund_member(actor=users[ADMIN], fund=fund, user=spare_funder)

    def entry(actor: User, minutes: int) -> Any:
        made = timesheets.create_time_entry(
            actor=actor,
            data=EntryInput(
                contributor_id=robin.id,
                project_id=project.id,
                activity_type_id=activity.id,
                work_date=date(2026, 5, 4),
                minutes=minutes,
            ),
        )
        items.submit_item(actor=actor, item=made)
        return made

    def claim(actor: User, pence: int, receipt: bool = False) -> Any:
        made = expenses.create_expense(
            actor=actor,
            data=ClaimInput(
                contributor_id=robin.id,
                project_id=project.id,
                claim_date=date(2026, 5, 5),
                category="public_transport",
                amount_pence=pence,
                description="Bus",
                receipt_missing_reason=None if receipt else "Bus ticket",
            ),
        )
        if receipt:
            expenses.attach_receipt(actor=actor, claim=made, stream=_png(), filename="bus.png")
        items.submit_item(actor=actor, item=made)
        return made

    def adaptation(actor: User, provision: str) -> Any:
        made = adaptations.create_request(
            actor=actor,
            data=RequestInput(
                contributor_id=robin.id,
                project_id=project.id,
                kind="data_top_up",
                description="Data for the video calls",
                estimated_pence=1000,
                provision=provision,
                payment="reimburse",
            ),
        )
        items.submit_item(actor=actor, item=made)
        return made

    # Paid on a slip: approved, put on a run and confirmed.
    paid = entry(coordinator, 60)
    items.approve_item(actor=lead, item=paid)
    slip_run = payments.create_payment_run(actor=finance, cut_off=local_today())
    [issued] = payments.confirm_payment_run(actor=finance, run_id=slip_run.id)
    # Recorded by the coordinator for Robin: both may act on them; decided, so finance reads them.
    recorded_entry = entry(coordinator, 50)
    items.approve_item(actor=lead, item=recorded_entry)
    recorded_claim = claim(coordinator, 450, receipt=True)
    items.approve_item(actor=lead, item=recorded_claim)
    recorded_adaptation = adaptation(coordinator, "gift")
    items.approve_item(actor=lead, item=recorded_adaptation)
    adaptations.mark_provided(actor=lead, item=recorded_adaptation, actual_pence=1000)
    # Waiting in a draft run.
    run = payments.create_payment_run(actor=finance, cut_off=local_today())
    # Logged by Robin and sent: the coordinator decides them.
    entry_to_decide = entry(users[CONTRIBUTOR], 30)
    claim_to_decide = claim(users[CONTRIBUTOR], 700)
    adaptation_to_decide = adaptation(users[CONTRIBUTOR], "loan")
    budget = budgets.save_budget(
        actor=finance,
        budget=None,
        project_id=project.id,
        period_start=date(2026, 4, 1),
        period_end=max(date(2027, 3, 31), local_today()),
        lines={"fees": 50000, "expenses": 20000, "adaptations": 30000, "other": 0},
    )
    spare_user = _user(CONTRIBUTOR, "Spare")
    db.session.commit()
    ids = {
        "project": project.id,
        "fund": fund.id,
        "activity": activity.id,
        "budget": budget.id,
        "person": robin.id,
        "spare_person": spare_person.id,
        "spare_user": spare_user.id,
        "spare_funder": spare_funder.id,
        "lead": lead.id,
        "entry": recorded_entry.id,
        "claim": recorded_claim.id,
        "adaptation": recorded_adaptation.id,
        "entry_to_decide": entry_to_decide.id,
        "claim_to_decide": claim_to_decide.id,
        "adaptation_to_decide": adaptation_to_decide.id,
        "run": run.id,
        "slip_run": slip_run.id,
        "slip": issued.slip.id,
    }
    return World(users, ids)


# --- asking ---------------------------------------------------------------------------------


def _is_api(url: str) -> bool:
    return url.startswith("/api/")


@dataclass
class Visitor:
    """An identity with a signed-in browser (cookie) and, for the API, a bearer token."""

    identity: str
    web: FlaskClient
    api: FlaskClient
    headers: dict[str, str]

    def ask(self, method: str, url: str) -> Any:
        if _is_api(url):
            return self.api.open(url, method=method, headers=self.headers)
        data: dict[str, str] | None = {} if method != "GET" else None
        return self.web.open(url, method=method, data=data)


def visitor(app: Flask, world: World, identity: str) -> Visitor:
    web, api = app.test_client(), app.test_client()
    if identity == ANONYMOUS:
        return Visitor(identity, web, api, {})
    user = world.users[identity]
    response = sign_in(web, user.email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/", (
        f"{identity} could not sign in"
    )
    token, _ = create_api_token(user=user, name="to revoke")
    world.ids["own_token"] = token.id
    db.session.commit()
    return Visitor(identity, web, api, bearer(user))


def url_of(row: Gate, world: World) -> str:
    ids = {"own_token": 1, **world.ids}
    return row.url.format(**ids)


def verdict(identity: str, row: Gate, url: str, response: Any) -> str | None:
    """What is wrong with this answer, in words; None when it is what the table says."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status >= 500:
        return f"server error {status}"
    if identity in row.allow:
        if status in {401, 403, 404}:
            return f"{status}, but the table lets {identity} in"
        lost = location.startswith("/sign-in") and not row.signs_out
        if identity != ANONYMOUS and lost and ANONYMOUS not in row.allow:
            return f"sent to sign in ({location}), but the table lets {identity} in"
        return None
    if identity == ANONYMOUS:
        if _is_api(url):
            if status != 401 or not response.is_json:
                return f"{status}; anonymous API calls must get a JSON 401"
            if response.json["error"]["code"] != "unauthorised":
                return f"401 with code {response.json['error']['code']!r}"
            return None
        if status != 302 or not location.startswith("/sign-in"):
            return f"{status} {location}; anonymous visitors must be sent to sign in"
        return None
    if identity in row.hidden:
        return None if status == 404 else f"{status}; not theirs, so it must be a 404"
    if status != 403:
        return f"{status}; {identity} is not in the table, so it must be 403"
    if _is_api(url) and not (response.is_json and response.json["error"]["code"] == "forbidden"):
        return "403 without the JSON error"
    return None


def _ordered(rows: dict[tuple[str, str], Gate]) -> Iterator[tuple[tuple[str, str], Gate]]:
    """The table's order, with signing out last (it ends the session the others use)."""
    yield from ((key, row) for key, row in rows.items() if not row.signs_out)
    yield from ((key, row) for key, row in rows.items() if row.signs_out)


# --- the tests ------------------------------------------------------------------------------


def test_the_table_names_every_route_and_method(app: Flask) -> None:
    assert_covers(
        route_methods(app),
        MATRIX,
        "These routes have no row in MATRIX; add one saying who may use them",
    )


def test_each_row_url_reaches_its_own_route(app: Flask) -> None:
    assert_urls_reach_their_routes(app, ((key, row.url) for key, row in MATRIX.items()))


DECISIONS = ("approve", "return_", "decline", "provide", "loan_returned", "bulk_approve")
FUNDER_PAGES = {
    "reports.index",
    "reports.fund",
    "reports.fund_csv",
    "reports.fund_pdf",
    "api.list_funds",
    "api.get_fund_summary",
    "api.get_project_budget",
}
PAYMENTS_FOR_CONTRIBUTORS = {"payments.slip_pdf", "payments.mine", "payments.statement"}


def test_the_table_follows_the_design() -> None:
    """DESIGN.md §1 checked against the table itself, so that a careless edit of a row fails."""
    for (endpoint, method), row in MATRIX.items():
        name = f"{endpoint} {method}"
        action = endpoint.split(".")[1]
        if endpoint.startswith("approvals.") or action.startswith(DECISIONS):
            assert row.allow == {COORDINATOR}, f"{name}: only coordinators decide"
        if endpoint.startswith("payments.") and endpoint not in PAYMENTS_FOR_CONTRIBUTORS:
            assert row.allow == {FINANCE}, f"{name}: payment pages are finance's alone"
        if endpoint.startswith(("admin.", "audit.")):
            assert ADMIN in row.allow, f"{name}: admin reaches every admin page"
            assert row.allow <= {ADMIN, COORDINATOR}, f"{name}: admin pages are not for {row}"
        if FUNDER in row.allow and row.allow != set(SIGNED_IN) and ANONYMOUS not in row.allow:
            assert endpoint in FUNDER_PAGES, f"{name}: funders see only aggregate reports"
        if COORDINATOR in row.allow and method != "GET":
            assert not endpoint.startswith(("rates.", "budgets.")), f"{name}: read only"
        assert not (row.allow & row.hidden), f"{name}: both allowed and hidden"


def _finding_cases() -> list[Any]:
    """One case per (identity, route) that the table marks as a finding, each a strict xfail."""
    cases = [
        pytest.param(
            identity,
            endpoint,
            method,
            marks=pytest.mark.xfail(strict=True, reason=reason),
            id=f"{identity}-{endpoint}-{method}",
        )
        for (endpoint, method), row in MATRIX.items()
        for identity, reason in row.findings.items()
    ]
    return cases or [pytest.param("", "", "", marks=pytest.mark.skip(reason="no findings"))]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_identity_gets_exactly_what_the_table_says(app: Flask, identity: str) -> None:
    world = build_world()
    guest = visitor(app, world, identity)
    problems = []
    checked = 0
    for (endpoint, method), row in _ordered(MATRIX):
        if identity in row.findings:
            continue
        url = url_of(row, world)
        response = guest.ask(method, url)
        checked += 1
        problem = verdict(identity, row, url, response)
        if problem:
            problems.append(f"{method} {url} ({endpoint}) as {identity}: {problem}")
    assert checked > 100
    assert not problems, f"{len(problems)} of {checked} answers are wrong:\n" + "\n".join(problems)


@pytest.mark.parametrize(("identity", "endpoint", "method"), _finding_cases())
def test_known_finding(app: Flask, identity: str, endpoint: str, method: str) -> None:
    world = build_world()
    guest = visitor(app, world, identity)
    row = MATRIX[endpoint, method]
    url = url_of(row, world)
    response = guest.ask(method, url)
    assert verdict(identity, row, url, response) is None
