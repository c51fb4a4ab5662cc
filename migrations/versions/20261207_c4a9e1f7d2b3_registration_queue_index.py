"""registration: the organisers' list read page by page from an index in its order

Revision ID: c4a9e1f7d2b3
Revises: 5c0e7a91d2b4
Create Date: 2026-12-07 06:45:00

The list of registrations was paged with OFFSET and counted whole: page 20 of a forum of 50,000 sorted
every row. It now walks this index from where the previous page ended (a cursor).
"""

import sqlalchemy as sa
from alembic import op

revision = "c4a9e1f7d2b3"
down_revision = "5c0e7a91d2b4"
branch_labels = None
depends_on = None

RANK = "(\nCASE status\n    WHEN 'pending' THEN 0\n    WHEN 'waitlisted' THEN 1\n    ELSE 2\nEND)"
JOINED = "(COALESCE(waitlisted_at, created_at))"


def upgrade():
    op.create_index("ix_registration_queue", "registration", ["forum_id", sa.text(RANK), sa.text(JOINED), "id"])


def downgrade():
    op.drop_index("ix_registration_queue", table_name="registration")
