"""Slips keep the date and bank reference of their payment

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payment_slips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paid_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("payment_reference", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("payment_slips", schema=None) as batch_op:
        batch_op.drop_column("payment_reference")
        batch_op.drop_column("paid_on")
