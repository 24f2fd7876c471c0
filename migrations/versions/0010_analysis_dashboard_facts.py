"""analysis dashboard facts: what the merchant dashboard counts, in columns instead of parsed from each result

Revision ID: 0010_analysis_dashboard_facts
Revises: 0009_used_sign_in_links
Create Date: 2026-11-24 22:10:00

Schema only, so the upgrade holds its locks for moments (nullable columns and a default need no rewrite on
PostgreSQL). Analyses finished before (or by processes still on older code) have `facts_recorded` false;
the maintenance job `record_missing_facts` fills them in batches, each its own transaction, after the new
code is live (`flask facet catch-up` runs it at once).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_analysis_dashboard_facts"
down_revision = "0009_used_sign_in_links"
branch_labels = None
depends_on = None

def upgrade():
    with op.batch_alter_table("analyses") as batch_op:
        batch_op.add_column(
            sa.Column("facts_recorded", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("shown_monk", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("shown_undertone", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("face_shape", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("closest_shade_delta_e", sa.Float(), nullable=True))
    op.create_table(
        "shown_recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("analysis_id", sa.Uuid(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("product_id", sa.String(length=255), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analyses.id"],
            name=op.f("fk_shown_recommendations_analysis_id_analyses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_shown_recommendations_merchant_id_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shown_recommendations")),
    )
    with op.batch_alter_table("shown_recommendations") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shown_recommendations_analysis_id"), ["analysis_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shown_recommendations_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index(
            "ix_shown_recommendations_merchant_queued_at", ["merchant_id", "queued_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("shown_recommendations") as batch_op:
        batch_op.drop_index("ix_shown_recommendations_merchant_queued_at")
        batch_op.drop_index(batch_op.f("ix_shown_recommendations_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_shown_recommendations_analysis_id"))
    op.drop_table("shown_recommendations")
    with op.batch_alter_table("analyses") as batch_op:
        batch_op.drop_column("closest_shade_delta_e")
        batch_op.drop_column("face_shape")
        batch_op.drop_column("shown_undertone")
        batch_op.drop_column("shown_monk")
        batch_op.drop_column("facts_recorded")
