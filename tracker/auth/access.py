"""Every route declares who may use it; `enforce_access` refuses any route that does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tracker.errors import Forbidden

if TYPE_CHECKING:
    from tracker.auth.models import User

PUBLIC = "public"
SIGNED_IN = "signed_in"

F = TypeVar("F", bound=Callable[..., Any])


def access(*rules: str) -> Callable[[F], F]:
    """Declare the access rule of a view: PUBLIC, SIGNED_IN, or the roles that may use it."""
    if not rules:
        raise ValueError("name at least one rule")

    def decorate(view: F) -> F:
        view.access_rule = frozenset(rules)  # type: ignore[attr-defined]
        return view

    return decorate


def rule_of(view: Callable[..., Any]) -> frozenset[str] | None:
    return getattr(view, "access_rule", None)


def require_role(actor: User | None, *roles: str, allow_command_line: bool = False) -> None:
    """Services call this, so that no route, API endpoint or command can skip the role check.

    `None` is the command line acting as the installation's operator; only services that say
    `allow_command_line` (making the first account) accept it."""
    if actor is None:
        if allow_command_line:
            return
        raise Forbidden("This needs a person signed in with the right role.")
    if not actor.has_role(*roles):
        raise Forbidden("Your roles do not allow this.")
