"""`flask tracker payment-run create | confirm | paid`: the same services, one commit each."""

from __future__ import annotations

from typing import Any

import click
import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import make_user
from tracker.dates import local_today
from tracker.extensions import db
from tracker.payments.models import PaymentRun
from tracker.slips import services as slips
from tracker.slips.models import PaymentSlip
from tracker.timesheets.models import TimeEntry

YEAR = local_today().year


def _invoke(app: Flask, *args: str) -> Any:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tracker", "payment-run", *args])
    db.session.expire_all()
    return result


@pytest.fixture
def progress_updates(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Each (length, step) the command's progress bar was moved by."""
    seen: list[tuple[int, int]] = []
    real = click.progressbar

    def spy(*args: Any, **kwargs: Any) -> Any:
        bar = real(*args, **kwargs)
        update = bar.update

        def record(steps: int, *rest: Any) -> None:
            seen.append((bar.length or 0, steps))
            update(steps, *rest)

        bar.update = record  # type: ignore[method-assign]
        return bar

    monkeypatch.setattr(click, "progressbar", spy)
    return seen


def test_create_confirm_and_pay_a_run_from_the_command_line(
    app: Flask, paying, progress_updates: list[tuple[int, int]]
) -> None:
    robin = paying.people[0]
    jo = paying.add_person("Jo")
    paying.approved_time(robin, minutes=50)
    paying.approved_expense(robin, pence=1250)
    paying.approved_time(jo, minutes=120)
    email = paying.finance.email

    created = _invoke(app, "create", "--cut-off", local_today().isoformat(), "--as", email)
    assert created.exit_code == 0, created.output
    run = db.session.scalars(select(PaymentRun)).one()
    assert f"Created draft run {run.id}: 2 people, £53.90 in all." in created.output
    assert f"{robin.reference}  Robin: £26.30" in created.output
    assert run.status == "draft"

    confirmed = _invoke(app, "confirm", str(run.id), "--as", email)
    assert confirmed.exit_code == 0, confirmed.output
    assert "Rendering slips" in confirmed.output
    assert progress_updates == [(2, 1), (2, 1)]
    assert (
        f"Confirmed run {run.id}: 2 slips issued, PS-{YEAR}-00001 to PS-{YEAR}-00002."
        in confirmed.output
    )
    slip_list = db.session.scalars(select(PaymentSlip).order_by(PaymentSlip.sequence)).all()
    for slip in slip_list:
        assert slips.sha256(slips.archive_path(slip).read_bytes()) == slip.sha256

    paid_on = local_today().isoformat()
    paid = _invoke(
        app, "paid", str(run.id), "--on", paid_on, "--reference", "BACS 11", "--as", email
    )
    assert paid.exit_code == 0, paid.output
    assert f"Run {run.id} is marked paid on {paid_on}." in paid.output
    run = db.session.get(PaymentRun, run.id)
    assert run is not None
    assert (run.status, run.reference) == ("paid", "BACS 11")
    assert set(db.session.scalars(select(TimeEntry.status))) == {"paid"}


def test_a_run_for_one_project_by_its_code(app: Flask, paying) -> None:
    paying.approved_time(paying.people[0])
    code = paying.world.project.code
    email = paying.finance.email
    result = _invoke(
        app, "create", "--cut-off", local_today().isoformat(), "--project", code, "--as", email
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(PaymentRun.project_id)).one() == paying.world.project.id
    unknown = _invoke(
        app, "create", "--cut-off", local_today().isoformat(), "--project", "NOPE", "--as", email
    )
    assert unknown.exit_code == 1 and "No project has the code NOPE." in unknown.output


def test_refusals_are_plain_messages_and_change_nothing(app: Flask, paying) -> None:
    paying.approved_time(paying.people[0])
    today = local_today().isoformat()
    stranger = _invoke(app, "create", "--cut-off", today, "--as", "nobody@example.org")
    assert stranger.exit_code == 1 and "No active account" in stranger.output
    coordinator = make_user("coordinator")
    refused = _invoke(app, "create", "--cut-off", today, "--as", coordinator.email)
    assert refused.exit_code == 1
    assert "Only finance can manage payment runs." in refused.output
    assert db.session.scalar(select(PaymentRun.id)) is None

    email = paying.finance.email
    assert _invoke(app, "create", "--cut-off", today, "--as", email).exit_code == 0
    run = db.session.scalars(select(PaymentRun)).one()
    assert _invoke(app, "confirm", str(run.id), "--as", email).exit_code == 0
    again = _invoke(app, "confirm", str(run.id), "--as", email)
    assert again.exit_code == 1 and "already been confirmed" in again.output
    missing = _invoke(app, "confirm", "999", "--as", email)
    assert missing.exit_code == 1 and "That payment run was not found." in missing.output
    bad_date = _invoke(
        app, "paid", str(run.id), "--on", "26/11/2026", "--reference", "X", "--as", email
    )
    assert bad_date.exit_code == 2
    assert db.session.scalar(select(db.func.count(PaymentSlip.id))) == 1
