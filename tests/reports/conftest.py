"""Fixtures for report tests: the hand-computed dataset (tests.items.budget_dataset) with its
project paid for by a fund that a funder user is linked to, and a budget for the project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.factories import make_fund, make_user
from tests.items import Paying, budget_dataset
from tracker.auth.models import User
from tracker.budgets import services as budgets
from tracker.budgets.models import Budget
from tracker.dates import local_today
from tracker.extensions import db
from tracker.projects.models import Fund, Project


@dataclass
class Funded:
    paying: Paying
    funder: User
    fund: Fund
    project: Project
    budget: Budget


@pytest.fixture
def dataset(paying: Paying) -> Paying:
    return budget_dataset(paying)


@pytest.fixture
def funded(dataset: Paying) -> Funded:
    """Budget: fees £50.00, expenses £20.00, adaptations £500.00, other £0.00."""
    funder = make_user("funder", name="Faye Funder")
    fund = make_fund(members=[funder], name="Community Voices Fund")
    project = db.session.get(Project, dataset.world.project.id)
    assert project is not None
    project.funds.append(fund)
    budget = budgets.save_budget(
        actor=dataset.finance,
        budget=None,
        project_id=project.id,
        period_start=date(2026, 4, 1),
        period_end=max(date(2027, 3, 31), local_today()),
        lines={"fees": 5000, "expenses": 2000, "adaptations": 50000, "other": 0},
    )
    db.session.commit()
    return Funded(dataset, funder, fund, project, budget)
