"""Minimum shares per category in the registration settings

Revision ID: a4d1c7e93b20
Revises: 96db803257fc
Create Date: 2026-12-07 05:25:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a4d1c7e93b20"
down_revision = "96db803257fc"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registration_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category_minimums", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("registration_settings", schema=None) as batch_op:
        batch_op.drop_column("category_minimums")
