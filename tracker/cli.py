"""`flask --app wsgi tracker …` commands. Each calls services, then commits once."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from tracker.auth import services as auth
from tracker.errors import TrackerError
from tracker.extensions import db

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
            actor=None, email=email, display_name=name, password=password, roles=roles
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
    _token, raw = auth.create_api_token(user=user, name=name)
    db.session.commit()
    click.echo(raw)


@tracker_cli.command("demo")
def demo() -> None:
    """Load the demonstration organisation (safe to run again: it changes nothing the 2nd time)."""
    from tracker.demo import load_demo

    created = load_demo()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data was already there.")


def init_app(app: Flask) -> None:
    app.cli.add_command(tracker_cli)
