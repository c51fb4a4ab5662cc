"""registration, recommendations: the counters' triggers again after batch rebuilds (SQLite)

Revision ID: 46fe091bfc20
Revises: 5c2d8e0a7f13
Create Date: 2026-12-07 05:05:00.000000

On SQLite, a migration that rebuilds `registration`, `endorsement` or `recommendation` in batch mode
(a foreign key added, for one) drops the triggers that keep `forum.places_taken`, the forum's shares
of its confirmed, `recommendation.support_count` and `recommendation_tally` (2b76ddeba204,
d8b3a6c1e5f4, e6a6b06c94a8, 98ad23be3315).
This one, kept last, creates any that is missing and recounts the counters from the rows. PostgreSQL
keeps its triggers through such changes: nothing to do there. A later migration that rebuilds one of
these tables on SQLite does the same (a test checks the triggers).
"""
import importlib.util
from pathlib import Path

from alembic import op


# revision identifiers, used by Alembic.
revision = '46fe091bfc20'
down_revision = '5c2d8e0a7f13'
branch_labels = None
depends_on = None


def _takes(row: str) -> str:
    """1 when the row (OLD or NEW) takes one of its forum's places, else 0 (Registration.takes_place)."""
    return (
        f"(CASE WHEN ({row}.status = 'confirmed' OR {row}.holds_place)"
        f" AND {row}.category NOT IN ('speaker', 'exhibitor', 'organiser') THEN 1 ELSE 0 END)"
    )


SQLITE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS registration_places_taken_insert AFTER INSERT ON registration
    WHEN {_takes('NEW')} = 1
    BEGIN
        UPDATE forum SET places_taken = places_taken + 1 WHERE id = NEW.forum_id;
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS registration_places_taken_delete AFTER DELETE ON registration
    WHEN {_takes('OLD')} = 1
    BEGIN
        UPDATE forum SET places_taken = places_taken - 1 WHERE id = OLD.forum_id;
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS registration_places_taken_update
    AFTER UPDATE OF status, holds_place, category, forum_id ON registration
    WHEN {_takes('OLD')} <> {_takes('NEW')} OR OLD.forum_id <> NEW.forum_id
    BEGIN
        UPDATE forum SET places_taken = places_taken - {_takes('OLD')} WHERE id = OLD.forum_id;
        UPDATE forum SET places_taken = places_taken + {_takes('NEW')} WHERE id = NEW.forum_id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS endorsement_support_count_insert AFTER INSERT ON endorsement
    BEGIN
        UPDATE recommendation SET support_count = support_count + 1 WHERE id = NEW.recommendation_id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS endorsement_support_count_delete AFTER DELETE ON endorsement
    BEGIN
        UPDATE recommendation SET support_count = support_count - 1 WHERE id = OLD.recommendation_id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS endorsement_support_count_update AFTER UPDATE OF recommendation_id ON endorsement
    BEGIN
        UPDATE recommendation SET support_count = support_count - 1 WHERE id = OLD.recommendation_id;
        UPDATE recommendation SET support_count = support_count + 1 WHERE id = NEW.recommendation_id;
    END
    """,
    # what changed while a trigger was missing is counted again
    "UPDATE forum SET places_taken = (SELECT count(*) FROM registration"
    " WHERE registration.forum_id = forum.id"
    " AND (registration.status = 'confirmed' OR registration.holds_place)"
    " AND registration.category NOT IN ('speaker', 'exhibitor', 'organiser'))",
    "UPDATE recommendation SET support_count = (SELECT count(*) FROM endorsement"
    " WHERE endorsement.recommendation_id = recommendation.id)",
]


def _migration(name: str):
    """An earlier migration of counters kept by triggers, for its SQLite triggers and its recount."""
    path = Path(__file__).with_name(f"20261207_{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        tally = _migration("98ad23be3315_recommendations_tally_by_group")
        shares = _migration("d8b3a6c1e5f4_forum_keeps_the_shares_of_its_confirmed")
        # the tally recounted last, from the supports as recounted
        for statement in [*shares.SQLITE, shares.recount(), *tally.SQLITE, *SQLITE, *tally.RECOUNT]:
            op.execute(statement)


def downgrade():
    pass  # the triggers belong to 2b76ddeba204 and e6a6b06c94a8, which drop them
