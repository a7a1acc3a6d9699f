"""Equipment and adaptation requests: ask, edit, submit, withdraw."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("adaptations", __name__, url_prefix="/adaptations")
