"""The database layer: UTC timestamps, SQLite settings, migrations that match the models."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from forum.audit import AuditEntry, record


def test_migrations_match_the_models(db):
    """`flask db migrate` would find nothing to do: every model change has its migration."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def _keys(table: sa.Table) -> list[tuple[str, tuple[str, ...], bool]]:
    """(name, leading columns, unique) of each key PostgreSQL and SQLite build an index for; partial
    indexes are left out (they hold only some rows, so no other index can stand in for them)."""
    keys = [
        (index.name, tuple(getattr(e, "name", str(e)) for e in index.expressions), bool(index.unique))
        for index in table.indexes
        if not any(index.dialect_options[d].get("where") is not None for d in ("postgresql", "sqlite"))
    ]
    keys += [
        (c.name or "primary key", tuple(col.name for col in c.columns), True)
        for c in table.constraints
        if isinstance(c, sa.UniqueConstraint | sa.PrimaryKeyConstraint)
    ]
    return keys


def test_no_index_is_the_beginning_of_another_index_of_its_table(db):
    """An index whose columns another index of the same table begins with is a write on every insert
    that no read needs, and it can mislead the planner: the scan trail's forum-only index made every
    scan read the whole trail of the forum to find its nonce (migration 5b1e0c7a9d42)."""
    redundant = [
        f"{table.name}.{name} {columns} is the beginning of {other} {longer}"
        for table in db.metadata.sorted_tables
        for name, columns, unique in _keys(table)
        for other, longer, _ in _keys(table)
        if not unique and other != name and longer[: len(columns)] == columns
    ]
    assert redundant == []


@pytest.mark.postgres_only
def test_a_pooled_connection_the_server_dropped_is_replaced_before_use(database_url, monkeypatch):
    """A connection that sat idle in the pool is checked before use: one the server ended (a restart,
    an idle timeout) is replaced, and the request never sees it fail."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's connections are files: no server drops them")
    import psycopg

    monkeypatch.setattr(sys.modules["forum.db"], "PING_AFTER_IDLE_SECONDS", 0)  # (the package's `db` is another)
    engine = sa.create_engine(database_url, pool_size=1)  # no pool_pre_ping
    try:
        with engine.connect() as conn:
            dropped = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [dropped])
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != dropped
    finally:
        engine.dispose()


def test_timestamps_are_stored_in_utc_and_come_back_aware(db, make_forum):
    forum = make_forum()
    casablanca_noon = datetime(2026, 2, 13, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    entry = record("test.event", forum=forum, target="thing:1")
    entry.at = casablanca_noon
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEntry, entry.id).at
    assert stored.tzinfo is not None
    assert stored == datetime(2026, 2, 13, 11, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(db, make_forum):
    forum = make_forum()
    entry = record("test.event", forum=forum)
    entry.at = datetime(2026, 2, 13, 12, 0)
    with pytest.raises(sa.exc.StatementError):
        db.session.commit()
    db.session.rollback()


def test_sqlite_runs_with_foreign_keys_wal_and_busy_timeout(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_writers_on_sqlite_wait_instead_of_failing(app, db, make_forum):
    """Two threads that read then write at once: both succeed (no "database is locked")."""
    import threading

    from forum.events.models import Forum

    forum_id = make_forum(capacity=0).id
    db.session.commit()  # end this thread's read snapshot (WAL) before the writers start
    errors: list[Exception] = []
    barrier = threading.Barrier(4)

    def bump() -> None:
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(10):
                    row = db.session.get(Forum, forum_id)
                    row.capacity = row.capacity + 1
                    db.session.commit()
        except Exception as error:  # noqa: BLE001 - the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    if db.engine.dialect.name == "sqlite":
        # SQLite writers are serialised from the first read, so no update is lost either.
        assert db.session.get(Forum, forum_id).capacity == 40
