"""messages: materials, files attached to programme sessions (slides, studies, photos, summaries)

Revision ID: 96db803257fc
Revises: b01f32278f09
Create Date: 2026-12-07 04:44:33.054041

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '96db803257fc'
down_revision = 'b01f32278f09'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('slides', 'document', 'photo', 'summary', name='materialkind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_material_size_positive')),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_material_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_material_session_id_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_material_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material'))
    )
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_session_id'))
        batch_op.drop_index(batch_op.f('ix_material_forum_id'))

    op.drop_table('material')
