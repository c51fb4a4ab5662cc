"""Database base class, column helpers and the SQLite connection settings."""

from __future__ import annotations

import enum
import functools
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, registry
from sqlalchemy.pool import Pool
from sqlalchemy.types import JSON

#: Constraint names Alembic can rely on (SQLite batch migrations need them to drop constraints).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dict[str, str]: JSON().with_variant(postgresql.JSONB(), "postgresql")},
    )


class TitledEnum(enum.StrEnum):
    """An enum whose members have a translatable display name, given by the class's __titles__()."""

    @property
    def title(self) -> str:
        """The member's display name, in the current language."""
        return str(_titles(type(self))[self])

    @classmethod
    def __titles__(cls) -> dict:
        raise NotImplementedError(f"{cls.__name__} must define __titles__")

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, display name) of every member, for a select."""
        return [(member.value, member.title) for member in cls]


@functools.cache
def _titles(enum_class: type[TitledEnum]) -> dict:
    """An enum's lazy display names, made once (each turns into the current language when shown)."""
    return enum_class.__titles__()


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only form stored)."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """An aware datetime as stored: UTC, naive on SQLite; a naive one is refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store timezone-aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """A stored timestamp as an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def translated(texts: dict[str, str] | None, locale: str | None = None) -> str:
    """Pick the text of a per-language dict for the current locale, falling back to any given one."""
    if not texts:
        return ""
    locale = locale or str(get_locale() or "ar")
    for lang in (locale, "ar", "fr", "en"):
        if texts.get(lang):
            return texts[lang]
    return next((t for t in texts.values() if t), "")


#: Set to False for requests that only read, so SQLite does not take the write lock for them.
sqlite_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=True)


@sa.event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Foreign keys on, WAL journal, a busy timeout; transactions begun by us (see _sqlite_begin)."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@sa.event.listens_for(Engine, "begin")
def _sqlite_begin(conn: sa.Connection) -> None:
    """Writing transactions start with BEGIN IMMEDIATE: they queue for the lock (busy timeout)
    instead of failing with "database is locked" when two of them read-then-write at once."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


def writes_on_get(view):
    """Mark the rare GET view that changes data (a link clicked in an e-mail): its request takes the
    write lock up front on SQLite (read by the app's first URL value preprocessor)."""
    view.writes_on_get = True
    return view


def reads_on_get(view):
    """Mark a hot GET view that only reads: on PostgreSQL its request runs its statements outside a
    transaction (autocommit, each on its own snapshot), sparing the BEGIN and the ROLLBACK, two round
    trips of the four a page with two queries made (read by the app's first URL value preprocessor)."""
    view.reads_on_get = True
    return view


def without_transaction(session: Session) -> bool:
    """Run the session's next statements each on its own (PostgreSQL's autocommit: no BEGIN, no COMMIT
    or ROLLBACK round trip, a row lock released as its statement ends), unless a transaction is already
    open (a test's own session that the request shares). SQLite keeps its transactions (see
    _sqlite_begin). True when it did: `session.rollback()` or `commit()` then gives the connection back
    (nothing to send). For a page that only reads, and for a device's scan whose every change is one
    statement."""
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return False
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return True


#: a pooled PostgreSQL connection left unused longer than this is checked before it is handed out
PING_AFTER_IDLE_SECONDS = 10.0


@sa.event.listens_for(Pool, "checkin")
def _idle_from_now(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info["idle_since"] = time.monotonic()


@sa.event.listens_for(Pool, "checkout")
def _ping_after_idle(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    """SQLAlchemy's pool_pre_ping, for a connection that sat unused a while only: a restarted server or
    a proxy's idle timeout drops those, while one in steady use is known alive. The pre-ping cost every
    request a round trip and a third of a device's scan's CPU. A dropped connection is replaced (the
    pool tries again on DisconnectionError); SQLite's need no check."""
    idle_since = connection_record.info.get("idle_since")
    if not type(dbapi_connection).__module__.startswith("psycopg") or idle_since is None:
        return
    if time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    autocommit = dbapi_connection.autocommit
    try:
        dbapi_connection.autocommit = True  # no transaction left open by the check
        dbapi_connection.execute("SELECT 1")
        dbapi_connection.autocommit = autocommit
    except Exception as error:  # noqa: BLE001 - whatever broke, this connection is not to be used
        raise sa.exc.DisconnectionError(str(error)) from error
