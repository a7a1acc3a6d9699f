"""A small world for item tests: a project with a coordinator, a contributor with a login,
a rate, and helpers to record items through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.factories import make_activity, make_contributor, make_project, make_user
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.extensions import db
from tracker.projects.models import ActivityType, Project
from tracker.rates import services as rates
from tracker.timesheets import services as timesheets


@dataclass
class World:
    coordinator: User
    other_coordinator: User
    person_user: User
    person: Contributor
    project: Project
    activity: ActivityType


def make_world(*, pence: int = 1380, basis: str = "hour", **rate: Any) -> World:
    coordinator = make_user("coordinator", name="Casey")
    other = make_user("coordinator", name="Olu")
    person_user = make_user("contributor", name="Robin")
    project = make_project(coordinators=[coordinator, other])
    person = make_contributor(user=person_user, projects_=[project], name="Robin")
    activity = make_activity("Meeting")
    rates.create_rate(
        actor=make_user("finance"),
        data=rates.RateInput(
            activity_type_id=activity.id,
            project_id=None,
            contributor_id=None,
            basis=basis,
            effective_from=date(2026, 4, 1),
            amount_pence=pence,
            **rate,
        ),
    )
    db.session.commit()
    return World(coordinator, other, person_user, person, project, activity)


def entry_input(world: World, **overrides: Any) -> timesheets.EntryInput:
    values: dict[str, Any] = {
        "contributor_id": world.person.id,
        "project_id": world.project.id,
        "activity_type_id": world.activity.id,
        "work_date": date(2026, 5, 4),
        "minutes": 50,
    }
    values.update(overrides)
    return timesheets.EntryInput(**values)
