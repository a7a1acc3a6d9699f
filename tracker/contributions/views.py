"""A contributor's own pages: everything they logged, with status in words, and their access needs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contributions", __name__, url_prefix="/my")
