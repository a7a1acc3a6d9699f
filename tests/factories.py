"""Small builders for test data, going through the services so that rules are applied."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyotp

from tracker.auth import services as auth
from tracker.auth.models import User
from tracker.contributors import services as contributors
from tracker.contributors.models import Contributor
from tracker.extensions import db
from tracker.projects import services as projects
from tracker.projects.models import ActivityType, Fund, Project

PASSWORD = "a-long-password-1"
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_user(*roles: str, email: str | None = None, name: str | None = None) -> User:
    n = _next()
    secret = pyotp.random_base32() if {"finance", "admin"} & set(roles) else None
    user = auth.create_user(
        actor=None,
        email=email or f"user{n}@example.org",
        display_name=name or f"User {n}",
        password=PASSWORD,
        roles=roles or ("contributor",),
        totp_secret=secret,
    )
    db.session.commit()
    return user


def make_project(
    *, coordinators: list[User] | None = None, funds: list[Fund] | None = None, **kwargs: Any
) -> Project:
    n = _next()
    actor = kwargs.pop("actor", None) or make_user("admin")
    project = projects.create_project(
        actor=actor,
        name=kwargs.pop("name", f"Project {n}"),
        code=kwargs.pop("code", f"P{n}"),
        start_date=kwargs.pop("start_date", date(2026, 4, 1)),
        fund_ids=[f.id for f in funds or []],
        **kwargs,
    )
    for user in coordinators or []:
        projects.add_coordinator(actor=actor, project=project, user=user)
    db.session.commit()
    return project


def make_fund(*, members: list[User] | None = None, name: str | None = None) -> Fund:
    actor = make_user("admin")
    fund = projects.save_fund(
        actor=actor,
        fund=None,
        name=name or f"Fund {_next()}",
        funder_organisation="A Foundation",
        reference="REF",
    )
    for user in members or []:
        projects.add_fund_member(actor=actor, fund=fund, user=user)
    db.session.commit()
    return fund


def make_contributor(
    *,
    user: User | None = None,
    projects_: list[Project] | None = None,
    name: str | None = None,
    **kwargs: Any,
) -> Contributor:
    actor = make_user("admin")
    contributor = contributors.create_contributor(
        actor=actor,
        preferred_name=name or f"Contributor {_next()}",
        user_id=user.id if user else None,
        project_ids=[p.id for p in projects_ or []],
        **kwargs,
    )
    db.session.commit()
    return contributor


def make_activity(name: str | None = None, paid: bool = True) -> ActivityType:
    activity = projects.save_activity_type(
        actor=make_user("admin"), activity=None, name=name or f"Activity {_next()}", paid=paid
    )
    db.session.commit()
    return activity
