"""The devices' scan statements run on the database driver's own cursor (PostgreSQL, psycopg).

A scan at the entrance is two statements (its facts, then the welcome), each a few hundredths of a
millisecond of PostgreSQL's time; SQLAlchemy's work around each execution (binding, result metadata,
result processing) cost several times that on the application's side, more than the database's own.
So the devices' gate (device_gate.py) runs those two statements, built and compiled by SQLAlchemy
once per process, straight on the driver's cursor as prepared statements: values go in as SQLAlchemy
would send them (enums by name, JSON as JSON), rows come back as named tuples with the same names
and the same values (enums converted back by name), so the scan's rules read them as they read
SQLAlchemy's rows. Everything else keeps SQLAlchemy's execution.
"""

from __future__ import annotations

import enum
from collections import namedtuple
from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg.types.json import Json


class DriverStatement:
    """A Core statement (a SELECT, or a text with typed columns), compiled once for the connection's
    dialect and run on the driver's cursor. `enums` names the result columns to turn back into their
    enum (SQLAlchemy's non-native enums keep a member's name)."""

    def __init__(self, statement: sa.Select | sa.TextClause, enums: dict[str, type[enum.Enum]]) -> None:
        self.statement, self.enums = statement, enums
        self._compiled: tuple[str, dict[str, Any], Any, tuple[tuple[int, type[enum.Enum]], ...]] | None = None

    def _compile(self, dialect: sa.Dialect) -> tuple[str, dict[str, Any], Any, tuple[tuple[int, type[enum.Enum]], ...]]:
        compiled = self.statement.compile(dialect=dialect)
        # the values the statement carries itself (a status compared with a member, say), as bound
        constants = {name: _value(bind.value) for name, bind in compiled.binds.items() if not bind.required}
        names = [column.key for column in self.statement.selected_columns]
        row = namedtuple("Row", names)  # noqa: PYI024  (field names known only once compiled)
        enums = tuple((names.index(name), kind) for name, kind in self.enums.items())
        self._compiled = (compiled.string, constants, row, enums)
        return self._compiled

    def all(self, connection: sa.Connection, params: dict[str, Any]) -> list[Any]:
        """The rows of the statement with `params` (values as the scan binds them), in autocommit or
        in the connection's transaction; a violated constraint raises SQLAlchemy's IntegrityError."""
        sql, constants, row, enums = self._compiled or self._compile(connection.dialect)
        values = {**constants, **{name: _value(value) for name, value in params.items()}}
        try:
            with connection.connection.driver_connection.cursor() as cursor:
                cursor.execute(sql, values, prepare=True)
                found = cursor.fetchall()  # (no description read: it costs an object per column)
        except psycopg.IntegrityError as error:
            raise sa.exc.IntegrityError(sql, values, error) from error
        if not enums:
            return [row._make(values) for values in found]
        return [row._make(_converted(values, enums)) for values in found]


def _value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, dict | list):
        return Json(value)
    return value


def _converted(values: tuple, enums: tuple[tuple[int, type[enum.Enum]], ...]) -> list:
    converted = list(values)
    for index, kind in enums:
        if converted[index] is not None:
            converted[index] = kind[converted[index]]
    return converted
