"""Logging time: for yourself, or on behalf of a contributor of your project."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("timesheets", __name__, url_prefix="/time")
