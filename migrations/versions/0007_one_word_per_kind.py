"""One word per kind of payable item: `time` replaces `fee` on payment lines and `time_entry`
in the audit trail (the events keep their meaning; only the kind's name changes)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ONE_ITEM = (
    "(kind = '{time}' AND time_entry_id IS NOT NULL AND expense_id IS NULL "
    "AND adaptation_id IS NULL) OR "
    "(kind = 'expense' AND expense_id IS NOT NULL AND time_entry_id IS NULL "
    "AND adaptation_id IS NULL) OR "
    "(kind = 'adaptation' AND adaptation_id IS NOT NULL AND time_entry_id IS NULL "
    "AND expense_id IS NULL)"
)


def _rename(old: str, new: str) -> None:
    with op.batch_alter_table("payment_lines", schema=None) as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.drop_constraint("one_item", type_="check")
    op.execute(
        sa.text("UPDATE payment_lines SET kind = :new WHERE kind = :old").bindparams(
            new=new, old=old
        )
    )
    with op.batch_alter_table("payment_lines", schema=None) as batch_op:
        batch_op.create_check_constraint("kind", f"kind IN ('{new}', 'expense', 'adaptation')")
        batch_op.create_check_constraint("one_item", ONE_ITEM.format(time=new))
    audit_old, audit_new = ("time_entry", "time") if new == "time" else ("time", "time_entry")
    # Fixed words only, so the SQL is written out rather than bound.
    start = len(audit_old) + 1
    op.execute(
        f"UPDATE audit_events SET action = '{audit_new}' || substr(action, {start}) "
        f"WHERE entity_type = '{audit_old}' AND action LIKE '{audit_old}.%'"
    )
    op.execute(
        f"UPDATE audit_events SET entity_type = '{audit_new}' WHERE entity_type = '{audit_old}'"
    )


def upgrade():
    _rename("fee", "time")


def downgrade():
    _rename("time", "fee")
