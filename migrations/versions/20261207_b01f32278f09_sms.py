"""messages: SMS as a second channel (the people who agreed to receive them)

Revision ID: b01f32278f09
Revises: b6676bb48df3
Create Date: 2026-12-07 04:07:18.375822

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b01f32278f09'
down_revision = 'b6676bb48df3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('message_sms_consent',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_message_sms_consent_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_message_sms_consent'))
    )


def downgrade():
    op.drop_table('message_sms_consent')
