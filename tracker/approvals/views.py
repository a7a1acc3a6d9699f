"""Coordinators decide: the approval queue, approve, return, bulk approve, adaptations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("approvals", __name__, url_prefix="/approvals")
