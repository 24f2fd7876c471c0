"""event retention: indexes by time for the hourly purge of old beacons and webhook receipts

Revision ID: 0012_event_retention
Revises: 0011_experiment_sessions
Create Date: 2026-11-24 23:20:00

On a large PostgreSQL `events` table, building the index blocks writes to it while it is built; run this
revision in a quiet hour (or create `ix_events_occurred_at` beforehand with CREATE INDEX CONCURRENTLY, which
this revision then skips).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_event_retention"
down_revision = "0011_experiment_sessions"
branch_labels = None
depends_on = None


def _has_index(table: str, name: str) -> bool:
    return any(ix["name"] == name for ix in sa.inspect(op.get_bind()).get_indexes(table))


def upgrade():
    if not _has_index("events", "ix_events_occurred_at"):
        with op.batch_alter_table("events") as batch_op:
            batch_op.create_index("ix_events_occurred_at", ["occurred_at"], unique=False)
    with op.batch_alter_table("webhook_receipts") as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_receipts_received_at"), ["received_at"], unique=False)


def downgrade():
    with op.batch_alter_table("webhook_receipts") as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_receipts_received_at"))
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_index("ix_events_occurred_at")
