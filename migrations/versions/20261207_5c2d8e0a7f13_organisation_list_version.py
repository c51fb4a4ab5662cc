"""organisation: a version of the list that moves with every change to it (triggers)

Revision ID: 5c2d8e0a7f13
Revises: e1b7c3d9f5a2
Create Date: 2026-12-07 19:20:00

The sign-up form keeps its rendered list of the region's organisations while the list is unchanged.
It knew by counting them on every visit (count and highest id), which read every organisation of the
region: at 50,000 organisations the form's page took 17.7 ms against 5.8 with none. A row whose number
the triggers move in the transaction of every insert, update or delete of organisations tells the same
in one row. The triggers make the row again if the table was emptied.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c2d8e0a7f13"
down_revision = "e1b7c3d9f5a2"
branch_labels = None
depends_on = None

# one more, making the row if the table was emptied
BUMP = (
    "INSERT INTO organisation_list_version (id, version) VALUES (1, 1)"
    " ON CONFLICT (id) DO UPDATE SET version = organisation_list_version.version + 1"
)


def upgrade():
    op.create_table(
        "organisation_list_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_list_version")),
    )
    op.execute("INSERT INTO organisation_list_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION organisation_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {BUMP}; RETURN NULL; END $$"
        )
        # once per statement: a merge or an import that changes many organisations moves it once
        op.execute(
            "CREATE TRIGGER organisation_list_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
            " ON organisation FOR EACH STATEMENT EXECUTE FUNCTION organisation_list_changed()"
        )
        return
    for event in ("INSERT", "UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER organisation_list_changed_{event.lower()} AFTER {event} ON organisation"
            f" BEGIN {BUMP}; END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS organisation_list_changed ON organisation")
        op.execute("DROP FUNCTION IF EXISTS organisation_list_changed()")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS organisation_list_changed_{event}")
    op.drop_table("organisation_list_version")
