"""checkin: lists keep how many are inside now

Revision ID: 4f1c2a9e7b31
Revises: b32d611aff9d
Create Date: 2026-12-02 00:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f1c2a9e7b31'
down_revision = 'b32d611aff9d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkin_list', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inside', sa.Integer(), server_default='0', nullable=False))
    # the lists already in use start from their recount: live admissions not gone out
    op.execute(
        "UPDATE checkin_list SET inside = (SELECT count(*) FROM checkin_admission"
        " WHERE checkin_admission.list_id = checkin_list.id"
        " AND checkin_admission.undone_at IS NULL AND checkin_admission.is_inside)"
    )


def downgrade():
    with op.batch_alter_table('checkin_list', schema=None) as batch_op:
        batch_op.drop_column('inside')
