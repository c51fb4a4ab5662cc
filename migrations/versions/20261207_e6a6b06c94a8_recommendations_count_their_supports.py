"""recommendations: each recommendation keeps the count of its supports, kept right by triggers

Revision ID: e6a6b06c94a8
Revises: 2b76ddeba204
Create Date: 2026-12-07 04:05:00.000000

The national compilation counted the supports of every accepted recommendation of the series on each
view (a million supports at 100,000 recommendations). `recommendation.support_count` is that count,
kept by triggers on `endorsement` in the same transaction as every support given, withdrawn, carried
over by a merge or removed with its registration. On SQLite, a later migration that rebuilds the
`endorsement` table in batch mode drops its triggers: it must create them again
(tests/recommendations/test_national.py checks they exist).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a6b06c94a8'
down_revision = '2b76ddeba204'
branch_labels = None
depends_on = None


POSTGRESQL = [
    """
    CREATE FUNCTION endorsement_support_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE recommendation SET support_count = support_count - 1 WHERE id = OLD.recommendation_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            UPDATE recommendation SET support_count = support_count + 1 WHERE id = NEW.recommendation_id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER endorsement_support_count
    AFTER INSERT OR DELETE OR UPDATE OF recommendation_id ON endorsement
    FOR EACH ROW EXECUTE FUNCTION endorsement_support_count()
    """,
]

SQLITE = [
    """
    CREATE TRIGGER endorsement_support_count_insert AFTER INSERT ON endorsement
    BEGIN
        UPDATE recommendation SET support_count = support_count + 1 WHERE id = NEW.recommendation_id;
    END
    """,
    """
    CREATE TRIGGER endorsement_support_count_delete AFTER DELETE ON endorsement
    BEGIN
        UPDATE recommendation SET support_count = support_count - 1 WHERE id = OLD.recommendation_id;
    END
    """,
    """
    CREATE TRIGGER endorsement_support_count_update AFTER UPDATE OF recommendation_id ON endorsement
    BEGIN
        UPDATE recommendation SET support_count = support_count - 1 WHERE id = OLD.recommendation_id;
        UPDATE recommendation SET support_count = support_count + 1 WHERE id = NEW.recommendation_id;
    END
    """,
]

DROP = {
    "postgresql": [
        "DROP TRIGGER endorsement_support_count ON endorsement",
        "DROP FUNCTION endorsement_support_count()",
    ],
    # a later migration that rebuilds the table in batch mode drops its triggers on SQLite: they may be gone
    "sqlite": [
        "DROP TRIGGER IF EXISTS endorsement_support_count_insert",
        "DROP TRIGGER IF EXISTS endorsement_support_count_delete",
        "DROP TRIGGER IF EXISTS endorsement_support_count_update",
    ],
}


def upgrade():
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('support_count', sa.Integer(), server_default='0', nullable=False))
    # the recommendations already supported start from their recount
    op.execute(
        "UPDATE recommendation SET support_count = (SELECT count(*) FROM endorsement"
        " WHERE endorsement.recommendation_id = recommendation.id)"
    )
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    for statement in DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_column('support_count')
