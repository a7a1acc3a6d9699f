"""`flask --app wsgi tracker …` commands. Each calls services, then commits once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from tracker.auth import services as auth
from tracker.auth.models import User
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.money import format_money

tracker_cli = AppGroup("tracker", help="Tracker administration commands.")


@tracker_cli.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", prompt="Display name")
@click.option(
    "--role",
    "roles",
    multiple=True,
    default=["admin"],
    show_default=True,
    type=click.Choice(["contributor", "coordinator", "finance", "funder", "admin"]),
)
@click.password_option()
def create_user(email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Create an account (by default the first administrator)."""
    try:
        user = auth.create_user(
            actor=None,
            actor_label="command line",
            email=email,
            display_name=name,
            password=password,
            roles=roles,
        )
    except TrackerError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.roles))}.")
    if user.has_role("finance", "admin"):
        click.echo("They will be asked to set up an authenticator app when they first sign in.")


@tracker_cli.command("create-token")
@click.argument("email")
@click.option("--name", default="Command line token", show_default=True)
def create_token(email: str, name: str) -> None:
    """Print a new API token for EMAIL (shown once; only its hash is kept)."""
    user = auth.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email address {email}.")
    _token, raw = auth.create_api_token(user=user, name=name, actor_label="command line")
    db.session.commit()
    click.echo(raw)


@tracker_cli.command("rotate-keys")
def rotate_keys() -> None:
    """Encrypt every stored secret again with the first key of DATA_ENCRYPTION_KEYS."""
    from tracker.crypto import rotate_all

    count = rotate_all(db.session.connection(), db.metadata)
    db.session.commit()
    click.echo(f"Encrypted {count} stored {'secret' if count == 1 else 'secrets'} again.")


@tracker_cli.command("demo")
def demo() -> None:
    """Load the demonstration organisation (safe to run again: it changes nothing the 2nd time)."""
    from tracker.demo import load_demo

    created = load_demo()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data was already there.")


@tracker_cli.command("import-time")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "email", required=True, help="The coordinator recording the entries.")
@click.option("--submit", is_flag=True, help="Send the entries for approval after importing.")
def import_time(file: Path, email: str, submit: bool) -> None:
    """Import time entries from a CSV sign-in sheet; nothing is saved if any row is wrong."""
    from tracker.timesheets import importer

    user = auth.find_user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active account has the email address {email}.")
    try:
        text = importer.decode_csv(file.read_bytes())
        entries = importer.apply_import(actor=user, text=text, submit=submit)
    except importer.ImportRejected as rejected:
        db.session.rollback()
        for problem in rejected.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(rejected.message) from rejected
    except TrackerError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    one = len(entries) == 1
    then = f"and sent {'it' if one else 'them'} for approval" if submit else "as drafts"
    click.echo(f"Imported {len(entries)} time {'entry' if one else 'entries'} {then}.")


# --- payment runs -------------------------------------------------------------------------------


@tracker_cli.group("payment-run")
def payment_run() -> None:
    """Create, confirm and mark paid payment runs (finance)."""


def _active_user(email: str) -> User:
    user = auth.find_user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active account has the email address {email}.")
    return user


@payment_run.command("create")
@click.option("--cut-off", "cut_off", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--project", "project_code", help="Only this project's work (its code).")
@click.option("--as", "email", required=True, help="The finance user creating the run.")
def create_payment_run(cut_off: datetime, project_code: str | None, email: str) -> None:
    """Create a draft run of approved work up to the cut-off date (YYYY-MM-DD)."""
    from tracker.payments import services as payments
    from tracker.projects.models import Project

    user = _active_user(email)
    project_id = None
    if project_code:
        project = db.session.scalar(select(Project).where(Project.code == project_code))
        if project is None:
            raise click.ClickException(f"No project has the code {project_code}.")
        project_id = project.id
    try:
        run = payments.create_payment_run(actor=user, cut_off=cut_off.date(), project_id=project_id)
        rows = payments.run_rows(run)
        totals = payments.run_totals(run)
    except TrackerError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(
        f"Created draft run {run.id}: {len(rows)} {'person' if len(rows) == 1 else 'people'}, "
        f"{format_money(totals['total_pence'])} in all."
    )
    for row in rows:
        warnings = f"  ({'; '.join(row.warnings)})" if row.warnings else ""
        click.echo(
            f"  {row.contributor.reference}  {row.contributor.preferred_name}: "
            f"{format_money(row.total_pence)}, {row.method}{warnings}"
        )


@payment_run.command("confirm")
@click.argument("run_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--as", "email", required=True, help="The finance user confirming the run.")
def confirm_payment_run(run_id: int, email: str) -> None:
    """Issue the run's slips (one per person), then write their PDFs to the archive."""
    from tracker.payments import services as payments
    from tracker.slips import services as slips

    user = _active_user(email)
    try:
        people = len(payments.run_rows(payments.get_run(run_id)))
        with click.progressbar(length=people, label="Rendering slips") as bar:
            issued = payments.confirm_payment_run(
                actor=user, run_id=run_id, progress=lambda done, total: bar.update(1)
            )
    except TrackerError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    for item in issued:
        try:
            slips.write_archive(item.slip, item.pdf)
        except OSError as error:
            # The slips are issued; a missing file is rebuilt from its record when downloaded.
            click.echo(f"Could not write {item.slip.number}.pdf to the archive: {error}", err=True)
    numbers = [item.slip.number for item in issued]
    span = numbers[0] if len(numbers) == 1 else f"{numbers[0]} to {numbers[-1]}"
    click.echo(f"Confirmed run {run_id}: {len(numbers)} slips issued, {span}.")


@payment_run.command("paid")
@click.argument("run_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--on", "paid_on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--reference", required=True, help="The bank or payment reference.")
@click.option("--as", "email", required=True, help="The finance user recording the payment.")
def mark_payment_run_paid(run_id: int, paid_on: datetime, reference: str, email: str) -> None:
    """Record that every issued slip in the run was paid on a date (YYYY-MM-DD)."""
    from tracker.payments import services as payments

    user = _active_user(email)
    try:
        run = payments.mark_run_paid(
            actor=user, run_id=run_id, paid_on=paid_on.date(), reference=reference
        )
    except TrackerError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Run {run.id} is marked paid on {paid_on.date().isoformat()}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(tracker_cli)
