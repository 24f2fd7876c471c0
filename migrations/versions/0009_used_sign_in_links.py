"""used sign-in links: a dashboard support link signs a browser in once

Revision ID: 0009_used_sign_in_links
Revises: 0008_analyses_by_merchant_time
Create Date: 2026-11-24 19:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_used_sign_in_links"
down_revision = "0008_analyses_by_merchant_time"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "used_sign_in_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_used_sign_in_links_merchant_id_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_used_sign_in_links")),
        sa.UniqueConstraint("link_id", name=op.f("uq_used_sign_in_links_link_id")),
    )
    with op.batch_alter_table("used_sign_in_links") as batch_op:
        batch_op.create_index(batch_op.f("ix_used_sign_in_links_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_used_sign_in_links_merchant_id"), ["merchant_id"], unique=False)


def downgrade():
    with op.batch_alter_table("used_sign_in_links") as batch_op:
        batch_op.drop_index(batch_op.f("ix_used_sign_in_links_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_used_sign_in_links_expires_at"))
    op.drop_table("used_sign_in_links")
