"""partnerships: profiles (offers and needs), meeting slots, places, requests and meetings; exhibitors' offers
and needs move to the one shared list ("csr" becomes "in_kind")

Revision ID: 2dd5d36fa7ca
Revises: c2c3342a3a69
Create Date: 2026-12-07 03:31:20.968822

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401  (JSONB columns render astext_type=Text())
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '2dd5d36fa7ca'
down_revision = 'c2c3342a3a69'
branch_labels = None
depends_on = None


#: today's exhibitor values that the shared list names differently (the others keep their value)
RENAMED = {"csr": "in_kind"}
OLD_VALUES = {"funding", "skills", "csr", "equipment", "training"}


def _recode(change):
    exhibitor = sa.table("exhibitor", sa.column("id", sa.Integer), sa.column("offers", sa.JSON), sa.column("seeks", sa.JSON))
    bind = op.get_bind()
    for row in bind.execute(sa.select(exhibitor.c.id, exhibitor.c.offers, exhibitor.c.seeks)).all():
        offers, seeks = change(row.offers or []), change(row.seeks or [])
        if offers != (row.offers or []) or seeks != (row.seeks or []):
            bind.execute(exhibitor.update().where(exhibitor.c.id == row.id).values(offers=offers, seeks=seeks))


def _forward(values):
    return list(dict.fromkeys(RENAMED.get(v, v) for v in values))


def _backward(values):
    back = {new: old for old, new in RENAMED.items()}
    return list(dict.fromkeys(back.get(v, v) for v in values if back.get(v, v) in OLD_VALUES))


def upgrade():
    _recode(_forward)
    op.create_table('meeting_settings',
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('booking_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('booking_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_meetings', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_meeting_settings_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('forum_id', name=op.f('pk_meeting_settings'))
    )
    op.create_table('meeting_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meeting_slot_ends_after_start')),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_meeting_slot_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_slot')),
    sa.UniqueConstraint('forum_id', 'starts_at', name=op.f('uq_meeting_slot_forum_id_starts_at'))
    )
    with op.batch_alter_table('meeting_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_slot_forum_id'), ['forum_id'], unique=False)

    op.create_table('meeting_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'withdrawn', name='requeststatus', native_enum=False, length=12), nullable=False),
    sa.Column('is_important', sa.Boolean(), nullable=False),
    sa.Column('decline_reason', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('requester_id <> recipient_id', name=op.f('ck_meeting_request_not_oneself')),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_meeting_request_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['registration.id'], name=op.f('fk_meeting_request_recipient_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_id'], ['registration.id'], name=op.f('fk_meeting_request_requester_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_request')),
    sa.UniqueConstraint('requester_id', 'recipient_id', name=op.f('uq_meeting_request_requester_id_recipient_id'))
    )
    with op.batch_alter_table('meeting_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_request_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_request_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_request_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_request_status'), ['status'], unique=False)

    op.create_table('partnership_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('offers', sa.JSON(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('provinces', sa.JSON(), nullable=False),
    sa.Column('pitch', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('is_open_to_meetings', sa.Boolean(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('project_title', sa.String(length=200), nullable=True),
    sa.Column('project_summary', sa.Text(), nullable=True),
    sa.Column('project_amount', sa.Integer(), nullable=True),
    sa.Column('project_beneficiaries', sa.Integer(), nullable=True),
    sa.Column('project_province', sa.String(length=40), nullable=True),
    sa.Column('project_area', sa.Enum('urban', 'rural', name='area', native_enum=False, length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_partnership_profile_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_partnership_profile_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_profile')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_partnership_profile_registration_id'))
    )
    with op.batch_alter_table('partnership_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_profile_forum_id'), ['forum_id'], unique=False)

    op.create_table('meeting_place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('table', 'booth', name='placekind', native_enum=False, length=10), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('booth_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['booth_id'], ['booth.id'], name=op.f('fk_meeting_place_booth_id_booth'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_meeting_place_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_place')),
    sa.UniqueConstraint('booth_id', name=op.f('uq_meeting_place_booth_id')),
    sa.UniqueConstraint('forum_id', 'kind', 'label', name=op.f('uq_meeting_place_forum_id_kind_label'))
    )
    with op.batch_alter_table('meeting_place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_place_forum_id'), ['forum_id'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_meeting_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['meeting_place.id'], name=op.f('fk_meeting_place_id_meeting_place'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['meeting_request.id'], name=op.f('fk_meeting_request_id_meeting_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['meeting_slot.id'], name=op.f('fk_meeting_slot_id_meeting_slot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('id', 'slot_id', name=op.f('uq_meeting_id_slot_id')),
    sa.UniqueConstraint('request_id', name=op.f('uq_meeting_request_id')),
    sa.UniqueConstraint('slot_id', 'place_id', name=op.f('uq_meeting_slot_id_place_id'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_slot_id'), ['slot_id'], unique=False)

    op.create_table('meeting_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id', 'slot_id'], ['meeting.id', 'meeting.slot_id'], name='fk_participant_meeting', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_meeting_participant_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_participant')),
    sa.UniqueConstraint('slot_id', 'registration_id', name=op.f('uq_meeting_participant_slot_id_registration_id'))
    )
    with op.batch_alter_table('meeting_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_participant_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_participant_registration_id'), ['registration_id'], unique=False)



def downgrade():
    _recode(_backward)
    with op.batch_alter_table('meeting_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_participant_registration_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_participant_meeting_id'))

    op.drop_table('meeting_participant')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_slot_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_place_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_forum_id'))

    op.drop_table('meeting')
    with op.batch_alter_table('meeting_place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_place_forum_id'))

    op.drop_table('meeting_place')
    with op.batch_alter_table('partnership_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_profile_forum_id'))

    op.drop_table('partnership_profile')
    with op.batch_alter_table('meeting_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_request_status'))
        batch_op.drop_index(batch_op.f('ix_meeting_request_requester_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_request_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_request_forum_id'))

    op.drop_table('meeting_request')
    with op.batch_alter_table('meeting_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_slot_forum_id'))

    op.drop_table('meeting_slot')
    op.drop_table('meeting_settings')
