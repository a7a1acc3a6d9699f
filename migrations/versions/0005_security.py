"""Security: second-factor secrets encrypted, codes work once, recovery codes, token expiry,
who last changed and submitted each item, sheets imported once, and the audit's non-user actors

Revision ID: 0005
Revises: 0004
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import tracker.extensions

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ITEM_TABLES = ("time_entries", "expense_claims", "adaptation_requests")
TOKEN_DAYS = 90


def _rewrite_secrets(change):
    """Apply `change` (encrypt or decrypt) to every stored second-factor secret."""
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.Text))
    bind = op.get_bind()
    for user_id, secret in bind.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all():
        bind.execute(users.update().where(users.c.id == user_id).values(totp_secret=change(secret)))


def upgrade():
    from tracker import crypto

    op.create_table(
        "imported_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", tracker.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_imported_sheets_imported_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_sheets")),
        sa.UniqueConstraint("digest", name=op.f("uq_imported_sheets_digest")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", tracker.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", tracker.extensions.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_recovery_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_codes_code_hash")),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)

    for table in ITEM_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("last_changed_by_id", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("submitted_by_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_last_changed_by_id_users"),
                "users",
                ["last_changed_by_id"],
                ["id"],
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_submitted_by_id_users"),
                "users",
                ["submitted_by_id"],
                ["id"],
            )
        # Until now only the recorder could change an item's details; who submitted is unknown.
        op.execute(f"UPDATE {table} SET last_changed_by_id = recorded_by_id")  # noqa: S608

    # Existing tokens expire 90 days after they were made.
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", tracker.extensions.UTCDateTime(timezone=True), nullable=True)
        )
    tokens = sa.table(
        "api_tokens",
        sa.column("id", sa.Integer),
        sa.column("created_at", tracker.extensions.UTCDateTime(timezone=True)),
        sa.column("expires_at", tracker.extensions.UTCDateTime(timezone=True)),
    )
    bind = op.get_bind()
    for token_id, created in bind.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        bind.execute(
            tokens.update()
            .where(tokens.c.id == token_id)
            .values(expires_at=created + timedelta(days=TOKEN_DAYS))
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at",
            existing_type=tracker.extensions.UTCDateTime(timezone=True),
            nullable=False,
        )

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_label", sa.String(length=40), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        batch_op.alter_column(
            "totp_secret",
            existing_type=sa.VARCHAR(length=64),
            type_=sa.Text(),
            existing_nullable=True,
        )
    _rewrite_secrets(crypto.encrypt)


def downgrade():
    from tracker import crypto

    _rewrite_secrets(crypto.decrypt)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=64),
            existing_nullable=True,
        )
        batch_op.drop_column("totp_last_step")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("actor_label")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")

    for table in ITEM_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_submitted_by_id_users"), type_="foreignkey"
            )
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_last_changed_by_id_users"), type_="foreignkey"
            )
            batch_op.drop_column("submitted_by_id")
            batch_op.drop_column("last_changed_by_id")

    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_codes_user_id"))
    op.drop_table("recovery_codes")
    op.drop_table("imported_sheets")
