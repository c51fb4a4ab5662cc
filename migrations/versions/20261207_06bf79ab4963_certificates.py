"""messages: attendance certificates (one per person, versioned) and their settings per forum

Revision ID: 06bf79ab4963
Revises: dc77285af7c6
Create Date: 2026-12-07 03:48:44.635068

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '06bf79ab4963'
down_revision = 'dc77285af7c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_settings',
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('layout', sa.Enum('bilingual', 'personal', name='certificatelayout', native_enum=False, length=12), nullable=False),
    sa.Column('signatory', sa.JSON(), nullable=False),
    sa.Column('signature_key', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_certificate_settings_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('forum_id', name=op.f('pk_certificate_settings'))
    )
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('attendance', sa.JSON(), nullable=False),
    sa.Column('file_key', sa.String(length=200), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mailed_version', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_certificate_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_certificate_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_certificate_registration_id'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_forum_id'), ['forum_id'], unique=False)



def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_forum_id'))

    op.drop_table('certificate')
    op.drop_table('certificate_settings')
