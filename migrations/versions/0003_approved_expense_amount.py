"""Expense claims keep the amount fixed at approval

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("expense_claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_pence", sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint("approved", "approved_pence IS NULL OR approved_pence >= 0")
        batch_op.create_check_constraint(
            "approved_amount",
            "status IN ('draft', 'submitted', 'returned', 'withdrawn') OR "
            "(approved_pence IS NOT NULL AND approved_at IS NOT NULL)",
        )


def downgrade():
    with op.batch_alter_table("expense_claims", schema=None) as batch_op:
        batch_op.drop_constraint("approved_amount", type_="check")
        batch_op.drop_constraint("approved", type_="check")
        batch_op.drop_column("approved_pence")
