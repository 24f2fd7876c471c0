"""product description and attributes: the store's own words about a product, for its category and size

Revision ID: 0013_product_description
Revises: 0012_event_retention
Create Date: 2026-11-25 07:40:00

Spec tables in descriptions ("Lens width 52 mm, bridge 18 mm") and spec attributes (WooCommerce's "Frame
size", Magento's `lens_width`) are often the only place a store gives a frame's size. Existing rows get them
on their next sync.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_product_description"
down_revision = "0012_event_retention"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("products") as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("attributes", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_column("attributes")
        batch_op.drop_column("description")
