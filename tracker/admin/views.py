"""Admin pages: users, contributors, funds, projects and activity types."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
