"""Nobody reads or changes an object that is not theirs by putting its id in a URL.

`IDOR` has an entry for every route whose URL carries an object id. Each entry names the object
(one of Robin's, or of Robin's project and fund) and the outsiders: people whose role lets them
use that kind of page in general, but who have no right to this object:

- another contributor (Bo, on another project) for Robin's items, slips and tokens;
- the coordinator of another project (Olu) for Robin's items, approvals, contributor record,
  project and budget; and two people who coordinate another project but hold a second role
  touching Robin's (Kit, also a contributor on Robin's project; Fay, also a funder of its fund),
  since a second role gives no right to other people's items (DESIGN §1, §7);
- the funder of another fund for Robin's fund, project and budget report;
- finance for items not yet decided (finance sees approved work, DESIGN §1);
- anyone but finance and Robin for Robin's slips, including Robin's own coordinator and admin
  (DESIGN §5: "ids of other people's slips answer 404").

For these the answer must be 404, exactly as for an id that does not exist (so the answer does
not tell whether the object is there), with nothing changed and nothing of Robin's shown. Each
state-changing request carries a body that would succeed for someone allowed, so a missing
check would show up as a change, not as a validation error.

A 403 is accepted only where the outsider already sees the object, so it tells them nothing
new: Lee, a second coordinator of Robin's project, sees Robin's items but may not change an item
that someone else logged or recorded (DESIGN §3), so the API answers 403 and the pages send him
back to the item with a message; and Robin's project, which is not personal, answers 403 to
Kit and Fay (a member and a funder of it) when they try to add people to it. Nothing changes.

Routes whose objects belong to everyone who may use the route at all (admin pages, finance's
payment runs) have an entry saying so, with the reason. A route with an id and no entry fails
`test_every_route_with_an_id_has_an_entry`. Where the app lets an outsider through, the entry
carries a `finding` for that outsider: such cases are left out of the per-outsider test and run
together, per outsider, in `test_known_findings` as a strict xfail.

Ids also travel outside the path: `?contributor_id=` on the recording pages, `contributor_id`
and `project_id` in API bodies, list filters, ticked rows of the bulk approval form and member
forms. `SMUGGLED` sends Robin's ids there; the answer must be the one a made-up id gets.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import Table, select

from tests.api.api_support import bearer
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_activity, make_contributor, make_fund, make_project
from tests.factories import make_user as factory_user
from tests.security.routes import assert_covers, assert_urls_reach_their_routes, route_methods
from tracker.adaptations import services as adaptations
from tracker.adaptations.models import AdaptationRequest
from tracker.adaptations.services import RequestInput
from tracker.auth.models import ApiToken, User
from tracker.auth.services import create_api_token
from tracker.budgets import services as budgets
from tracker.budgets.models import Budget, BudgetLine
from tracker.contributors.models import AccessNeed, Contributor
from tracker.dates import local_today
from tracker.expenses import services as expenses
from tracker.expenses.models import ExpenseClaim
from tracker.expenses.services import ClaimInput
from tracker.extensions import db
from tracker.items import services as items
from tracker.payments import services as payments
from tracker.projects.models import (
    Fund,
    FundMember,
    Project,
    ProjectCoordinator,
    ProjectFund,
    ProjectMember,
)
from tracker.rates import services as rates
from tracker.slips.models import PaymentSlip
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry
from tracker.timesheets.services import EntryInput

# The outsiders, and the people whose objects they try to reach.
OTHER_CONTRIBUTOR = "other contributor"
OTHER_COORDINATOR = "coordinator of another project"
OTHER_FUNDER = "funder of another fund"
FINANCE = "finance"
ADMIN = "admin"
CO_COORDINATOR = "second coordinator of the project"
# People may hold several roles (DESIGN §1): being a contributor on a project, or funding it,
# gives a coordinator of another project no right to its people's items.
MEMBER_COORDINATOR = "coordinator of another project who is a contributor on Robin's"
FUNDER_COORDINATOR = "coordinator of another project who funds Robin's"
OTHER_COORDINATORS = (OTHER_COORDINATOR, MEMBER_COORDINATOR, FUNDER_COORDINATOR)
OUTSIDERS = (
    OTHER_CONTRIBUTOR,
    *OTHER_COORDINATORS,
    OTHER_FUNDER,
    FINANCE,
    ADMIN,
    CO_COORDINATOR,
)
OWNER = "Robin"
ROBINS_COORDINATOR = "Robin's coordinator"
ROBINS_FUNDER = "funder of Robin's fund"

# How an outsider must be answered.
HIDDEN = "404, as for an id that does not exist"
FORBIDDEN = "403: they see the object, but may not change it"
REFUSED = "sent back to the item with a message, nothing changed"
NOT_SLIP_HOLDERS = (OTHER_CONTRIBUTOR, CO_COORDINATOR, ADMIN, OTHER_FUNDER)
MADE_UP_ID = 2_000_000_000


@dataclass(frozen=True)
class Probe:
    """Who must not reach `target` through `url`, and how they must be answered."""

    url: str
    target: str
    outsiders: Mapping[str, str]
    owner: str = OWNER  # who may, for the check that the URL is real
    form: Mapping[str, Any] | None = None
    json: Mapping[str, Any] | None = None
    upload: bool = False  # a receipt, as a multipart upload
    findings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Shared:
    """Every object of this kind belongs to everyone who may use the route at all."""

    reason: str


def probe(
    url: str,
    target: str,
    *hidden_from: str,
    refused: tuple[str, ...] = (),
    owner: str = OWNER,
    form: Mapping[str, Any] | None = None,
    json: Mapping[str, Any] | None = None,
    upload: bool = False,
    findings: Mapping[str, str] | None = None,
) -> Probe:
    forbidden = FORBIDDEN if url.startswith("/api/") else REFUSED
    outsiders = {who: HIDDEN for who in hidden_from} | {who: forbidden for who in refused}
    return Probe(url, target, outsiders, owner, form, json, upload, findings or {})


ITEM_PEOPLE = (OTHER_CONTRIBUTOR, *OTHER_COORDINATORS)
# Finance sees decided work only, so the draft and sent items are not theirs to see either.
ITEM_READERS = (*ITEM_PEOPLE, FINANCE)

ENTRY_FORM = {
    "project_id": "{project}",
    "activity_type_id": "{activity}",
    "work_date": ["4", "5", "2026"],
    "hours": "3",
    "minutes": "0",
    "notes": "Changed by someone else",
    "fee_choice": "accept",
}
CLAIM_FORM = {
    "category": "taxi",
    "project_id": "{project}",
    "claim_date": ["4", "5", "2026"],
    "amount_pence": "99.00",
    "description": "Changed by someone else",
    "receipt_missing_reason": "Lost",
}
ADAPTATION_FORM = {
    "project_id": "{project}",
    "kind": "laptop",
    "description": "Changed by someone else",
    "estimated_pence": "999.00",
    "provision": "gift",
    "payment": "supplier",
}
CONTRIBUTOR_FORM = {
    "preferred_name": "Changed by someone else",
    "contact": "",
    "payment_method": "cash",
    "default_fee_choice": "decline",
    "benefits_warnings": "no",
    "status": "active",
}
REASON = {"reason": "Changed by someone else"}

# fmt: off
IDOR: dict[tuple[str, str], Probe | Shared] = {
    # --- Robin's time entries, expense claims and requests, on the pages --------------------
    ("timesheets.show", "GET"):
        probe("/time/{entry_sent}", "entry_sent", *ITEM_READERS),
    ("timesheets.edit", "GET"):
        probe("/time/{entry_draft}/edit", "entry_draft", *ITEM_PEOPLE, refused=(CO_COORDINATOR,)),
    ("timesheets.edit", "POST"):
        probe("/time/{entry_draft}/edit", "entry_draft", *ITEM_PEOPLE, refused=(CO_COORDINATOR,),
              form=ENTRY_FORM),
    ("items.submit_time", "POST"):
        probe("/time/{entry_draft}/submit", "entry_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("items.withdraw_time", "GET"):
        probe("/time/{entry_sent}/withdraw", "entry_sent", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("items.withdraw_time", "POST"):
        probe("/time/{entry_sent}/withdraw", "entry_sent", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("expenses.show", "GET"):
        probe("/expenses/{claim_sent}", "claim_sent", *ITEM_READERS),
    # A receipt is served only to people allowed to see the claim (DESIGN §7).
    ("expenses.receipt", "GET"):
        probe("/expenses/{claim_sent}/receipt", "claim_sent", *ITEM_READERS),
    ("expenses.edit", "GET"):
        probe("/expenses/{claim_draft}/edit", "claim_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("expenses.edit", "POST"):
        probe("/expenses/{claim_draft}/edit", "claim_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,), form=CLAIM_FORM),
    ("items.submit_expense", "POST"):
        probe("/expenses/{claim_draft}/submit", "claim_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("items.withdraw_expense", "GET"):
        probe("/expenses/{claim_sent}/withdraw", "claim_sent", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("items.withdraw_expense", "POST"):
        probe("/expenses/{claim_sent}/withdraw", "claim_sent", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("adaptations.show", "GET"):
        probe("/adaptations/{adaptation_sent}", "adaptation_sent", *ITEM_READERS),
    ("adaptations.edit", "GET"):
        probe("/adaptations/{adaptation_draft}/edit", "adaptation_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("adaptations.edit", "POST"):
        probe("/adaptations/{adaptation_draft}/edit", "adaptation_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,), form=ADAPTATION_FORM),
    ("items.submit_adaptation", "POST"):
        probe("/adaptations/{adaptation_draft}/submit", "adaptation_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("items.withdraw_adaptation", "GET"):
        probe("/adaptations/{adaptation_sent}/withdraw", "adaptation_sent", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("items.withdraw_adaptation", "POST"):
        probe("/adaptations/{adaptation_sent}/withdraw", "adaptation_sent", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),

    # --- approvals: only coordinators of the item's project ---------------------------------
    ("approvals.show_time", "GET"):
        probe("/approvals/time/{entry_sent}", "entry_sent", *OTHER_COORDINATORS,
              owner=ROBINS_COORDINATOR),
    ("approvals.approve_time", "POST"):
        probe("/approvals/time/{entry_sent}/approve", "entry_sent", *OTHER_COORDINATORS),
    ("approvals.return_time", "POST"):
        probe("/approvals/time/{entry_sent}/return", "entry_sent", *OTHER_COORDINATORS,
              form={"return-reason": "Changed by someone else"}),
    ("approvals.show_expense", "GET"):
        probe("/approvals/expenses/{claim_sent}", "claim_sent", *OTHER_COORDINATORS,
              owner=ROBINS_COORDINATOR),
    ("approvals.approve_expense", "POST"):
        probe("/approvals/expenses/{claim_sent}/approve", "claim_sent", *OTHER_COORDINATORS),
    ("approvals.approve_expense_cap", "POST"):
        probe("/approvals/expenses/{claim_sent}/approve-cap", "claim_sent", *OTHER_COORDINATORS),
    ("approvals.approve_expense_full", "POST"):
        probe("/approvals/expenses/{claim_sent}/approve-full", "claim_sent", *OTHER_COORDINATORS,
              form={"full-override_reason": "Changed by someone else"}),
    ("approvals.return_expense", "POST"):
        probe("/approvals/expenses/{claim_sent}/return", "claim_sent", *OTHER_COORDINATORS,
              form={"return-reason": "Changed by someone else"}),
    ("approvals.show_adaptation", "GET"):
        probe("/approvals/adaptations/{adaptation_sent}", "adaptation_sent", *OTHER_COORDINATORS,
              owner=ROBINS_COORDINATOR),
    ("approvals.approve_adaptation", "POST"):
        probe("/approvals/adaptations/{adaptation_sent}/approve", "adaptation_sent",
              *OTHER_COORDINATORS),
    ("approvals.decline_adaptation", "POST"):
        probe("/approvals/adaptations/{adaptation_sent}/decline", "adaptation_sent",
              *OTHER_COORDINATORS, form={"decline-reason": "Changed by someone else"}),
    ("approvals.return_adaptation", "POST"):
        probe("/approvals/adaptations/{adaptation_sent}/return", "adaptation_sent",
              *OTHER_COORDINATORS, form={"return-reason": "Changed by someone else"}),
    ("approvals.provide_adaptation", "POST"):
        probe("/approvals/adaptations/{adaptation_approved}/provided", "adaptation_approved",
              *OTHER_COORDINATORS, form={"provided-actual_pence": "12.00"}),
    ("approvals.loan_returned", "POST"):
        probe("/approvals/adaptations/{adaptation_provided}/loan-returned",
              "adaptation_provided", *OTHER_COORDINATORS),

    # --- slips: finance's and their owner's only (DESIGN §5) --------------------------------
    ("payments.slip_pdf", "GET"): probe("/payments/slips/{slip}.pdf", "slip", *NOT_SLIP_HOLDERS),
    ("payments.slip_paid", "GET"): Shared("finance only; finance handles every slip"),
    ("payments.slip_paid", "POST"): Shared("finance only; finance handles every slip"),
    ("payments.void_slip", "GET"): Shared("finance only; finance handles every slip"),
    ("payments.void_slip", "POST"): Shared("finance only; finance handles every slip"),
    ("payments.run", "GET"): Shared("finance only; finance handles every payment run"),
    ("payments.confirm_run", "GET"): Shared("finance only; finance handles every payment run"),
    ("payments.confirm_run", "POST"): Shared("finance only; finance handles every payment run"),
    ("payments.cancel_run", "GET"): Shared("finance only; finance handles every payment run"),
    ("payments.cancel_run", "POST"): Shared("finance only; finance handles every payment run"),
    ("payments.run_paid", "POST"): Shared("finance only; finance handles every payment run"),
    ("payments.run_zip", "GET"): Shared("finance only; finance handles every payment run"),
    ("payments.run_csv", "GET"): Shared("finance only; finance handles every payment run"),
    ("payments.lines_csv", "GET"): Shared("finance only; finance handles every payment run"),

    # --- a person's own API tokens -------------------------------------------------------------
    ("auth.revoke_token", "POST"):
        probe("/profile/tokens/{token}/revoke", "token", OTHER_CONTRIBUTOR, CO_COORDINATOR),

    # --- budgets and funder reports --------------------------------------------------------------
    # Budgets are not personal: a funder of the project's fund may read them whatever else
    # they are, but being a contributor on the project gives no right to its budget.
    ("budgets.show", "GET"):
        probe("/budgets/{budget}", "budget", OTHER_COORDINATOR, MEMBER_COORDINATOR,
              owner=ROBINS_COORDINATOR),
    ("budgets.edit", "GET"): Shared("finance and admin only; they keep every budget"),
    ("budgets.edit", "POST"): Shared("finance and admin only; they keep every budget"),
    ("reports.fund", "GET"):
        probe("/reports/funds/{fund}", "fund", OTHER_FUNDER, owner=ROBINS_FUNDER),
    ("reports.fund_csv", "GET"):
        probe("/reports/funds/{fund}.csv", "fund", OTHER_FUNDER, owner=ROBINS_FUNDER),
    ("reports.fund_pdf", "GET"):
        probe("/reports/funds/{fund}.pdf", "fund", OTHER_FUNDER, owner=ROBINS_FUNDER),

    # --- admin pages: coordinators manage only their projects' people -----------------------
    ("admin.contributor", "GET"):
        probe("/admin/contributors/{person}", "person", *OTHER_COORDINATORS,
              owner=ROBINS_COORDINATOR),
    ("admin.edit_contributor", "GET"):
        probe("/admin/contributors/{person}/edit", "person", *OTHER_COORDINATORS,
              owner=ROBINS_COORDINATOR),
    ("admin.edit_contributor", "POST"):
        probe("/admin/contributors/{person}/edit", "person", *OTHER_COORDINATORS,
              form=CONTRIBUTOR_FORM),
    ("admin.project", "GET"):
        probe("/admin/projects/{project}", "project", *OTHER_COORDINATORS,
              owner=ROBINS_COORDINATOR),
    ("admin.add_member", "POST"):
        probe("/admin/projects/{project}/contributors", "project", *OTHER_COORDINATORS,
              form={"member-contributor_id": "{bo}"}),
    ("admin.remove_member", "POST"):
        probe("/admin/projects/{project}/contributors/{person}/remove", "project",
              *OTHER_COORDINATORS),
    ("admin.edit_user", "GET"): Shared("admin only; admin manages every account"),
    ("admin.edit_user", "POST"): Shared("admin only; admin manages every account"),
    ("admin.reset_authenticator", "GET"): Shared("admin only; admin manages every account"),
    ("admin.reset_authenticator", "POST"): Shared("admin only; admin manages every account"),
    ("admin.reset_password", "GET"): Shared("admin only; admin manages every account"),
    ("admin.reset_password", "POST"): Shared("admin only; admin manages every account"),
    ("admin.fund", "GET"): Shared("admin only; admin manages every fund"),
    ("admin.edit_fund", "GET"): Shared("admin only; admin manages every fund"),
    ("admin.edit_fund", "POST"): Shared("admin only; admin manages every fund"),
    ("admin.add_fund_member", "POST"): Shared("admin only; admin manages every fund"),
    ("admin.remove_fund_member", "POST"): Shared("admin only; admin manages every fund"),
    ("admin.edit_project", "GET"): Shared("admin only; admin manages every project"),
    ("admin.edit_project", "POST"): Shared("admin only; admin manages every project"),
    ("admin.add_coordinator", "POST"): Shared("admin only; admin manages every project"),
    ("admin.remove_coordinator", "POST"): Shared("admin only; admin manages every project"),
    ("admin.edit_activity_type", "GET"): Shared("admin only; activity types are the whole "
                                                "organisation's"),
    ("admin.edit_activity_type", "POST"): Shared("admin only; activity types are the whole "
                                                 "organisation's"),

    # --- the API: the same objects and the same outsiders -----------------------------------
    ("api.get_time", "GET"):
        probe("/api/v1/time-entries/{entry_sent}", "entry_sent", *ITEM_READERS),
    ("api.update_time", "PATCH"):
        probe("/api/v1/time-entries/{entry_draft}", "entry_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,), json={"minutes": 180, "notes": "Changed"}),
    ("api.submit_time", "POST"):
        probe("/api/v1/time-entries/{entry_draft}/submit", "entry_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("api.withdraw_time", "POST"):
        probe("/api/v1/time-entries/{entry_sent}/withdraw", "entry_sent", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("api.approve_time", "POST"):
        probe("/api/v1/time-entries/{entry_sent}/approve", "entry_sent", *OTHER_COORDINATORS),
    ("api.return_time", "POST"):
        probe("/api/v1/time-entries/{entry_sent}/return", "entry_sent", *OTHER_COORDINATORS,
              json=REASON),
    ("api.get_expense", "GET"):
        probe("/api/v1/expenses/{claim_sent}", "claim_sent", *ITEM_READERS),
    ("api.update_expense", "PATCH"):
        probe("/api/v1/expenses/{claim_draft}", "claim_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,), json={"amount_pence": 9900, "description": "Changed"}),
    ("api.upload_receipt", "POST"):
        probe("/api/v1/expenses/{claim_draft}/receipt", "claim_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,), upload=True),
    ("api.submit_expense", "POST"):
        probe("/api/v1/expenses/{claim_draft}/submit", "claim_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("api.withdraw_expense", "POST"):
        probe("/api/v1/expenses/{claim_sent}/withdraw", "claim_sent", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,)),
    ("api.approve_expense", "POST"):
        probe("/api/v1/expenses/{claim_sent}/approve", "claim_sent", *OTHER_COORDINATORS),
    ("api.return_expense", "POST"):
        probe("/api/v1/expenses/{claim_sent}/return", "claim_sent", *OTHER_COORDINATORS,
              json=REASON),
    ("api.get_adaptation", "GET"):
        probe("/api/v1/adaptations/{adaptation_sent}", "adaptation_sent", *ITEM_READERS),
    ("api.update_adaptation", "PATCH"):
        probe("/api/v1/adaptations/{adaptation_draft}", "adaptation_draft", *ITEM_PEOPLE,
              refused=(CO_COORDINATOR,), json={"description": "Changed by someone else"}),
    ("api.submit_adaptation", "POST"):
        probe("/api/v1/adaptations/{adaptation_draft}/submit", "adaptation_draft",
              *ITEM_PEOPLE, refused=(CO_COORDINATOR,)),
    ("api.withdraw_adaptation", "POST"):
        probe("/api/v1/adaptations/{adaptation_sent}/withdraw", "adaptation_sent",
              *ITEM_PEOPLE, refused=(CO_COORDINATOR,)),
    ("api.approve_adaptation", "POST"):
        probe("/api/v1/adaptations/{adaptation_sent}/approve", "adaptation_sent",
              *OTHER_COORDINATORS),
    ("api.decline_adaptation", "POST"):
        probe("/api/v1/adaptations/{adaptation_sent}/decline", "adaptation_sent",
              *OTHER_COORDINATORS, json=REASON),
    ("api.return_adaptation", "POST"):
        probe("/api/v1/adaptations/{adaptation_sent}/return", "adaptation_sent",
              *OTHER_COORDINATORS, json=REASON),
    ("api.provide_adaptation", "POST"):
        probe("/api/v1/adaptations/{adaptation_approved}/provided", "adaptation_approved",
              *OTHER_COORDINATORS, json={"actual_pence": 1200}),
    ("api.loan_returned", "POST"):
        probe("/api/v1/adaptations/{adaptation_provided}/returned", "adaptation_provided",
              *OTHER_COORDINATORS),
    ("api.get_slip", "GET"): probe("/api/v1/slips/{slip}", "slip", *NOT_SLIP_HOLDERS),
    ("api.get_slip_pdf", "GET"): probe("/api/v1/slips/{slip}.pdf", "slip", *NOT_SLIP_HOLDERS),
    ("api.void_slip", "POST"): Shared("finance only; finance handles every slip"),
    ("api.get_payment_run", "GET"): Shared("finance only; finance handles every payment run"),
    ("api.confirm_payment_run", "POST"):
        Shared("finance only; finance handles every payment run"),
    ("api.mark_payment_run_paid", "POST"):
        Shared("finance only; finance handles every payment run"),
    ("api.cancel_payment_run", "POST"):
        Shared("finance only; finance handles every payment run"),
    ("api.list_run_slips", "GET"): Shared("finance only; finance handles every payment run"),
    # A project is seen by its coordinators, its members and its funds' funders (and staff).
    ("api.get_project", "GET"):
        probe("/api/v1/projects/{project}", "project", OTHER_CONTRIBUTOR, OTHER_COORDINATOR,
              OTHER_FUNDER),
    # A project is not personal: people who see it as a member or funder may be told 403.
    ("api.add_project_member", "POST"):
        probe("/api/v1/projects/{project}/members", "project", OTHER_COORDINATOR,
              refused=(MEMBER_COORDINATOR, FUNDER_COORDINATOR), json={"contributor_id": "{bo}"}),
    ("api.get_project_budget", "GET"):
        probe("/api/v1/projects/{project}/budget", "project", OTHER_COORDINATOR, OTHER_FUNDER,
              MEMBER_COORDINATOR, owner=ROBINS_FUNDER),
    ("api.get_budget", "GET"): Shared("finance and admin only; they keep every budget"),
    ("api.get_fund_summary", "GET"):
        probe("/api/v1/funds/{fund}/summary", "fund", OTHER_FUNDER, owner=ROBINS_FUNDER),
    ("api.add_fund_member", "POST"): Shared("admin only; admin manages every fund"),
}
# fmt: on


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int]


def _png() -> io.BytesIO:
    image = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 120, 40)).save(image, format="PNG")
    image.seek(0)
    return image


def build_world() -> World:
    """Robin's project (coordinated by Casey and Lee, paid by fund A) and another project
    (coordinated by Olu, Kit and Fay, with Bo, paid by fund B). Kit is also a contributor on
    Robin's project, and Fay also a funder of fund A. Robin logged every item below: a draft
    and a sent one of each kind, requests approved and provided, and a paid slip."""
    casey = factory_user("coordinator", name="Casey")
    lee = factory_user("coordinator", name="Lee")
    olu = factory_user("coordinator", name="Olu")
    robin_user = factory_user("contributor", name=OWNER)
    bo_user = factory_user("contributor", name="Bo")
    funder_a = factory_user("funder", name="Fenna")
    funder_b = factory_user("funder", name="Femi")
    kit = factory_user("coordinator", "contributor", name="Kit")
    fay = factory_user("coordinator", "funder", name="Fay")
    finance = factory_user("finance", name="Fran")
    admin = factory_user("admin", name="Ade")
    fund = make_fund(members=[funder_a, fay])
    other_fund = make_fund(members=[funder_b])
    project = make_project(coordinators=[casey, lee], funds=[fund])
    other_project = make_project(coordinators=[olu, kit, fay], funds=[other_fund])
    robin = make_contributor(user=robin_user, projects_=[project], name=OWNER)
    bo = make_contributor(user=bo_user, projects_=[other_project], name="Bo")
    make_contributor(user=kit, projects_=[project], name="Kit")
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

    def entry(minutes: int, send: bool) -> TimeEntry:
        made = timesheets.create_time_entry(
            actor=robin_user,
            data=EntryInput(
                contributor_id=robin.id,
                project_id=project.id,
                activity_type_id=activity.id,
                work_date=date(2026, 5, 4),
                minutes=minutes,
                notes="Planning the panel",
            ),
        )
        if send:
            items.submit_item(actor=robin_user, item=made)
        return made

    def claim(send: bool) -> ExpenseClaim:
        made = expenses.create_expense(
            actor=robin_user,
            data=ClaimInput(
                contributor_id=robin.id,
                project_id=project.id,
                claim_date=date(2026, 5, 5),
                category="public_transport",
                amount_pence=450,
                description="Bus to the panel",
            ),
        )
        expenses.attach_receipt(actor=robin_user, claim=made, stream=_png(), filename="bus.png")
        if send:
            items.submit_item(actor=robin_user, item=made)
        return made

    def request(send: bool) -> AdaptationRequest:
        made = adaptations.create_request(
            actor=robin_user,
            data=RequestInput(
                contributor_id=robin.id,
                project_id=project.id,
                kind="tablet",
                description="A tablet for the online meetings",
                estimated_pence=20000,
                provision="loan",
                payment="supplier",
            ),
        )
        if send:
            items.submit_item(actor=robin_user, item=made)
        return made

    paid = entry(60, send=True)
    items.approve_item(actor=casey, item=paid)
    run = payments.create_payment_run(actor=finance, cut_off=local_today())
    [issued] = payments.confirm_payment_run(actor=finance, run_id=run.id)
    approved, provided = request(send=True), request(send=True)
    for item in (approved, provided):
        items.approve_item(actor=casey, item=item)
    adaptations.mark_provided(actor=casey, item=provided, actual_pence=19000)
    budget = budgets.save_budget(
        actor=finance,
        budget=None,
        project_id=project.id,
        period_start=date(2026, 4, 1),
        period_end=max(date(2027, 3, 31), local_today()),
        lines={"fees": 50000, "expenses": 20000, "adaptations": 30000, "other": 0},
    )
    token, _ = create_api_token(user=robin_user, name="Robin's spreadsheet")
    ids = {
        "project": project.id,
        "activity": activity.id,
        "fund": fund.id,
        "budget": budget.id,
        "person": robin.id,
        "bo": bo.id,
        "other_project": other_project.id,
        "entry_draft": entry(90, send=False).id,
        "entry_sent": entry(45, send=True).id,
        "claim_draft": claim(send=False).id,
        "claim_sent": claim(send=True).id,
        "adaptation_draft": request(send=False).id,
        "adaptation_sent": request(send=True).id,
        "adaptation_approved": approved.id,
        "adaptation_provided": provided.id,
        "slip": issued.slip.id,
        "token": token.id,
    }
    db.session.commit()
    users = {
        OWNER: robin_user,
        ROBINS_COORDINATOR: casey,
        ROBINS_FUNDER: funder_a,
        OTHER_CONTRIBUTOR: bo_user,
        OTHER_COORDINATOR: olu,
        OTHER_FUNDER: funder_b,
        FINANCE: finance,
        ADMIN: admin,
        CO_COORDINATOR: lee,
        MEMBER_COORDINATOR: kit,
        FUNDER_COORDINATOR: fay,
    }
    return World(users, ids)


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# What "nothing changed" means for each kind of object: its row and the rows that hang off it.
TABLES: dict[str, tuple[Table, tuple[tuple[Table, str], ...]]] = {
    "entry": (_table(TimeEntry), ()),
    "claim": (_table(ExpenseClaim), ()),
    "adaptation": (_table(AdaptationRequest), ()),
    "slip": (_table(PaymentSlip), ()),
    "token": (_table(ApiToken), ()),
    "person": (
        _table(Contributor),
        ((_table(AccessNeed), "contributor_id"), (_table(ProjectMember), "contributor_id")),
    ),
    "project": (
        _table(Project),
        (
            (_table(ProjectMember), "project_id"),
            (_table(ProjectCoordinator), "project_id"),
            (_table(ProjectFund), "project_id"),
        ),
    ),
    "budget": (_table(Budget), ((_table(BudgetLine), "budget_id"),)),
    "fund": (_table(Fund), ((_table(FundMember), "fund_id"),)),
}


def snapshot(target: str, object_id: int) -> Any:
    table, related = TABLES[target.split("_")[0]]
    row = db.session.execute(select(table).where(table.c.id == object_id)).mappings().one()
    return dict(row), [_rows(t, t.c[column] == object_id) for t, column in related]


def _rows(table: Table, where: Any) -> list[dict[str, Any]]:
    query = select(table)
    if where is not None:
        query = query.where(where)
    rows = [dict(r) for r in db.session.execute(query).mappings()]
    return sorted(rows, key=repr)


# --- asking ---------------------------------------------------------------------------------


def _fill(value: Any, ids: Mapping[str, int]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@dataclass
class Person:
    web: FlaskClient
    api: FlaskClient
    headers: dict[str, str]

    def ask(self, method: str, row: Probe, ids: Mapping[str, int]) -> Any:
        url = row.url.format(**ids)
        if url.startswith("/api/"):
            if row.json is not None:
                body = {k: _as_json(_fill(v, ids)) for k, v in row.json.items()}
                return self.api.open(url, method=method, headers=self.headers, json=body)
            if row.upload:
                upload = {"receipt": (_png(), "receipt.png")}
                return self.api.open(url, method=method, headers=self.headers, data=upload)
            return self.api.open(url, method=method, headers=self.headers)
        form = {k: _fill(v, ids) for k, v in (row.form or {}).items()}
        return self.web.open(url, method=method, data=form if method != "GET" else None)


def _as_json(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() else value


def person(app: Flask, user: User) -> Person:
    web = app.test_client()
    response = sign_in(web, user.email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/", user.email
    return Person(web, app.test_client(), bearer(user))


def check(method: str, row: Probe, who: str, guest: Person, world: World) -> list[str]:
    """The outsider's request, and for a 404 the same with an id that does not exist; what is
    wrong, if anything."""
    ids = world.ids
    url = row.url.format(**ids)
    before = snapshot(row.target, ids[row.target])
    response = guest.ask(method, row, ids)
    after = snapshot(row.target, ids[row.target])
    expected = row.outsiders[who]
    problems = []
    status = response.status_code
    if expected == HIDDEN:
        nothing = guest.ask(method, row, {**ids, row.target: MADE_UP_ID})
        if status != 404:
            problems.append(f"answered {status}; it must be 404")
        elif url.startswith("/api/") and response.json != nothing.json:
            problems.append(f"says {response.json}, but {nothing.json} for an id that is not there")
        if nothing.status_code != 404:
            problems.append(f"an id that does not exist answered {nothing.status_code}, not 404")
    elif expected == FORBIDDEN:
        if status != 403 or not response.is_json:
            problems.append(f"answered {status}; it must be a JSON 403")
    else:
        back = re.sub(r"/(edit|submit|withdraw)$", "", url)
        if status != 302 or response.headers["Location"] != back:
            problems.append(
                f"answered {status} {response.headers.get('Location', '')}; "
                f"it must send them back to {back}"
            )
    if before != after:
        problems.append("the object changed")
    if OWNER.encode() in response.get_data():
        problems.append(f"the answer shows {OWNER}'s name")
    return problems


def _rows_for(who: str) -> list[tuple[tuple[str, str], Probe]]:
    return [
        (key, row)
        for key, row in IDOR.items()
        if isinstance(row, Probe) and who in row.outsiders and who not in row.findings
    ]


# --- the tests ------------------------------------------------------------------------------

ID_IN_RULE = re.compile(r"<(int|id)(\([^)]*\))?:")


def test_every_route_with_an_id_has_an_entry(app: Flask) -> None:
    assert_covers(
        route_methods(app, lambda rule: bool(ID_IN_RULE.search(rule.rule))),
        IDOR,
        "These routes take an object id but have no IDOR entry; say who must not reach "
        "whose object, or why every object is shared",
    )


def test_each_entry_url_reaches_its_own_route(app: Flask) -> None:
    assert_urls_reach_their_routes(
        app, ((key, row.url) for key, row in IDOR.items() if isinstance(row, Probe))
    )


def test_the_urls_are_real_for_those_they_belong_to(app: Flask) -> None:
    """Robin (or Robin's coordinator or funder) reads each object the outsiders are refused,
    so a 404 below means "not yours", not "no such thing"."""
    world = build_world()
    people: dict[str, Person] = {}
    problems = []
    for (endpoint, method), row in IDOR.items():
        if not isinstance(row, Probe) or method != "GET":
            continue
        owner = row.owner
        if owner not in people:
            people[owner] = person(app, world.users[owner])
        url = row.url.format(**world.ids)
        response = people[owner].ask(method, row, world.ids)
        if response.status_code != 200:
            problems.append(f"{endpoint}: {url} answered {response.status_code} to {owner}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_reach_other_peoples_objects(app: Flask, who: str) -> None:
    world = build_world()
    guest = person(app, world.users[who])
    rows = _rows_for(who)
    assert rows, f"no entries for {who}"
    problems = []
    for (endpoint, method), row in rows:
        for problem in check(method, row, who, guest, world):
            problems.append(f"{method} {row.url} ({endpoint}) as {who}: {problem}")
    assert not problems, f"{len(problems)} problems in {len(rows)} requests:\n" + "\n".join(
        problems
    )


def _grouped(reasons_by_outsider: dict[str, set[str]]) -> list[Any]:
    """One strict xfail per outsider over all of their findings. It fails with an
    AssertionError while the findings stand; once every one is fixed it passes, which strict
    turns into a failure, so the marks get cleaned up. A finding that is already fixed while
    others stand fails the test outright (not an AssertionError), naming it."""
    cases = [
        pytest.param(
            who,
            marks=pytest.mark.xfail(
                strict=True, raises=AssertionError, reason="; ".join(sorted(reasons))
            ),
            id=who,
        )
        for who, reasons in reasons_by_outsider.items()
    ]
    return cases or [pytest.param("", marks=pytest.mark.skip(reason="no findings"))]


def _reasons(rows: list[Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for who in OUTSIDERS:
        reasons = {row.findings[who] for row in rows if who in getattr(row, "findings", {})}
        if reasons:
            found[who] = reasons
    return found


def _still_wrong(results: dict[str, list[str]]) -> None:
    fixed = [name for name, problems in results.items() if not problems]
    if fixed:
        pytest.fail("Fixed now; take the finding off: " + ", ".join(fixed))
    assert not results, "\n".join(p for problems in results.values() for p in problems)


@pytest.mark.parametrize("who", _grouped(_reasons(list(IDOR.values()))))
def test_known_findings(app: Flask, who: str) -> None:
    world = build_world()
    guest = person(app, world.users[who])
    _still_wrong(
        {
            f"{method} {row.url} ({endpoint})": check(method, row, who, guest, world)
            for (endpoint, method), row in IDOR.items()
            if isinstance(row, Probe) and who in row.findings
        }
    )


# --- ids in query strings, forms and JSON bodies -------------------------------------------------


@dataclass(frozen=True)
class Smuggled:
    """An id of Robin's (`{them}`) sent where a URL converter does not guard it. The outsider
    must get exactly the answer they get for an id that does not exist (so nothing tells them
    whether it does), never a success, and nothing of Robin's may change."""

    method: str
    url: str
    outsiders: tuple[str, ...]
    them: str  # which of Robin's ids goes in `{them}`
    form: Mapping[str, Any] | None = None
    json: Mapping[str, Any] | None = None
    status: int = 404
    findings: Mapping[str, str] = field(default_factory=dict)


NEW_ENTRY = {
    "project_id": "{project}",
    "activity_type_id": "{activity}",
    "work_date": "2026-05-04",
    "minutes": 60,
}
NEW_CLAIM = {
    "project_id": "{project}",
    "date": "2026-05-05",
    "category": "public_transport",
    "description": "Bus",
    "amount_pence": 450,
    "receipt_missing_reason": "Lost",
}
NEW_REQUEST = {
    "project_id": "{project}",
    "kind": "laptop",
    "description": "A laptop",
    "estimated_pence": 30000,
    "provision": "loan",
    "payment": "supplier",
}

SMUGGLED: list[Smuggled] = [
    # Recording for someone: `?contributor_id=` on the pages, `contributor_id` in the API.
    Smuggled("GET", "/time/new?contributor_id={them}", ITEM_PEOPLE, "person"),
    Smuggled("POST", "/time/new?contributor_id={them}", ITEM_PEOPLE, "person", form=ENTRY_FORM),
    Smuggled("GET", "/expenses/new?contributor_id={them}&category=taxi", ITEM_PEOPLE, "person"),
    Smuggled(
        "POST",
        "/expenses/new?contributor_id={them}&category=taxi",
        ITEM_PEOPLE,
        "person",
        form=CLAIM_FORM,
    ),
    Smuggled("GET", "/adaptations/new?contributor_id={them}", ITEM_PEOPLE, "person"),
    Smuggled(
        "POST",
        "/adaptations/new?contributor_id={them}",
        ITEM_PEOPLE,
        "person",
        form=ADAPTATION_FORM,
    ),
    Smuggled(
        "POST",
        "/api/v1/time-entries",
        ITEM_PEOPLE,
        "person",
        json={**NEW_ENTRY, "contributor_id": "{them}"},
    ),
    Smuggled(
        "POST",
        "/api/v1/expenses",
        ITEM_PEOPLE,
        "person",
        json={**NEW_CLAIM, "contributor_id": "{them}"},
    ),
    Smuggled(
        "POST",
        "/api/v1/adaptations",
        ITEM_PEOPLE,
        "person",
        json={**NEW_REQUEST, "contributor_id": "{them}"},
    ),
    # Robin's own rate could be a personal one: estimating for Robin is recording for Robin.
    Smuggled(
        "POST",
        "/api/v1/estimate",
        ITEM_PEOPLE,
        "person",
        json={**NEW_ENTRY, "contributor_id": "{them}"},
    ),
    # Their own work, on Robin's project: answered as for a project that is not theirs (422).
    Smuggled(
        "POST",
        "/api/v1/time-entries",
        (OTHER_CONTRIBUTOR,),
        "project",
        json={**NEW_ENTRY, "project_id": "{them}"},
        status=422,
    ),
    # List filters: nothing of Robin's, as for someone who does not exist.
    Smuggled(
        "GET",
        "/api/v1/time-entries?contributor={them}",
        ITEM_PEOPLE,
        "person",
        status=200,
    ),
    Smuggled(
        "GET",
        "/api/v1/expenses?contributor={them}",
        ITEM_PEOPLE,
        "person",
        status=200,
    ),
    Smuggled(
        "GET",
        "/api/v1/adaptations?contributor={them}",
        ITEM_PEOPLE,
        "person",
        status=200,
    ),
    Smuggled(
        "GET",
        "/api/v1/time-entries?project={them}",
        ITEM_PEOPLE,
        "project",
        status=200,
    ),
    # Approving Robin's work in bulk from another project's queue: refused like a made-up id.
    Smuggled(
        "POST",
        "/approvals/approve",
        OTHER_COORDINATORS,
        "entry_sent",
        form={"item": "time-{them}"},
        status=200,
    ),
    Smuggled(
        "POST",
        "/approvals/approve",
        OTHER_COORDINATORS,
        "claim_sent",
        form={"item": "expense-{them}"},
        status=200,
    ),
    # Adding Robin to one's own project: Robin is not someone they may see.
    Smuggled(
        "POST",
        "/admin/projects/{other_project}/contributors",
        OTHER_COORDINATORS,
        "person",
        form={"member-contributor_id": "{them}"},
        status=400,
    ),
    Smuggled(
        "POST",
        "/api/v1/projects/{other_project}/members",
        OTHER_COORDINATORS,
        "person",
        json={"contributor_id": "{them}"},
        status=422,
    ),
]


def _robins_things(world: World) -> Any:
    """Robin's items, every project membership, as they stand."""
    robin = world.ids["person"]
    items = [
        _rows(table, table.c.contributor_id == robin)
        for table in map(_table, (TimeEntry, ExpenseClaim, AdaptationRequest))
    ]
    return items, _rows(_table(ProjectMember), None)


def _send(guest: Person, case: Smuggled, ids: Mapping[str, int]) -> Any:
    url = case.url.format(**ids)
    if url.startswith("/api/"):
        body = None
        if case.json is not None:
            body = {k: _as_json(_fill(v, ids)) for k, v in case.json.items()}
        return guest.api.open(url, method=case.method, headers=guest.headers, json=body)
    form = {k: _fill(v, ids) for k, v in (case.form or {}).items()}
    return guest.web.open(url, method=case.method, data=form if case.method != "GET" else None)


def _answer(response: Any) -> Any:
    """What an answer tells its reader: the status and the JSON, or the page's main part
    (without the CSRF tokens, which carry the time)."""
    if response.is_json:
        return response.status_code, response.json
    text = response.get_data(as_text=True)
    main = re.search(r"<main.*?</main>", text, re.S)
    shown = re.sub(r'name="csrf_token" value="[^"]*"', "", main.group(0) if main else text)
    return response.status_code, re.sub(r"\s+", " ", shown)


def smuggle(case: Smuggled, who: str, guest: Person, world: World) -> list[str]:
    name = f"{case.method} {case.url} ({case.them}) as {who}"
    before = _robins_things(world)
    real = _send(guest, case, {**world.ids, "them": world.ids[case.them]})
    after = _robins_things(world)
    made_up = _send(guest, case, {**world.ids, "them": MADE_UP_ID})
    problems = []
    if real.status_code != case.status:
        problems.append(f"{name}: answered {real.status_code}, not {case.status}")
    if _answer(real) != _answer(made_up):
        problems.append(f"{name}: answers differently for Robin's id and a made-up one")
    if before != after:
        problems.append(f"{name}: something of Robin's changed")
    if OWNER.encode() in real.get_data():
        problems.append(f"{name}: the answer shows {OWNER}'s name")
    return problems


SMUGGLERS = sorted({who for case in SMUGGLED for who in case.outsiders}, key=OUTSIDERS.index)


@pytest.mark.parametrize("who", SMUGGLERS)
def test_ids_in_query_strings_forms_and_bodies(app: Flask, who: str) -> None:
    world = build_world()
    guest = person(app, world.users[who])
    cases = [c for c in SMUGGLED if who in c.outsiders and who not in c.findings]
    problems = [problem for case in cases for problem in smuggle(case, who, guest, world)]
    assert not problems, f"{len(problems)} problems in {len(cases)} requests:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("who", _grouped(_reasons(SMUGGLED)))
def test_known_smuggled_findings(app: Flask, who: str) -> None:
    world = build_world()
    guest = person(app, world.users[who])
    _still_wrong(
        {
            f"{case.method} {case.url}": smuggle(case, who, guest, world)
            for case in SMUGGLED
            if who in case.findings
        }
    )
