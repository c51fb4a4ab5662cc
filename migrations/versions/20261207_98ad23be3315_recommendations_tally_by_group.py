"""recommendations: the count and supports of each workshop's groups kept by triggers, ranked by index

Revision ID: 98ad23be3315
Revises: d8b3a6c1e5f4
Create Date: 2026-12-07 09:50:00

The outcomes report and the national compilation counted and ranked every accepted recommendation of
the forum or the series on each view (a scan and two window sorts: 433 ms at 100,000). Each workshop's
recommendations of one theme, target actor and status now have a row in `recommendation_tally`, their
count and the sum of their supports, kept in the same transaction as every change of a recommendation
by triggers on `recommendation` (its `support_count` is itself kept by the triggers on `endorsement`,
e6a6b06c94a8); and two indexes hold each group in its ranking, so the pages read its first few.
On SQLite a later migration that rebuilds `recommendation` in batch mode drops the triggers: the last
migration (46fe091bfc20) creates them again from SQLITE below and recounts.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "98ad23be3315"
down_revision = "d8b3a6c1e5f4"
branch_labels = None
depends_on = None

KEY = ("forum_id", "session_id", "theme", "target_actor", "status")


def _key_of(row: str) -> str:
    """The row's (OLD or NEW) group, as a condition on the tally."""
    return " AND ".join(f"{column} = {row}.{column}" for column in KEY)


def _keys_differ() -> str:
    return " OR ".join(f"OLD.{column} <> NEW.{column}" for column in KEY)


def _take(row: str) -> str:
    """The row leaves its group: one recommendation and its supports less, an emptied group's row gone."""
    return f"""
        UPDATE recommendation_tally SET recommendations = recommendations - 1, supports = supports - {row}.support_count
        WHERE {_key_of(row)};
        DELETE FROM recommendation_tally WHERE {_key_of(row)} AND recommendations = 0;"""


def _add(row: str) -> str:
    """The row joins its group (the group's row made if it has none)."""
    return f"""
        INSERT INTO recommendation_tally ({", ".join(KEY)}, recommendations, supports)
        VALUES ({", ".join(f"{row}.{column}" for column in KEY)}, 1, {row}.support_count)
        ON CONFLICT ({", ".join(KEY)}) DO UPDATE SET
            recommendations = recommendation_tally.recommendations + 1,
            supports = recommendation_tally.supports + excluded.supports;"""


#: a support given or taken away: the group's supports move, nothing else
SUPPORTS_MOVED = (
    "UPDATE recommendation_tally SET supports = supports + NEW.support_count - OLD.support_count"
    f" WHERE {_key_of('NEW')};"
)

WATCHED = ", ".join((*KEY, "support_count"))

POSTGRESQL = [
    f"""
    CREATE FUNCTION recommendation_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NOT ({_keys_differ()}) THEN
            {SUPPORTS_MOVED}
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            {_take("OLD")}
        END IF;
        IF TG_OP <> 'DELETE' THEN
            {_add("NEW")}
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER recommendation_tally AFTER INSERT OR DELETE ON recommendation
    FOR EACH ROW EXECUTE FUNCTION recommendation_tally()
    """,
    f"""
    CREATE TRIGGER recommendation_tally_update AFTER UPDATE OF {WATCHED} ON recommendation
    FOR EACH ROW WHEN (({", ".join(f"OLD.{c}" for c in (*KEY, "support_count"))})
        IS DISTINCT FROM ({", ".join(f"NEW.{c}" for c in (*KEY, "support_count"))}))
    EXECUTE FUNCTION recommendation_tally()
    """,
]

SQLITE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS recommendation_tally_insert AFTER INSERT ON recommendation
    BEGIN
        {_add("NEW")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS recommendation_tally_delete AFTER DELETE ON recommendation
    BEGIN
        {_take("OLD")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS recommendation_tally_update AFTER UPDATE OF {WATCHED} ON recommendation
    WHEN {_keys_differ()}
    BEGIN
        {_take("OLD")}
        {_add("NEW")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS recommendation_tally_supports AFTER UPDATE OF support_count ON recommendation
    WHEN NOT ({_keys_differ()}) AND OLD.support_count <> NEW.support_count
    BEGIN
        {SUPPORTS_MOVED}
    END
    """,
]

DROP = {
    "postgresql": [
        "DROP TRIGGER recommendation_tally ON recommendation",
        "DROP TRIGGER recommendation_tally_update ON recommendation",
        "DROP FUNCTION recommendation_tally()",
    ],
    "sqlite": [
        f"DROP TRIGGER IF EXISTS recommendation_tally_{event}" for event in ("insert", "delete", "update", "supports")
    ],
}

#: the tally from the rows (what is there when the triggers start, or what changed while one was missing)
RECOUNT = [
    "DELETE FROM recommendation_tally",
    f"INSERT INTO recommendation_tally ({', '.join(KEY)}, recommendations, supports)"
    f" SELECT {', '.join(KEY)}, count(*), sum(support_count) FROM recommendation GROUP BY {', '.join(KEY)}",
]


def upgrade():
    op.create_table(
        "recommendation_tally",
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=120), nullable=False),
        sa.Column(
            "target_actor",
            sa.Enum(
                "government",
                "local_authorities",
                "associations",
                "private_sector",
                "donors",
                name="targetactor",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "submitted", "accepted", "rejected", "merged", name="recommendationstatus", native_enum=False, length=12
            ),
            nullable=False,
        ),
        sa.Column("recommendations", sa.Integer(), nullable=False),
        sa.Column("supports", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_recommendation_tally_forum_id_forum"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["session.id"], name=op.f("fk_recommendation_tally_session_id_session"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(
            "forum_id", "session_id", "theme", "target_actor", "status", name=op.f("pk_recommendation_tally")
        ),
    )
    # CREATE/DROP INDEX, not a batch rebuild: that would drop the triggers of `recommendation` on SQLite
    op.drop_index("ix_recommendation_forum_status", table_name="recommendation")
    op.drop_index("ix_recommendation_session_id", table_name="recommendation")
    op.create_index(
        "ix_recommendation_forum_ranking",
        "recommendation",
        ["forum_id", "status", "theme", "target_actor", sa.text("support_count DESC"), "id"],
    )
    op.create_index(
        "ix_recommendation_workshop_ranking",
        "recommendation",
        ["session_id", "status", "theme", "target_actor", sa.text("support_count DESC"), "position", "id"],
    )
    for statement in RECOUNT:
        op.execute(statement)
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    for statement in DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index("ix_recommendation_workshop_ranking", table_name="recommendation")
    op.drop_index("ix_recommendation_forum_ranking", table_name="recommendation")
    op.create_index("ix_recommendation_session_id", "recommendation", ["session_id"], unique=False)
    op.create_index("ix_recommendation_forum_status", "recommendation", ["forum_id", "status"], unique=False)
    op.drop_table("recommendation_tally")
