"""Demonstration data: an organisation with funds, projects, people and activities.

Idempotent: if the demo admin exists, nothing is changed. Later features add their own demo
records here so that every page has something to show.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.adaptations import services as adaptations
from tracker.auth import services as auth
from tracker.auth.models import User
from tracker.contributors import services as contributors
from tracker.dates import local_today
from tracker.expenses import services as expenses
from tracker.items import services as items
from tracker.payments import services as payments
from tracker.projects import services as projects
from tracker.rates import services as rates
from tracker.settings.services import set_setting
from tracker.timesheets import services as timesheets

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo login
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 - documented in the README
DEMO_USERS = [
    ("admin@demo.test", "Alex Admin", ["admin"]),
    ("coordinator@demo.test", "Chris Coordinator", ["coordinator"]),
    ("finance@demo.test", "Fran Finance", ["finance"]),
    ("funder@demo.test", "Faye Funder", ["funder"]),
    ("contributor@demo.test", "Sam Contributor", ["contributor"]),
    ("lead@demo.test", "Lee Lead", ["coordinator"]),
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

    lottery, trust = (
        projects.save_fund(
            actor=admin, fund=None, name=name, funder_organisation=funder, reference=reference
        )
        for name, funder, reference in [
            ("Community Voices Fund", "Hampshire Community Foundation", "HCF-2026-114"),
            ("Lived Experience Grant", "Northbridge Trust", "NT/LEG/77"),
        ]
    )
    projects.add_fund_member(actor=admin, fund=lottery, user=users["funder"])

    peer, panel, training = (
        projects.create_project(
            actor=admin,
            name=name,
            code=code,
            start_date=start,
            end_date=end,
            fund_ids=[fund.id for fund in funds],
            description=description,
        )
        for name, code, start, end, funds, description in [
            (
                "Peer Research on Housing",
                "PEER-01",
                date(2026, 4, 1),
                date(2027, 3, 31),
                [lottery],
                "People with experience of homelessness research what helps.",
            ),
            (
                "Service Design Panel",
                "PANEL-02",
                date(2026, 1, 5),
                None,
                [lottery, trust],
                "A standing panel that reviews new services before they launch.",
            ),
            (
                "Recovery Training Co-delivery",
                "TRAIN-03",
                date(2026, 6, 1),
                date(2027, 5, 31),
                [trust],
                "Trainers with lived experience co-deliver recovery training.",
            ),
        ]
    )
    for project in (peer, panel):
        projects.add_coordinator(actor=admin, project=project, user=users["coordinator"])
        projects.add_coordinator(actor=admin, project=project, user=users["lead"])
    projects.add_coordinator(actor=admin, project=training, user=users["lead"])

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
    rates.ensure_shipped_reference_data()
    _demo_items(users, activity, people, peer=peer, panel=panel, training=training)
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
        note = "Agreed by the board" if effective_from == start else "Yearly increase"
        _demo_rate(finance, activity[name], effective_from, note, basis=basis, **amounts)
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
        _demo_rate(
            finance,
            activity[name],
            start,
            note,
            project_id=project_id,
            contributor_id=contributor_id,
            **amounts,
        )


def _demo_rate(
    finance: User,
    activity: Any,
    effective_from: date,
    note: str,
    *,
    project_id: int | None = None,
    contributor_id: int | None = None,
    **amounts: Any,
) -> None:
    rates.create_rate(
        actor=finance,
        data=rates.RateInput(
            activity_type_id=activity.id,
            project_id=project_id,
            contributor_id=contributor_id,
            effective_from=effective_from,
            note=note,
            **amounts,
        ),
    )


def _demo_items(
    users: dict[str, User],
    activity: dict[str, Any],
    people: dict[str, Any],
    **project: Any,
) -> None:
    """Work in every state: drafts, sent, sent back, withdrawn, approved, in a draft run, on a
    confirmed unpaid run, paid, and a void slip whose work went back for the next run."""
    sam_user, chris, lee, fran = (
        users["contributor"],
        users["coordinator"],
        users["lead"],
        users["finance"],
    )
    peer, panel, training = project["peer"], project["panel"], project["training"]
    sam, jordan, priya, morgan, dee = (
        people[n] for n in ("Sam", "Jordan", "Priya", "Morgan", "Dee")
    )
    contributors.set_benefit_warnings(
        actor=sam_user, contributor=sam, enabled=True, labels=["Permitted work lower limit"]
    )
    contributors.set_access_needs(
        actor=sam_user,
        contributor=sam,
        needs={"breaks": "A 10-minute break each hour", "large_print": ""},
    )

    def time(
        who: Any, recorder: User, proj: Any, name: str, day: date, minutes: int, **kw: Any
    ) -> Any:
        return timesheets.create_time_entry(
            actor=recorder,
            data=timesheets.EntryInput(
                contributor_id=who.id,
                project_id=proj.id,
                activity_type_id=activity[name].id,
                work_date=day,
                minutes=minutes,
                **kw,
            ),
        )

    def claim(who: Any, recorder: User, proj: Any, day: date, category: str, **kw: Any) -> Any:
        return expenses.create_expense(
            actor=recorder,
            data=expenses.ClaimInput(
                contributor_id=who.id, project_id=proj.id, claim_date=day, category=category, **kw
            ),
        )

    def request(who: Any, recorder: User, proj: Any, kind: str, **kw: Any) -> Any:
        return adaptations.create_request(
            actor=recorder,
            data=adaptations.RequestInput(
                contributor_id=who.id, project_id=proj.id, kind=kind, **kw
            ),
        )

    def approve(item: Any, submitter: User, approver: User) -> Any:
        items.submit_item(actor=submitter, item=item)
        items.approve_item(actor=approver, item=item)
        return item

    # Paid in the first run.
    approve(time(sam, sam_user, peer, "Meeting", date(2026, 5, 12), 95), sam_user, chris)
    approve(time(sam, sam_user, panel, "Interview panel", date(2026, 5, 20), 180), sam_user, chris)
    approve(time(jordan, chris, peer, "Preparation", date(2026, 5, 14), 120), chris, lee)
    approve(time(priya, chris, peer, "Preparation", date(2026, 5, 14), 150), chris, lee)
    bus = claim(
        sam,
        sam_user,
        peer,
        date(2026, 5, 12),
        "public_transport",
        description="Bus to the meeting and back",
        amount_pence=560,
        receipt_missing_reason="Paid with a contactless card on the bus",
    )
    approve(bus, sam_user, chris)
    data_top_up = request(
        sam,
        sam_user,
        peer,
        "data_top_up",
        description="Mobile data for online meetings",
        estimated_pence=1000,
        provision="gift",
        payment="reimburse",
    )
    approve(data_top_up, sam_user, chris)
    adaptations.mark_provided(actor=chris, item=data_top_up, actual_pence=1000)
    first = payments.create_payment_run(actor=fran, cut_off=local_today())
    issued = payments.confirm_payment_run(actor=fran, run_id=first.id)
    payments.mark_run_paid(
        actor=fran, run_id=first.id, paid_on=local_today(), reference="BACS 2026-06"
    )

    # Confirmed but not yet paid; Jordan's slip is voided (paid by cash instead, say).
    approve(time(sam, sam_user, peer, "Meeting", date(2026, 9, 8), 60), sam_user, chris)
    mileage = claim(
        sam,
        sam_user,
        peer,
        date(2026, 9, 8),
        "mileage",
        description="Home to the community centre and back",
        miles="23.4",
        vehicle="car",
        passengers=1,
    )
    approve(mileage, sam_user, chris)
    approve(time(jordan, chris, peer, "Meeting", date(2026, 9, 8), 60), chris, lee)
    taxi = claim(
        priya,
        chris,
        panel,
        date(2026, 9, 15),
        "taxi",
        description="Accessible taxi after a late panel",
        amount_pence=6400,
        receipt_missing_reason="Receipt handed to the coordinator",
    )
    items.submit_item(actor=chris, item=taxi)
    items.approve_item(actor=lee, item=taxi, override_reason="No accessible bus at 9pm")
    second = payments.create_payment_run(actor=fran, cut_off=local_today())
    issued += payments.confirm_payment_run(actor=fran, run_id=second.id)
    jordan_slip = next(
        i.slip for i in issued if i.slip.run_id == second.id and i.slip.contributor_id == jordan.id
    )
    payments.void_slip(
        actor=fran,
        slip_id=jordan_slip.id,
        reason="Jordan asked to be paid in cash; reissued in the next run",
    )

    # A draft run: Jordan's work again, and newly approved work.
    approve(time(morgan, chris, panel, "Interview panel", date(2026, 10, 6), 150), chris, lee)
    approve(
        time(sam, sam_user, panel, "Meeting", date(2026, 10, 13), 45, fee_choice="decline"),
        sam_user,
        chris,
    )
    payments.create_payment_run(actor=fran, cut_off=local_today())

    # Waiting for a decision, sent back, drafts, withdrawn, and adaptations in each state.
    approve(time(sam, sam_user, peer, "Preparation", date(2026, 11, 2), 90), sam_user, chris)
    items.submit_item(
        actor=sam_user, item=time(sam, sam_user, peer, "Meeting", date(2026, 11, 9), 120)
    )
    # Unpaid work still counts: sent, with no fee.
    items.submit_item(
        actor=sam_user,
        item=time(sam, sam_user, peer, "Informal catch-up", date(2026, 11, 9), 30),
    )
    sent_back = time(sam, sam_user, panel, "Travel time", date(2026, 11, 10), 200)
    items.submit_item(actor=sam_user, item=sent_back)
    items.return_item(
        actor=chris,
        item=sent_back,
        reason="Travel time is paid up to 2 hours for this panel. Could you change it to 120?",
    )
    time(
        sam,
        sam_user,
        peer,
        "Meeting",
        date(2026, 11, 16),
        60,
        notes="Not sure which project this was for",
    )
    withdrawn = time(sam, sam_user, peer, "Meeting", date(2026, 11, 3), 60)
    items.submit_item(actor=sam_user, item=withdrawn)
    items.withdraw_item(actor=sam_user, item=withdrawn)
    items.submit_item(
        actor=chris,
        item=time(
            priya,
            chris,
            panel,
            "Interview panel",
            date(2026, 11, 17),
            150,
            fee_choice="reduce",
            fee_requested_pence=2500,
        ),
    )
    items.submit_item(actor=lee, item=time(dee, lee, training, "Training", date(2026, 11, 12), 300))
    laptop = request(
        sam,
        sam_user,
        peer,
        "laptop",
        description="A laptop to join the research team's online sessions",
        estimated_pence=35000,
        provision="loan",
        payment="supplier",
        needed_by=date(2026, 12, 1),
    )
    approve(laptop, sam_user, chris)
    adaptations.mark_provided(actor=chris, item=laptop, actual_pence=32999)
    interpreter = request(
        morgan,
        chris,
        panel,
        "bsl_interpreter",
        description="BSL interpreter for the December panel",
        estimated_pence=36000,
        provision="service",
        payment="supplier",
        needed_by=date(2026, 12, 8),
    )
    items.submit_item(actor=chris, item=interpreter)
    for who, proj, when, pence in [(sam, peer, date(2026, 11, 18), 1280)]:
        lunch = claim(
            who,
            sam_user,
            proj,
            when,
            "subsistence",
            description="Lunch on a full-day workshop",
            amount_pence=pence,
            receipt_missing_reason="Lost it on the way home",
        )
        items.submit_item(actor=sam_user, item=lunch)
    # Make the history look like real life: approvals a few days after the work, and the
    # first run paid a few weeks later.
    _spread_dates()
    del issued
    _demo_budgets(fran, peer=peer, panel=panel, training=training)


def _spread_dates() -> None:
    """Set decision times a few days after the work (demo data only; services use 'now')."""
    from datetime import UTC, datetime, time, timedelta

    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.timesheets.models import TimeEntry

    for entry in db.session.scalars(select(TimeEntry).where(TimeEntry.approved_at.is_not(None))):
        decided = datetime.combine(entry.work_date + timedelta(days=4), time(11), tzinfo=UTC)
        entry.submitted_at = decided - timedelta(days=2)
        entry.decided_at = entry.approved_at = decided
        if entry.paid_at is not None:
            entry.paid_at = decided + timedelta(days=12)
    db.session.flush()


def _demo_budgets(finance: User, **project: Any) -> None:
    """A budget per project for its year. The amounts come from the demo's own figures (read
    with budget_reports after creating the budgets), so that whatever day the demo is loaded
    PEER-01 has a line on track, one past its first alert (80%) and one over budget."""
    from tracker.budgets import services as budgets

    today = local_today()
    periods = {
        "peer": (date(2026, 4, 1), date(2027, 3, 31)),
        "panel": (date(2026, 4, 1), date(2027, 3, 31)),
        "training": (date(2026, 6, 1), date(2027, 5, 31)),
    }
    # Adaptations count from the day they are approved (the day the demo is loaded), so a
    # period must reach today for them to show.
    made = [
        budgets.save_budget(
            actor=finance,
            budget=None,
            project_id=project[name].id,
            period_start=start,
            period_end=max(end, today),
            lines={},
        )
        for name, (start, end) in periods.items()
    ]
    aims = {"peer": {"fees": "on_track", "expenses": "near", "adaptations": "over"}}
    for name, report in zip(periods, budgets.budget_reports(made), strict=True):
        budget = report.budget
        budgets.save_budget(
            actor=finance,
            budget=budget,
            project_id=budget.project_id,
            period_start=budget.period_start,
            period_end=budget.period_end,
            lines={
                line.line: _demo_amount(
                    line.used_pence, aims.get(name, {}).get(line.line, "on_track"), line.line
                )
                for line in report.lines
            },
        )


def _demo_amount(used: int, aim: str, line: str) -> int:
    """A budget in pence that puts `used` on track (under a third), near (80% to 90%) or over
    (about 115%); on track when nothing is used yet."""
    if aim == "near" and used:
        budget = -(-used * 100 // 90)
        rounded = -(-budget // 100) * 100
        return rounded if used * 100 >= 80 * rounded else budget
    if aim == "over" and used > 115:
        budget = used * 100 // 115
        rounded = budget // 1000 * 1000
        return rounded if rounded else budget
    base = {"fees": 150_000, "expenses": 30_000, "adaptations": 50_000}.get(line, 20_000)
    return max(base, -(-used * 3 // 10_000) * 10_000)
