"""Roles are checked in the services themselves, so a new route, API endpoint or command line
command cannot skip them: each state-changing admin or finance service refuses everyone else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.factories import make_activity, make_fund, make_project, make_user
from tracker.auth import services as auth
from tracker.auth.models import User
from tracker.errors import Forbidden
from tracker.projects import services as projects
from tracker.rates import services as rates
from tracker.settings import services as settings

ADMIN_ONLY: dict[str, Callable[[User], Any]] = {
    "create a user": lambda actor: auth.create_user(
        actor=actor,
        email="new@example.org",
        display_name="New",
        password="violet-harbour-lantern-7",
        roles=["admin"],
    ),
    "change a user": lambda actor: auth.update_user(
        actor=actor, user=make_user("finance"), display_name="X", roles=["admin"], active=True
    ),
    "reset a password": lambda actor: auth.reset_password(
        actor=actor, user=make_user("finance"), new="violet-harbour-lantern-7"
    ),
    "reset an authenticator": lambda actor: auth.reset_second_factor(
        actor=actor, user=make_user("finance")
    ),
    "create a project": lambda actor: projects.create_project(
        actor=actor, name="P", code="PX", start_date=date(2026, 4, 1)
    ),
    "save a fund": lambda actor: projects.save_fund(
        actor=actor, fund=None, name="F", funder_organisation="O", reference="R"
    ),
    "add a funder": lambda actor: projects.add_fund_member(
        actor=actor, fund=make_fund(), user=make_user("funder")
    ),
    "save an activity type": lambda actor: projects.save_activity_type(
        actor=actor, activity=None, name="Anything", paid=True
    ),
    "change a setting": lambda actor: settings.set_setting(
        actor=actor, key="slip_prefix", value="XX"
    ),
}
MONEY_EDITORS: dict[str, Callable[[User], Any]] = {
    "add a rate": lambda actor: rates.create_rate(
        actor=actor,
        data=rates.RateInput(
            activity_type_id=make_activity().id,
            project_id=None,
            contributor_id=None,
            basis="hour",
            effective_from=date(2026, 4, 1),
            amount_pence=1500,
        ),
    ),
    "add a mileage rate": lambda actor: rates.add_mileage_rate(
        actor=actor, vehicle="car", effective_from=date(2027, 4, 6), pence_per_mile=50
    ),
    "set an expense cap": lambda actor: rates.set_expense_cap(
        actor=actor, category="taxi", cap_pence=5000
    ),
}


@pytest.mark.parametrize("action", sorted(ADMIN_ONLY))
@pytest.mark.parametrize("role", ["contributor", "coordinator", "finance", "funder"])
def test_admin_services_refuse_other_roles(app: Any, action: str, role: str) -> None:
    make_project()
    with pytest.raises(Forbidden):
        ADMIN_ONLY[action](make_user(role))


@pytest.mark.parametrize("action", sorted(MONEY_EDITORS))
@pytest.mark.parametrize("role", ["contributor", "coordinator", "funder"])
def test_money_services_refuse_other_roles(app: Any, action: str, role: str) -> None:
    with pytest.raises(Forbidden):
        MONEY_EDITORS[action](make_user(role))


@pytest.mark.parametrize("action", sorted(MONEY_EDITORS))
def test_money_services_serve_finance(app: Any, action: str) -> None:
    MONEY_EDITORS[action](make_user("finance"))


def test_only_making_an_account_may_come_from_the_command_line(app: Any) -> None:
    ADMIN_ONLY["create a user"](None)  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        ADMIN_ONLY["create a project"](None)  # type: ignore[arg-type]
