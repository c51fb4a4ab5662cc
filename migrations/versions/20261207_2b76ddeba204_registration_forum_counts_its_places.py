"""registration: the forum keeps the count of its places taken, kept right by triggers

Revision ID: 2b76ddeba204
Revises: 7c3e9a1d5b42
Create Date: 2026-12-07 03:40:00.000000

A sign-up used to count the forum's places taken (every registration of the forum) while holding the
forum's lock, so its cost grew with the forum. `forum.places_taken` is that count, kept in the same
transaction as every change of a registration by triggers on `registration`: whatever writes the row
(a service, a bulk statement, an erasure, a forum's deletion) keeps the count right. A place is taken by
a confirmed registration or one that holds a place, outside the team (speakers, exhibitors, organisers):
`Registration.takes_place`. On SQLite, a later migration that rebuilds the `registration` table in batch
mode drops its triggers: it must create them again (tests/registration/test_places.py checks they exist).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2b76ddeba204'
down_revision = '7c3e9a1d5b42'
branch_labels = None
depends_on = None


def _takes(row: str) -> str:
    """1 when the row (OLD or NEW) takes one of its forum's places, else 0 (Registration.takes_place)."""
    return (
        f"(CASE WHEN ({row}.status = 'confirmed' OR {row}.holds_place)"
        f" AND {row}.category NOT IN ('speaker', 'exhibitor', 'organiser') THEN 1 ELSE 0 END)"
    )


POSTGRESQL = [
    f"""
    CREATE FUNCTION registration_places_taken() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        before integer := 0;
        after integer := 0;
    BEGIN
        IF TG_OP <> 'INSERT' THEN before := {_takes('OLD')}; END IF;
        IF TG_OP <> 'DELETE' THEN after := {_takes('NEW')}; END IF;
        IF TG_OP = 'UPDATE' AND OLD.forum_id = NEW.forum_id THEN
            IF after <> before THEN
                UPDATE forum SET places_taken = places_taken + after - before WHERE id = NEW.forum_id;
            END IF;
            RETURN NULL;
        END IF;
        IF before <> 0 THEN
            UPDATE forum SET places_taken = places_taken - before WHERE id = OLD.forum_id;
        END IF;
        IF after <> 0 THEN
            UPDATE forum SET places_taken = places_taken + after WHERE id = NEW.forum_id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER registration_places_taken
    AFTER INSERT OR DELETE OR UPDATE OF status, holds_place, category, forum_id ON registration
    FOR EACH ROW EXECUTE FUNCTION registration_places_taken()
    """,
]

SQLITE = [
    f"""
    CREATE TRIGGER registration_places_taken_insert AFTER INSERT ON registration
    WHEN {_takes('NEW')} = 1
    BEGIN
        UPDATE forum SET places_taken = places_taken + 1 WHERE id = NEW.forum_id;
    END
    """,
    f"""
    CREATE TRIGGER registration_places_taken_delete AFTER DELETE ON registration
    WHEN {_takes('OLD')} = 1
    BEGIN
        UPDATE forum SET places_taken = places_taken - 1 WHERE id = OLD.forum_id;
    END
    """,
    f"""
    CREATE TRIGGER registration_places_taken_update
    AFTER UPDATE OF status, holds_place, category, forum_id ON registration
    WHEN {_takes('OLD')} <> {_takes('NEW')} OR OLD.forum_id <> NEW.forum_id
    BEGIN
        UPDATE forum SET places_taken = places_taken - {_takes('OLD')} WHERE id = OLD.forum_id;
        UPDATE forum SET places_taken = places_taken + {_takes('NEW')} WHERE id = NEW.forum_id;
    END
    """,
]

DROP = {
    "postgresql": [
        "DROP TRIGGER registration_places_taken ON registration",
        "DROP FUNCTION registration_places_taken()",
    ],
    # a later migration that rebuilds the table in batch mode drops its triggers on SQLite: they may be gone
    "sqlite": [
        "DROP TRIGGER IF EXISTS registration_places_taken_insert",
        "DROP TRIGGER IF EXISTS registration_places_taken_delete",
        "DROP TRIGGER IF EXISTS registration_places_taken_update",
    ],
}


def upgrade():
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.add_column(sa.Column('places_taken', sa.Integer(), server_default='0', nullable=False))
    # the forums already taking registrations start from their recount
    op.execute(
        "UPDATE forum SET places_taken = (SELECT count(*) FROM registration"
        " WHERE registration.forum_id = forum.id"
        " AND (registration.status = 'confirmed' OR registration.holds_place)"
        " AND registration.category NOT IN ('speaker', 'exhibitor', 'organiser'))"
    )
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    for statement in DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.drop_column('places_taken')
