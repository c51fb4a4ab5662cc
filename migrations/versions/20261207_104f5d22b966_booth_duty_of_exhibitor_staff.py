"""partnerships: booth duty of exhibitor staff (when a staff member keeps the booth, they meet people there only)

Revision ID: 104f5d22b966
Revises: b7e2f05c1d38
Create Date: 2026-12-07 06:35:51

"""

import sqlalchemy as sa
from alembic import op

revision = "104f5d22b966"
down_revision = "b7e2f05c1d38"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "booth_duty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_booth_duty_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_booth_duty_forum_id_forum"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["exhibitor_staff.id"], name=op.f("fk_booth_duty_staff_id_exhibitor_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booth_duty")),
    )
    with op.batch_alter_table("booth_duty", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booth_duty_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booth_duty_staff_id"), ["staff_id"], unique=False)


def downgrade():
    with op.batch_alter_table("booth_duty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booth_duty_staff_id"))
        batch_op.drop_index(batch_op.f("ix_booth_duty_forum_id"))
    op.drop_table("booth_duty")
