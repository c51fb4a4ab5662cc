"""checkin: no index on the time of a scan or of an admission

Revision ID: 7c2d4e9f1a63
Revises: 5b1e0c7a9d42
Create Date: 2026-12-07 12:40:00

Every welcome wrote an entry into `ix_checkin_at` and `ix_checkin_admission_admitted_at`, and no
statement reads either: the trail is read by forum, list, desk or person (their own indexes), the
arrivals chart by a list's admissions. Two index writes fewer on the entrance's hottest statement.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "7c2d4e9f1a63"
down_revision = "5b1e0c7a9d42"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_checkin_at", table_name="checkin")
    op.drop_index("ix_checkin_admission_admitted_at", table_name="checkin_admission")


def downgrade():
    op.create_index("ix_checkin_admission_admitted_at", "checkin_admission", ["admitted_at"], unique=False)
    op.create_index("ix_checkin_at", "checkin", ["at"], unique=False)
