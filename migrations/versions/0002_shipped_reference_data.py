"""Shipped reference data: mileage rates, example thresholds and expense caps

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from tracker.rates.shipped import EXPENSE_CAPS, MILEAGE_RATES, THRESHOLDS

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    mileage = sa.table(
        "mileage_rates",
        sa.column("vehicle", sa.String),
        sa.column("effective_from", sa.Date),
        sa.column("pence_per_mile", sa.Integer),
        sa.column("threshold_miles", sa.Integer),
        sa.column("pence_after_threshold", sa.Integer),
    )
    thresholds = sa.table(
        "thresholds",
        sa.column("label", sa.String),
        sa.column("purpose", sa.String),
        sa.column("period", sa.String),
        sa.column("amount_pence", sa.BigInteger),
        sa.column("valid_from", sa.Date),
        sa.column("advice", sa.Text),
    )
    caps = sa.table(
        "expense_caps", sa.column("category", sa.String), sa.column("cap_pence", sa.BigInteger)
    )
    op.bulk_insert(
        mileage,
        [{"threshold_miles": None, "pence_after_threshold": None, **row} for row in MILEAGE_RATES],
    )
    op.bulk_insert(thresholds, THRESHOLDS)
    op.bulk_insert(caps, [{"category": k, "cap_pence": v} for k, v in EXPENSE_CAPS.items()])


def downgrade():
    op.execute("DELETE FROM expense_caps")
    op.execute("DELETE FROM thresholds")
    op.execute("DELETE FROM mileage_rates")
