"""analysis language: the language the recommendations' reasons are written in

Revision ID: 0007_analysis_language
Revises: 0006_pending_installs
Create Date: 2026-11-24 07:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_analysis_language"
down_revision = "0006_pending_installs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("analyses") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("analyses") as batch_op:
        batch_op.drop_column("language")
