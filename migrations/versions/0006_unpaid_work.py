"""Unpaid work is approved without a rate, at a fee of 0

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

DRAFTS = "status IN ('draft', 'submitted', 'returned', 'withdrawn')"


def upgrade():
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_constraint("approved_snapshot", type_="check")
        batch_op.create_check_constraint(
            "approved_snapshot",
            f"{DRAFTS} OR (fee_pence IS NOT NULL AND approved_at IS NOT NULL "
            "AND (rate_id IS NOT NULL OR fee_pence = 0))",
        )


def downgrade():
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_constraint("approved_snapshot", type_="check")
        batch_op.create_check_constraint(
            "approved_snapshot",
            f"{DRAFTS} OR (fee_pence IS NOT NULL AND rate_id IS NOT NULL "
            "AND approved_at IS NOT NULL)",
        )
