"""Submit, withdraw, approve, return and decline: one service function each, for every kind.

Each kind adds its own checks through two hooks in its services module (`before_submit`,
`before_approve`); who may act (DESIGN.md §3) and the status change itself are the same for all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from tracker.adaptations import services as adaptations
from tracker.auth.models import User
from tracker.errors import Conflict, TrackerError
from tracker.expenses import services as expenses
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.kinds import ItemKind, kind_of
from tracker.rates.domain import ThresholdWarning
from tracker.timesheets import services as timesheets

Changes = dict[str, tuple[object, object]]


class KindRules(Protocol):
    """A kind's services module: its checks before submitting and approving (which may ask for a
    `decision`, like an expense over its cap) and what approval changes."""

    @property
    def before_submit(self) -> Callable[[Any], list[ThresholdWarning]]: ...

    @property
    def before_approve(self) -> Callable[..., tuple[Changes, list[ThresholdWarning]]]: ...


RULES: dict[ItemKind, KindRules] = {
    ItemKind.TIME: timesheets,
    ItemKind.EXPENSE: expenses,
    ItemKind.ADAPTATION: adaptations,
}


def submit_item(*, actor: User, item: Any) -> list[ThresholdWarning]:
    """Send for approval (refused plainly when the kind's checks fail); returns any benefit
    warnings."""
    lifecycle.check_can_act_for(actor, item)
    warnings = RULES[kind_of(item)].before_submit(item)
    lifecycle.move(item, "submit", actor=actor)
    return warnings


def withdraw_item(*, actor: User, item: Any) -> None:
    """Take back a draft, a submitted item or one sent back: only its contributor or recorder."""
    lifecycle.check_can_act_for(actor, item)
    lifecycle.move(item, "withdraw", actor=actor)


def approve_item(*, actor: User, item: Any, **decision: Any) -> list[ThresholdWarning]:
    """Approve and fix the amount. `decision` is what a kind needs decided (an expense over
    its cap: `at_cap` or `override_reason`). Returns any benefit warnings."""
    lifecycle.check_can_decide(actor, item)
    changes, warnings = RULES[kind_of(item)].before_approve(item, **decision)
    lifecycle.move(item, "approve", actor=actor, changes=changes)
    return warnings


def return_item(*, actor: User, item: Any, reason: str) -> None:
    """Send back with a reason the contributor sees; they can change it and send it again."""
    _decide_with_reason(actor, item, "return", reason, "Say what needs to change.")


def decline_item(*, actor: User, item: Any, reason: str) -> None:
    """Refuse a request, with a reason the contributor sees (adaptation requests only)."""
    if kind_of(item) is not ItemKind.ADAPTATION:
        raise Conflict("Only a request for equipment or support can be declined.")
    _decide_with_reason(actor, item, "decline", reason, "Give a reason the contributor will see.")


def _decide_with_reason(actor: User, item: Any, action: Any, reason: str, ask: str) -> None:
    lifecycle.check_can_decide(actor, item)
    text = reason.strip()
    if not text:
        raise TrackerError(ask, fields={"reason": "Enter a reason"})
    lifecycle.move(item, action, actor=actor, changes={"return_reason": (None, text)})
    item.return_reason = text
