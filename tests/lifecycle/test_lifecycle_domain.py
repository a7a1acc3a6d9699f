"""The one lifecycle of a payable item (DESIGN.md §3): every status with every action gives
exactly the next status or exactly the refusal written here. The table below is written out by
hand, not read from `TRANSITIONS`, so that a changed transition or message fails this test."""

from __future__ import annotations

from itertools import product
from typing import get_args

import pytest

from tracker.lifecycle.domain import (
    Action,
    Status,
    TransitionRefused,
    is_editable,
    next_status,
)

STATUSES = [
    "draft",
    "submitted",
    "returned",
    "withdrawn",
    "approved",
    "in_run",
    "on_slip",
    "paid",
    "declined",
    "provided",
    "loan_returned",
]
ACTIONS = [
    "submit",
    "withdraw",
    "approve",
    "return",
    "add_to_run",
    "release_from_run",
    "issue_slip",
    "void_slip",
    "mark_paid",
    "decline",
    "provide",
    "return_loan",
]

# Every (status, action) that is allowed, and where it leads. Every other pair is refused.
ALLOWED: dict[tuple[str, str], str] = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("returned", "withdraw"): "withdrawn",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
    ("approved", "add_to_run"): "in_run",
    ("in_run", "release_from_run"): "approved",
    ("in_run", "issue_slip"): "on_slip",
    ("on_slip", "void_slip"): "approved",
    ("on_slip", "mark_paid"): "paid",
    ("submitted", "decline"): "declined",
    ("approved", "provide"): "provided",
    ("provided", "return_loan"): "loan_returned",
}

# What a refused action says, whatever the status it was tried from.
REFUSED: dict[str, str] = {
    "submit": "Only a draft, or work sent back to you, can be sent for approval.",
    "withdraw": "This has already been decided, so it cannot be withdrawn.",
    "approve": "Only work that has been sent for approval can be approved.",
    "return": "Only work that has been sent for approval can be sent back.",
    "add_to_run": "Only approved, unpaid work can go into a payment run.",
    "release_from_run": "This is not in a draft payment run.",
    "issue_slip": "This is not in a draft payment run.",
    "void_slip": "This is not on a live payment slip.",
    "mark_paid": "This is not on a payment slip waiting to be paid.",
    "decline": "Only a request that has been sent can be declined.",
    "provide": "Only an approved request can be marked as provided.",
    "return_loan": "Only a loan that has been provided can be marked as returned.",
}

PAIRS = list(product(STATUSES, ACTIONS))


def test_the_table_covers_every_status_and_action_the_code_knows() -> None:
    assert list(get_args(Status)) == STATUSES
    assert list(get_args(Action)) == ACTIONS
    assert len(PAIRS) == 11 * 12
    assert set(ALLOWED) <= set(PAIRS)
    assert set(REFUSED) == set(ACTIONS)


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_every_status_and_action_gives_the_next_status_or_the_refusal(
    status: str, action: Action
) -> None:
    if (status, action) in ALLOWED:
        assert next_status(status, action) == ALLOWED[(status, action)]
        return
    with pytest.raises(TransitionRefused) as refused:
        next_status(status, action)
    assert (refused.value.action, refused.value.status) == (action, status)
    assert refused.value.message == REFUSED[action]
    assert str(refused.value) == REFUSED[action]


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        ("draft", True),
        ("returned", True),
        ("submitted", False),
        ("withdrawn", False),
        ("approved", False),
        ("in_run", False),
        ("on_slip", False),
        ("paid", False),
        ("declined", False),
        ("provided", False),
        ("loan_returned", False),
    ],
)
def test_only_drafts_and_returned_items_can_be_edited(status: str, editable: bool) -> None:
    assert is_editable(status) is editable


def test_the_journey_of_design_section_3_from_draft_to_paid() -> None:
    """Sent back once, released from a cancelled run and voided once, then paid; after that
    nothing can happen to it."""
    journey = [
        ("submit", "submitted"),
        ("return", "returned"),
        ("submit", "submitted"),
        ("approve", "approved"),
        ("add_to_run", "in_run"),
        ("release_from_run", "approved"),
        ("add_to_run", "in_run"),
        ("issue_slip", "on_slip"),
        ("void_slip", "approved"),
        ("add_to_run", "in_run"),
        ("issue_slip", "on_slip"),
        ("mark_paid", "paid"),
    ]
    status = "draft"
    for action, expected in journey:
        status = next_status(status, action)  # type: ignore[arg-type]
        assert status == expected
    for action in ACTIONS:
        with pytest.raises(TransitionRefused):
            next_status(status, action)  # type: ignore[arg-type]
