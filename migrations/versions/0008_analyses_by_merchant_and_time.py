"""analyses by merchant and time: the merchant dashboard reads one store's analyses of a period

Revision ID: 0008_analyses_by_merchant_time
Revises: 0007_analysis_language
Create Date: 2026-11-24 17:10:00

"""

from alembic import op

revision = "0008_analyses_by_merchant_time"
down_revision = "0007_analysis_language"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_analyses_merchant_queued_at", "analyses", ["merchant_id", "queued_at"])


def downgrade():
    op.drop_index("ix_analyses_merchant_queued_at", table_name="analyses")
