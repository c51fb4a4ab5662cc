"""checkin: rehearsal twins of lists, offline answers of synced scans; badges: the scheme of a forum's codes (HMAC or Ed25519)

Revision ID: c2c3342a3a69
Revises: 4eadfab9b919
Create Date: 2026-12-07 03:27:09.438179

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2c3342a3a69'
down_revision = '4eadfab9b919'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('badge_settings',
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.Enum('hmac', 'ed25519', name='badgescheme', native_enum=False, length=10), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_badge_settings_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('forum_id', name=op.f('pk_badge_settings'))
    )
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offline_reason', sa.String(length=30), nullable=True))
    with op.batch_alter_table('checkin_list', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_rehearsal', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_checkin_list_session_id'), type_='unique')
        batch_op.drop_index('uq_checkin_list_entrance_day')
        batch_op.create_index('uq_checkin_list_entrance_day', ['forum_id', 'day', 'is_rehearsal'], unique=True, postgresql_where=sa.text("kind = 'entrance'"), sqlite_where=sa.text("kind = 'entrance'"))
        batch_op.create_unique_constraint(batch_op.f('uq_checkin_list_session_id_is_rehearsal'), ['session_id', 'is_rehearsal'])



def downgrade():
    # rehearsal twins would break the one-list-per-session constraint restored below
    op.execute("DELETE FROM checkin_list WHERE is_rehearsal")
    with op.batch_alter_table('checkin_list', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_checkin_list_session_id_is_rehearsal'), type_='unique')
        batch_op.drop_index('uq_checkin_list_entrance_day', postgresql_where=sa.text("kind = 'entrance'"), sqlite_where=sa.text("kind = 'entrance'"))
        batch_op.create_index(batch_op.f('uq_checkin_list_entrance_day'), ['forum_id', 'day'], unique=True, postgresql_where=sa.text("kind = 'entrance'"), sqlite_where=sa.text("kind = 'entrance'"))
        batch_op.create_unique_constraint(batch_op.f('uq_checkin_list_session_id'), ['session_id'])
        batch_op.drop_column('is_rehearsal')

    op.drop_table('badge_settings')
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.drop_column('offline_reason')
