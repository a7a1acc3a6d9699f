"""Helpers for the API tests: bearer headers and the error shape."""

from __future__ import annotations

from typing import Any

from tracker.auth.models import User
from tracker.auth.services import create_api_token
from tracker.extensions import db


def bearer(user: User) -> dict[str, str]:
    """Headers carrying a new API token for `user`."""
    _, raw = create_api_token(user=user, name="tests")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def error_of(response: Any, status: int) -> dict[str, Any]:
    """Check the status and the JSON error shape; return the error object."""
    assert response.status_code == status, response.text
    assert response.is_json
    error = response.json["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error
