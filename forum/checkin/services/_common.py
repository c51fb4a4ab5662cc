"""What the check-in services share: their errors, the Core runner, the count of who is inside and
the live admission of a person on a list."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from forum.checkin.driver import DriverStatement
from forum.checkin.models import Admission, CheckInList, Desk, ListCount
from forum.db import without_transaction
from forum.errors import ForumError
from forum.extensions import db


class CheckInError(ForumError):
    message = _l("Check-in is not possible here.")


class NothingToUndo(CheckInError):
    message = _l("There is no check-in to undo at this desk.")


class DeskRefused(CheckInError):
    """The device's token is not that of an open desk of this forum."""


class NoSuchList(CheckInError):
    """The list asked for is not one of this forum's."""


#: the connection of a block whose every statement is its own transaction (see own_statements)
_own_connection: ContextVar[sa.Connection | None] = ContextVar("checkin_own_connection", default=None)


def run(statement: sa.Executable, params: dict[str, Any]) -> sa.CursorResult:
    """A Core statement on the session's connection (its transaction), or in an own_statements block
    on that block's connection, without the ORM's execution layer (nothing it returns is an ORM
    object; pending changes are flushed by the caller)."""
    return (_own_connection.get() or db.session.connection()).execute(statement, params)


def rows_of(statement: DriverStatement, params: dict[str, Any]) -> list[Any]:
    """The rows of a statement of the devices' scan: on the driver's cursor in an own_statements
    block (the devices' gate), else as `run` gives them."""
    own = _own_connection.get()
    return statement.all(own, params) if own is not None else run(statement.statement, params).all()


def on_postgresql() -> bool:
    """Whether the connection the statements run on is PostgreSQL's, for the few statements written
    for one database (SQLite lacks data-modifying CTEs)."""
    return (_own_connection.get() or db.session.connection()).dialect.name == "postgresql"


_AUTOCOMMIT_ENGINE = "checkin_autocommit_engine"
_engine_made = threading.Lock()


def _autocommit_engine() -> sa.Engine:
    """The application's database through a pool of its own whose connections are in autocommit from
    the moment they open: lending one costs a checkout, where switching a connection of the main pool
    to autocommit and back costs it on every lending. Made on first use, in the worker process."""
    engine = current_app.extensions.get(_AUTOCOMMIT_ENGINE)
    if engine is None:
        with _engine_made:
            engine = current_app.extensions.get(_AUTOCOMMIT_ENGINE)
            if engine is None:
                engine = sa.create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
                current_app.extensions[_AUTOCOMMIT_ENGINE] = engine
    return engine


@contextmanager
def own_statements() -> Iterator[None]:
    """Run the block's statements (through `run`) each in its own transaction on a connection of the
    block's, not the session's, in PostgreSQL's autocommit: for a request whose every change is one
    statement and that needs nothing else of the session (the devices' gate)."""
    with _autocommit_engine().connect() as connection:
        token = _own_connection.set(connection)
        try:
            yield
        finally:
            _own_connection.reset(token)


def statements_alone() -> None:
    """On PostgreSQL, make each statement of this request its own transaction (autocommit): no BEGIN
    or COMMIT round trip, and a row lock taken by a statement is released as it ends, not when the
    request sends its COMMIT. For a request whose every change is one statement (a device's scan);
    before its first statement, else nothing changes. `one_transaction()` goes back to one transaction."""
    if _own_connection.get() is None:
        without_transaction(db.session())


def one_transaction() -> None:
    """From here the request's statements are one transaction again (after statements_alone()), for
    a change made of several statements (a re-entry, an exit, the day's lists)."""
    if db.session.connection().get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        db.session.commit()  # gives the autocommit connection back; the next statement begins anew


#: who is inside a list now (its live admissions, less those who went out): its desks' parts summed
_INSIDE = sa.select(CheckInList.inside).where(CheckInList.id == sa.bindparam("list_id"))


def own_part_upsert(row: str) -> str:
    """SQL adding `row` (list_id, desk_key, a change of the count: VALUES or a SELECT) to that desk's
    part of the list's count, its first change creating it; returns the part after the change. Text:
    SQLAlchemy never caches the dialects' upserts."""
    table = ListCount.__tablename__
    return (
        f'INSERT INTO "{table}" (list_id, desk_key, inside) {row}'
        f' ON CONFLICT (list_id, desk_key) DO UPDATE SET inside = "{table}".inside + excluded.inside'
        " RETURNING inside"
    )


#: one more (or one fewer) inside, on the part of the desk that made the change: run in the
#: transaction that lets the person in (or out)
MOVE_OWN_PART = (
    sa.text(own_part_upsert("VALUES (:list_id, :desk_key, :delta)"))
    .bindparams(
        sa.bindparam("list_id", type_=sa.Integer),
        sa.bindparam("desk_key", type_=sa.Integer),
        sa.bindparam("delta", type_=sa.Integer),
    )
    .columns(sa.column("inside", sa.Integer))
)
#: the parts of the list's other desks, as committed (the count after a change adds its own part)
OTHER_PARTS = (
    f'SELECT COALESCE(SUM(inside), 0) FROM "{ListCount.__tablename__}"'
    " WHERE list_id = :list_id AND desk_key <> :desk_key"
)
_OTHERS = sa.text(OTHER_PARTS).bindparams(
    sa.bindparam("list_id", type_=sa.Integer), sa.bindparam("desk_key", type_=sa.Integer)
)


def desk_key(desk_id: int | None) -> int:
    """The part of a list's count a desk moves (0 for a change made with no desk)."""
    return desk_id or 0


def move(list_id: int, delta: int, desk_id: int | None) -> int:
    """One more (+1) or one fewer (-1) inside the list, on this desk's part: the count after this
    change. Two desks changing it at the same instant may each be told a count without the other's
    change (each desk's own changes are always counted); the list's count stays exact."""
    params = {"list_id": list_id, "desk_key": desk_key(desk_id)}
    own = run(MOVE_OWN_PART, {**params, "delta": delta}).scalar_one()
    return own + run(_OTHERS, params).scalar_one()


def inside_of(list_id: int) -> int:
    """How many are inside the list now, as the list keeps it."""
    return run(_INSIDE, {"list_id": list_id}).scalar()


def live_admission(list_id: int, registration_id: int) -> tuple[Admission, str | None] | None:
    """The live admission (row locked until commit) and the name of the desk that gave it."""
    row = db.session.execute(
        sa.select(Admission, Desk.name)
        .outerjoin(Desk, Desk.id == Admission.desk_id)
        .where(Admission.list_id == list_id, Admission.registration_id == registration_id, Admission.is_live)
        .with_for_update(of=Admission)
    ).first()
    return (row[0], row[1]) if row is not None else None
