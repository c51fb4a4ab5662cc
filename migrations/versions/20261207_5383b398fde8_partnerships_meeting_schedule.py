"""partnerships: the last automatic meeting schedule of a forum, kept for review before it is published

Revision ID: 5383b398fde8
Revises: 2dd5d36fa7ca
Create Date: 2026-12-07 04:06:36.723031

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401  (JSONB columns render astext_type=Text())


# revision identifiers, used by Alembic.
revision = '5383b398fde8'
down_revision = '2dd5d36fa7ca'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_schedule',
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('placed', sa.JSON(), nullable=False),
    sa.Column('unplaced', sa.JSON(), nullable=False),
    sa.Column('bound', sa.Integer(), nullable=False),
    sa.Column('favours_sectors', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_meeting_schedule_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('forum_id', name=op.f('pk_meeting_schedule'))
    )


def downgrade():
    op.drop_table('meeting_schedule')
