"""The one lifecycle every payable item follows (DESIGN.md §3), as a table of transitions.

draft -> submitted -> approved -> in_run -> on_slip -> paid
submitted -> returned -> submitted (after changes)
draft, submitted, returned -> withdrawn (by the contributor or whoever recorded it)
in_run -> approved (run cancelled); on_slip -> approved (slip voided)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal[
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
Action = Literal[
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

TRANSITIONS: dict[Action, tuple[frozenset[Status], Status]] = {
    "submit": (frozenset({"draft", "returned"}), "submitted"),
    "withdraw": (frozenset({"draft", "submitted", "returned"}), "withdrawn"),
    "approve": (frozenset({"submitted"}), "approved"),
    "return": (frozenset({"submitted"}), "returned"),
    "add_to_run": (frozenset({"approved"}), "in_run"),
    "release_from_run": (frozenset({"in_run"}), "approved"),
    "issue_slip": (frozenset({"in_run"}), "on_slip"),
    "void_slip": (frozenset({"on_slip"}), "approved"),
    "mark_paid": (frozenset({"on_slip"}), "paid"),
    # Adaptation requests only: declined, provided, and a loan given back.
    "decline": (frozenset({"submitted"}), "declined"),
    "provide": (frozenset({"approved"}), "provided"),
    "return_loan": (frozenset({"provided"}), "loan_returned"),
}

EDITABLE: frozenset[Status] = frozenset({"draft", "returned"})
WITHDRAWABLE: frozenset[Status] = TRANSITIONS["withdraw"][0]
DECIDED: frozenset[Status] = frozenset({"approved", "in_run", "on_slip", "paid"})

REFUSALS: dict[Action, str] = {
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


@dataclass(frozen=True)
class TransitionRefused(Exception):
    """The item is not in a state that allows the action; `message` says why in plain words."""

    action: str
    status: str
    message: str

    def __str__(self) -> str:
        return self.message


def next_status(status: str, action: Action) -> Status:
    """The status after `action`, or TransitionRefused when the item's status does not allow it."""
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        raise TransitionRefused(action, status, REFUSALS[action])
    return target


def is_editable(status: str) -> bool:
    return status in EDITABLE
