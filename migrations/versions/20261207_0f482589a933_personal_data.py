"""privacy: versioned consent wordings, erased registrations, a retention period per forum

Revision ID: 0f482589a933
Revises: ccf446245a5e
Create Date: 2026-12-07 03:52:24.141866

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0f482589a933'
down_revision = 'ccf446245a5e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_text')),
    sa.UniqueConstraint('digest', name=op.f('uq_consent_text_digest'))
    )
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('personal_data_purged_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_text_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registration_consent_text_id_consent_text'), 'consent_text', ['consent_text_id'], ['id'], ondelete='RESTRICT')



def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_consent_text_id_consent_text'), type_='foreignkey')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('consent_text_id')

    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.drop_column('personal_data_purged_at')
        batch_op.drop_column('retention_days')

    op.drop_table('consent_text')
