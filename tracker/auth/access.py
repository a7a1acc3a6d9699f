"""Every route declares who may use it; `enforce_access` refuses any route that does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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
