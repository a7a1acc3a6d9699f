"""Expense claims: record, receipts, submit, withdraw."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("expenses", __name__, url_prefix="/expenses")
