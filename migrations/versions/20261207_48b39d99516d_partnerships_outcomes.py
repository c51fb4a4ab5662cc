"""partnerships: what each party says came of a meeting, the partnerships that follow and their history

Revision ID: 48b39d99516d
Revises: 5383b398fde8
Create Date: 2026-12-07 04:16:27.699451

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401  (JSONB columns render astext_type=Text())


# revision identifiers, used by Alembic.
revision = '48b39d99516d'
down_revision = '5383b398fde8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('none', 'keep_in_touch', 'intended', 'signed', name='outcome', native_enum=False, length=16), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_outcome_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_meeting_outcome_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_outcome')),
    sa.UniqueConstraint('meeting_id', 'registration_id', name=op.f('uq_meeting_outcome_meeting_id_registration_id'))
    )
    with op.batch_alter_table('meeting_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_outcome_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_outcome_registration_id'), ['registration_id'], unique=False)

    op.create_table('partnership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('first_party_id', sa.Integer(), nullable=False),
    sa.Column('second_party_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('intended', 'signed', 'active', 'ended', name='partnershipstatus', native_enum=False, length=12), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('province', sa.String(length=40), nullable=True),
    sa.Column('area', sa.Enum('urban', 'rural', name='area', native_enum=False, length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('follow_up_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['first_party_id'], ['registration.id'], name=op.f('fk_partnership_first_party_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_partnership_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_partnership_meeting_id_meeting'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['second_party_id'], ['registration.id'], name=op.f('fk_partnership_second_party_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_partnership_meeting_id'))
    )
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_first_party_id'), ['first_party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_second_party_id'), ['second_party_id'], unique=False)

    op.create_table('partnership_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('intended', 'signed', 'active', 'ended', name='partnershipstatus', native_enum=False, length=12), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['registration.id'], name=op.f('fk_partnership_change_by_id_registration'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_partnership_change_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_change'))
    )
    with op.batch_alter_table('partnership_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_change_partnership_id'), ['partnership_id'], unique=False)



def downgrade():
    with op.batch_alter_table('partnership_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_change_partnership_id'))

    op.drop_table('partnership_change')
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_second_party_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_forum_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_first_party_id'))

    op.drop_table('partnership')
    with op.batch_alter_table('meeting_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_outcome_registration_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_outcome_meeting_id'))

    op.drop_table('meeting_outcome')
