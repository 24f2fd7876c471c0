"""analysis dashboard facts: what the merchant dashboard counts, in columns instead of parsed from each result

Revision ID: 0010_analysis_dashboard_facts
Revises: 0009_used_sign_in_links
Create Date: 2026-11-24 22:10:00

Existing finished analyses get their facts from their stored result, in batches (analyses are purged after
the retention period, so there are at most that many days of them). The extraction is the app's own
(`plugin_api.services.analysis_facts.facts_from_result`, a pure function of the result), so the backfilled
rows count exactly as new ones will.
"""

import json

import sqlalchemy as sa
from alembic import op

from plugin_api.services.analysis_facts import facts_from_result

revision = "0010_analysis_dashboard_facts"
down_revision = "0009_used_sign_in_links"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    with op.batch_alter_table("analyses") as batch_op:
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
    _backfill()


def _backfill():
    analyses = sa.table(
        "analyses",
        sa.column("id", sa.Uuid()),
        sa.column("merchant_id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("queued_at", sa.DateTime(timezone=True)),
        sa.column("result", sa.Text()),
        sa.column("shown_monk", sa.SmallInteger()),
        sa.column("shown_undertone", sa.String()),
        sa.column("face_shape", sa.String()),
        sa.column("closest_shade_delta_e", sa.Float()),
    )
    shown = sa.table(
        "shown_recommendations",
        sa.column("analysis_id", sa.Uuid()),
        sa.column("merchant_id", sa.Integer()),
        sa.column("queued_at", sa.DateTime(timezone=True)),
        sa.column("product_id", sa.String()),
        sa.column("category", sa.String()),
        sa.column("title", sa.String()),
    )
    conn = op.get_bind()
    after = None
    while True:
        query = (
            sa.select(analyses.c.id, analyses.c.merchant_id, analyses.c.queued_at, analyses.c.result)
            .where(analyses.c.status == "done", analyses.c.result.is_not(None))
            .order_by(analyses.c.id)
            .limit(BATCH)
        )
        if after is not None:
            query = query.where(analyses.c.id > after)
        rows = conn.execute(query).all()
        if not rows:
            return
        recommendations = []
        for analysis_id, merchant_id, queued_at, raw in rows:
            facts = facts_from_result(json.loads(raw) if isinstance(raw, str) else raw)
            conn.execute(
                analyses.update()
                .where(analyses.c.id == analysis_id)
                .values(
                    shown_monk=facts.shown_monk,
                    shown_undertone=facts.shown_undertone,
                    face_shape=facts.face_shape,
                    closest_shade_delta_e=facts.closest_shade_delta_e,
                )
            )
            recommendations += [
                {
                    "analysis_id": analysis_id,
                    "merchant_id": merchant_id,
                    "queued_at": queued_at,
                    "product_id": rec.product_id,
                    "category": rec.category,
                    "title": rec.title,
                }
                for rec in facts.recommendations
            ]
        if recommendations:
            conn.execute(shown.insert(), recommendations)
        after = rows[-1][0]


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
