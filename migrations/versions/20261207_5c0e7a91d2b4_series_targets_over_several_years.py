"""series: a target counted over several years (associations reached from 2022 to 2026)

Revision ID: 5c0e7a91d2b4
Revises: b7e2f05c1d38
Create Date: 2026-12-07 06:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5c0e7a91d2b4"
down_revision = "b7e2f05c1d38"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("series_target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_year", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("from_year_not_after_year", "from_year IS NULL OR from_year <= year")


def downgrade():
    with op.batch_alter_table("series_target", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_series_target_from_year_not_after_year"), type_="check")
        batch_op.drop_column("from_year")
