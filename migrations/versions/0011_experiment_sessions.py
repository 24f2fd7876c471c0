"""experiment sessions: the holdout test's sessions, one row each, so the lift counts rows, not page views

Revision ID: 0011_experiment_sessions
Revises: 0010_analysis_dashboard_facts
Create Date: 2026-11-24 22:50:00

The beacons of each store's running test received before this revision become rows, one INSERT ... SELECT
per store: per session, the group, whether it viewed the storefront and whether it added to cart, and when
it was first seen (ended tests are not counted anywhere, so they get no rows). The events API keeps the rows
up to date from then on (`plugin_api.services.lift_sessions`, whose SQL this copies: a migration stays as
it was written). Reading `events` blocks no writer on PostgreSQL; only the new table is written.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0011_experiment_sessions"
down_revision = "0010_analysis_dashboard_facts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "experiment_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("group", sa.String(length=16), nullable=False),
        sa.Column("viewed", sa.Boolean(), nullable=False),
        sa.Column("added_to_cart", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_experiment_sessions_merchant_id_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiment_sessions")),
        sa.UniqueConstraint(
            "merchant_id",
            "experiment_id",
            "session_id",
            name=op.f("uq_experiment_sessions_merchant_id_experiment_id_session_id"),
        ),
    )
    with op.batch_alter_table("experiment_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_experiment_sessions_merchant_id"), ["merchant_id"], unique=False)
    _backfill()


def _backfill():
    merchants = sa.table("merchants", sa.column("id", sa.Integer()), sa.column("settings", sa.JSON()))
    events = sa.table(
        "events",
        sa.column("merchant_id", sa.Integer()),
        sa.column("session_id", sa.String()),
        sa.column("type", sa.String()),
        sa.column("properties", sa.JSON()),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
    )
    sessions = sa.table(
        "experiment_sessions",
        sa.column("merchant_id", sa.Integer()),
        sa.column("experiment_id", sa.String()),
        sa.column("session_id", sa.String()),
        sa.column("group", sa.String()),
        sa.column("viewed", sa.Boolean()),
        sa.column("added_to_cart", sa.Boolean()),
        sa.column("first_seen_at", sa.DateTime(timezone=True)),
    )
    conn = op.get_bind()
    group = events.c.properties["group"].as_string()

    def seen(kind: str):
        return sa.func.max(sa.case((events.c.type == kind, 1), else_=0)) == 1

    running = conn.execute(
        sa.select(merchants.c.id, merchants.c.settings).where(
            sa.cast(merchants.c.settings, sa.String).contains('"experiment"')
        )
    ).all()
    for merchant_id, settings in running:
        settings = json.loads(settings) if isinstance(settings, str) else settings
        test = (settings or {}).get("experiment")
        if not isinstance(test, dict) or not isinstance(test.get("id"), str):
            continue
        conn.execute(
            sessions.insert().from_select(
                ["merchant_id", "experiment_id", "session_id", "group", "viewed", "added_to_cart", "first_seen_at"],
                sa.select(
                    events.c.merchant_id,
                    sa.literal(test["id"]),
                    events.c.session_id,
                    sa.func.min(group),
                    seen("storefront_view"),
                    seen("store_add_to_cart"),
                    sa.func.min(events.c.occurred_at),
                )
                .where(
                    events.c.merchant_id == merchant_id,
                    events.c.type.in_(("storefront_view", "store_add_to_cart")),
                    events.c.properties["experiment"].as_string() == test["id"],
                    group.in_(("holdout", "exposed")),
                    events.c.session_id.is_not(None),
                )
                .group_by(events.c.merchant_id, events.c.session_id),
            )
        )


def downgrade():
    with op.batch_alter_table("experiment_sessions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_experiment_sessions_merchant_id"))
    op.drop_table("experiment_sessions")
