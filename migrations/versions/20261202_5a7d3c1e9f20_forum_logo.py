"""events: a forum's logo

Revision ID: 5a7d3c1e9f20
Revises: 4f1c2a9e7b31
Create Date: 2026-12-02 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a7d3c1e9f20'
down_revision = '4f1c2a9e7b31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_key', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.drop_column('logo_key')
