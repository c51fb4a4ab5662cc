"""registration: partial indexes for a sign-up's two questions (the oldest unconfirmed, the first offer)

Revision ID: e1b7c3d9f5a2
Revises: a3f5c8e2b7d1
Create Date: 2026-12-07 15:30:00

Each sign-up asks for its forum's oldest registration whose e-mail is still unconfirmed, and for the
first waiting-list offer to lapse, to expire them first. Through the forum's indexes PostgreSQL read
every pending registration of the forum to answer the first (1,200 rows a sign-up after 1,200
unconfirmed sign-ups) and every waiting-list entry of every forum for the second; a partial index each
answers with one entry.
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "e1b7c3d9f5a2"
down_revision = "a3f5c8e2b7d1"
branch_labels = None
depends_on = None

UNCONFIRMED = "email_confirmed_at IS NULL AND status IN ('pending', 'waitlisted')"
OFFERED = "offer_expires_at IS NOT NULL"


def upgrade():
    op.create_index(
        "ix_registration_unconfirmed",
        "registration",
        ["forum_id", "created_at"],
        postgresql_where=sa.text(UNCONFIRMED),
        sqlite_where=sa.text(UNCONFIRMED),
    )
    op.create_index(
        "ix_registration_offer",
        "registration",
        ["forum_id", "offer_expires_at"],
        postgresql_where=sa.text(OFFERED),
        sqlite_where=sa.text(OFFERED),
    )


def downgrade():
    op.drop_index("ix_registration_offer", table_name="registration")
    op.drop_index("ix_registration_unconfirmed", table_name="registration")
