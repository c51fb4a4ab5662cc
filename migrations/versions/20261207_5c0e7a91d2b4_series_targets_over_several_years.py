"""series: a target counted over several years (associations reached from 2022 to 2026); the
participants' organisations per forum indexed for the associations reached

Revision ID: 5c0e7a91d2b4
Revises: 104f5d22b966
Create Date: 2026-12-07 06:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5c0e7a91d2b4"
down_revision = "104f5d22b966"
branch_labels = None
depends_on = None

#: a confirmed registration outside the team (registration.models.PARTICIPANT_CONDITION)
PARTICIPANT = "status = 'confirmed' AND category NOT IN ('speaker', 'exhibitor', 'organiser')"


def upgrade():
    with op.batch_alter_table("series_target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_year", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("from_year_not_after_year", "from_year IS NULL OR from_year <= year")
    op.create_index(
        "ix_registration_participant_organisation",
        "registration",
        ["organisation_id", "forum_id"],
        postgresql_where=sa.text(PARTICIPANT),
        sqlite_where=sa.text(PARTICIPANT),
    )


def downgrade():
    op.drop_index("ix_registration_participant_organisation", table_name="registration")
    with op.batch_alter_table("series_target", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_series_target_from_year_not_after_year"), type_="check")
        batch_op.drop_column("from_year")
