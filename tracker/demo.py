"""Demonstration data: an organisation with funds, projects, people and activities.

Idempotent: if the demo admin exists, nothing is changed. Later features add their own demo
records here so that every page has something to show.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.auth import services as auth
from tracker.auth.models import User
from tracker.contributors import services as contributors
from tracker.projects import services as projects
from tracker.rates import services as rates
from tracker.settings.services import set_setting

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo login
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 - documented in the README
DEMO_USERS = [
    ("admin@demo.test", "Alex Admin", ["admin"]),
    ("coordinator@demo.test", "Chris Coordinator", ["coordinator"]),
    ("finance@demo.test", "Fran Finance", ["finance"]),
    ("funder@demo.test", "Faye Funder", ["funder"]),
    ("contributor@demo.test", "Sam Contributor", ["contributor"]),
]


def load_demo() -> bool:
    """Create the demo organisation once; returns False when it was already there."""
    if auth.find_user_by_email("admin@demo.test"):
        return False
    users: dict[str, User] = {}
    for email, name, roles in DEMO_USERS:
        secret = DEMO_TOTP_SECRET if {"finance", "admin"} & set(roles) else None
        users[email.split("@")[0]] = auth.create_user(
            actor=None,
            email=email,
            display_name=name,
            password=DEMO_PASSWORD,
            roles=roles,
            totp_secret=secret,
        )
    admin = users["admin"]
    set_setting(actor=admin, key="organisation_name", value="Brighter Voices Community Trust")
    set_setting(
        actor=admin, key="organisation_address", value="12 Harbour Street\nPortsmouth\nPO1 2AB"
    )

    lottery = projects.save_fund(
        actor=admin,
        fund=None,
        name="Community Voices Fund",
        funder_organisation="Hampshire Community Foundation",
        reference="HCF-2026-114",
    )
    trust = projects.save_fund(
        actor=admin,
        fund=None,
        name="Lived Experience Grant",
        funder_organisation="Northbridge Trust",
        reference="NT/LEG/77",
    )
    projects.add_fund_member(actor=admin, fund=lottery, user=users["funder"])

    peer = projects.create_project(
        actor=admin,
        name="Peer Research on Housing",
        code="PEER-01",
        start_date=date(2026, 4, 1),
        end_date=date(2027, 3, 31),
        fund_ids=[lottery.id],
        description="People with experience of homelessness research what helps.",
    )
    panel = projects.create_project(
        actor=admin,
        name="Service Design Panel",
        code="PANEL-02",
        start_date=date(2026, 1, 5),
        fund_ids=[lottery.id, trust.id],
        description="A standing panel that reviews new services before they launch.",
    )
    training = projects.create_project(
        actor=admin,
        name="Recovery Training Co-delivery",
        code="TRAIN-03",
        start_date=date(2026, 6, 1),
        end_date=date(2027, 5, 31),
        fund_ids=[trust.id],
        description="Trainers with lived experience co-deliver recovery training.",
    )
    for project in (peer, panel):
        projects.add_coordinator(actor=admin, project=project, user=users["coordinator"])

    activity = {
        name: projects.save_activity_type(actor=admin, activity=None, name=name, paid=paid)
        for name, paid in [
            ("Meeting", True),
            ("Preparation", True),
            ("Interview panel", True),
            ("Training", True),
            ("Travel time", True),
            ("Co-delivery", True),
            ("Informal catch-up", False),
        ]
    }
    people = {
        "Sam": contributors.create_contributor(
            actor=admin,
            preferred_name="Sam",
            user_id=users["contributor"].id,
            payment_method="bank_transfer",
            benefits_warnings=True,
            project_ids=[peer.id, panel.id],
        )
    }
    for name, method, project_ids in [
        ("Jordan", "cash", [peer.id]),
        ("Priya", "prepaid_card", [peer.id, panel.id]),
        ("Morgan", "voucher", [panel.id]),
        ("Dee", None, [training.id]),
    ]:
        people[name] = contributors.create_contributor(
            actor=admin, preferred_name=name, payment_method=method, project_ids=project_ids
        )
    _demo_rates(users["finance"], activity, panel=panel, peer=peer, priya=people["Priya"])
    return True


def _demo_rates(finance: User, activity: dict[str, Any], **where: Any) -> None:
    """Organisation defaults, a project's own rate, one person's agreed rate, and a change."""
    start = date(2026, 4, 1)
    defaults: list[tuple[str, str, dict[str, Any], date]] = [
        ("Meeting", "hour", {"amount_pence": 1500, "minimum_minutes": 60}, start),
        ("Meeting", "hour", {"amount_pence": 1600, "minimum_minutes": 60}, date(2026, 10, 1)),
        ("Preparation", "hour", {"amount_pence": 1500}, start),
        ("Interview panel", "session", {"amount_pence": 4000}, start),
        ("Training", "day", {"half_day_pence": 6000, "day_pence": 11000}, start),
        ("Travel time", "hour", {"amount_pence": 1000, "rounding": "nearest"}, start),
        ("Co-delivery", "hour", {"amount_pence": 2000, "increment_minutes": 30}, start),
    ]
    for name, basis, amounts, effective_from in defaults:
        rates.create_rate(
            actor=finance,
            data=rates.RateInput(
                activity_type_id=activity[name].id,
                project_id=None,
                contributor_id=None,
                basis=basis,
                effective_from=effective_from,
                note="Agreed by the board" if effective_from == start else "Yearly increase",
                **amounts,
            ),
        )
    specific: list[tuple[str, int, int | None, dict[str, Any], str]] = [
        (
            "Interview panel",
            where["panel"].id,
            None,
            {"basis": "session", "amount_pence": 5000},
            "Panel sessions run for a full afternoon",
        ),
        (
            "Preparation",
            where["peer"].id,
            where["priya"].id,
            {"basis": "hour", "amount_pence": 1800},
            "Lead peer researcher",
        ),
    ]
    for name, project_id, contributor_id, amounts, note in specific:
        rates.create_rate(
            actor=finance,
            data=rates.RateInput(
                activity_type_id=activity[name].id,
                project_id=project_id,
                contributor_id=contributor_id,
                effective_from=start,
                note=note,
                **amounts,
            ),
        )
