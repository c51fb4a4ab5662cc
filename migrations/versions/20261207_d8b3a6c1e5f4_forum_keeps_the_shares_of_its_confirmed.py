"""events, registration: the forum keeps the shares of its confirmed participants, kept by triggers

Revision ID: d8b3a6c1e5f4
Revises: c4a9e1f7d2b3
Create Date: 2026-12-07 07:00:00

The organisers' list shows, for each person awaiting a decision, how approving them moves the shares of
women, rural associations and people with disabilities among confirmed participants: those shares were
counted from every registration of the forum on each page (85 ms at 50,000). They are now four counters
of the forum, kept in the same transaction as every change of a registration by triggers on
`registration`, as `forum.places_taken` is (2b76ddeba204). Confirmed participants are the confirmed
registrations outside the team (speakers, exhibitors, organisers); a rural association is an
association or a cooperative from a rural area (Registration.is_rural_association).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8b3a6c1e5f4'
down_revision = 'c4a9e1f7d2b3'
branch_labels = None
depends_on = None

COLUMNS = ("confirmed_participants", "confirmed_women", "confirmed_rural_associations", "confirmed_disabled")


def _counted(row: str) -> str:
    return f"({row}.status = 'confirmed' AND {row}.category NOT IN ('speaker', 'exhibitor', 'organiser'))"


def _shares(row: str) -> dict[str, str]:
    """Each counter's part of the row (OLD or NEW): 1 or 0."""
    counted = _counted(row)
    return {
        "confirmed_participants": f"(CASE WHEN {counted} THEN 1 ELSE 0 END)",
        "confirmed_women": f"(CASE WHEN {counted} AND {row}.gender = 'female' THEN 1 ELSE 0 END)",
        "confirmed_rural_associations": (
            f"(CASE WHEN {counted} AND {row}.area = 'rural'"
            f" AND {row}.category IN ('association', 'cooperative') THEN 1 ELSE 0 END)"
        ),
        "confirmed_disabled": f"(CASE WHEN {counted} AND {row}.has_disability THEN 1 ELSE 0 END)",
    }


def _update(row: str, sign: str) -> str:
    """The forum's counters moved by the row (OLD: minus, NEW: plus)."""
    parts = ", ".join(f"{column} = {column} {sign} {part}" for column, part in _shares(row).items())
    return f"UPDATE forum SET {parts} WHERE id = {row}.forum_id;"


WATCHED = ("status", "category", "gender", "area", "has_disability", "forum_id")


def _watched(row: str) -> str:
    return ", ".join(f"{row}.{column}" for column in WATCHED)


POSTGRESQL = [
    f"""
    CREATE FUNCTION registration_confirmed_shares() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' AND {_counted('OLD')} THEN
            {_update('OLD', '-')}
        END IF;
        IF TG_OP <> 'DELETE' AND {_counted('NEW')} THEN
            {_update('NEW', '+')}
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER registration_confirmed_shares AFTER INSERT OR DELETE ON registration
    FOR EACH ROW EXECUTE FUNCTION registration_confirmed_shares()
    """,
    f"""
    CREATE TRIGGER registration_confirmed_shares_update AFTER UPDATE OF {", ".join(WATCHED)} ON registration
    FOR EACH ROW WHEN (({_watched('OLD')}) IS DISTINCT FROM ({_watched('NEW')}))
    EXECUTE FUNCTION registration_confirmed_shares()
    """,
]

def _sqlite_one_way(event: str, row: str, sign: str) -> str:
    """The SQLite trigger of an insert (NEW, plus) or a delete (OLD, minus)."""
    return f"""
    CREATE TRIGGER IF NOT EXISTS registration_confirmed_shares_{event} AFTER {event.upper()} ON registration
    WHEN {_counted(row)}
    BEGIN
        {_update(row, sign)}
    END
    """


SQLITE = [
    _sqlite_one_way("insert", "NEW", "+"),
    _sqlite_one_way("delete", "OLD", "-"),
    f"""
    CREATE TRIGGER IF NOT EXISTS registration_confirmed_shares_update
    AFTER UPDATE OF {", ".join(WATCHED)} ON registration
    WHEN {_counted('OLD')} OR {_counted('NEW')}
    BEGIN
        {_update('OLD', '-')}
        {_update('NEW', '+')}
    END
    """,
]

DROP = {
    "postgresql": [
        "DROP TRIGGER registration_confirmed_shares ON registration",
        "DROP TRIGGER registration_confirmed_shares_update ON registration",
        "DROP FUNCTION registration_confirmed_shares()",
    ],
    "sqlite": [
        f"DROP TRIGGER IF EXISTS registration_confirmed_shares_{event}" for event in ("insert", "delete", "update")
    ],
}


def recount() -> str:
    """The counters from the rows (the forums already taking registrations start from it)."""
    parts = ", ".join(
        f"{column} = (SELECT coalesce(sum({part}), 0) FROM registration AS r WHERE r.forum_id = forum.id)"
        for column, part in _shares("r").items()
    )
    return f"UPDATE forum SET {parts}"


def upgrade():
    for column in COLUMNS:
        op.add_column('forum', sa.Column(column, sa.Integer(), server_default='0', nullable=False))
    op.execute(recount())
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    for statement in DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    # ALTER TABLE … DROP COLUMN, on SQLite too (3.35 and later): a batch rebuild of `forum` would trip
    # on the other triggers of `registration`, which name it
    for column in reversed(COLUMNS):
        op.drop_column('forum', column)
