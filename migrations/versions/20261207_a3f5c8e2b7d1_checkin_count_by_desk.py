"""checkin: a list's count of who is inside kept in one part per desk

Revision ID: a3f5c8e2b7d1
Revises: 7c2d4e9f1a63
Create Date: 2026-12-07 13:00:00

`checkin_list.inside` was one row that every welcome, exit and undo on the list updated, so each
welcome waited for the one before it, at any desk, to commit. Each desk now moves its own part,
`checkin_list_count` (list, desk; 0 for changes made with no desk), and the list's count is the sum
of its parts. Existing counts become the part of desk 0.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a3f5c8e2b7d1"
down_revision = "7c2d4e9f1a63"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "checkin_list_count",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("desk_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("inside", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["checkin_list.id"], name=op.f("fk_checkin_list_count_list_id_checkin_list"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("list_id", "desk_key", name=op.f("pk_checkin_list_count")),
    )
    op.execute(
        "INSERT INTO checkin_list_count (list_id, desk_key, inside)"
        " SELECT id, 0, inside FROM checkin_list WHERE inside <> 0"
    )
    with op.batch_alter_table("checkin_list", schema=None) as batch_op:
        batch_op.drop_column("inside")


def downgrade():
    with op.batch_alter_table("checkin_list", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inside", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE checkin_list SET inside = (SELECT COALESCE(SUM(inside), 0) FROM checkin_list_count"
        " WHERE checkin_list_count.list_id = checkin_list.id)"
    )
    op.drop_table("checkin_list_count")
