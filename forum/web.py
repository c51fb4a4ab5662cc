"""What views do alike: load a row of the forum in the address, run one service call and answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import flash, g
from wtforms import Field

from forum.errors import ForumError
from forum.extensions import db

M = TypeVar("M")
T = TypeVar("T")


def forum_row_or_404(model: type[M], row_id: Any, **where: Any) -> M:
    """The row of `model` with this id in the forum of the address (`g.forum`), or 404.

    One query, the forum in its WHERE: a row of another forum is as unknown as a missing one.
    `where` adds equalities on further columns (for example `kind=SessionKind.workshop`).
    """
    return db.first_or_404(sa.select(model).filter_by(id=row_id, forum_id=g.forum.id, **where))


@dataclass
class Outcome(Generic[T]):
    """What `run` answers: true when the service call went through, with what the call returned."""

    ok: bool
    value: T | None = None

    def __bool__(self) -> bool:
        return self.ok


def run(
    action: Callable[[], T],
    *,
    success: Any = None,
    field: Field | None = None,
) -> Outcome[T]:
    """Run one service call for a view and end the request's transaction.

    On a broken rule (`ForumError`) the transaction is rolled back and the message shown — in the
    errors of `field` when one is given, so the form comes back as entered with it, else as a flash —
    and the outcome is false. Otherwise the transaction is committed (which starts the jobs the call
    queued), `success` is flashed (a text, or a function of the call's value giving one) and the
    outcome carries the value.
    """
    try:
        value = action()
    except ForumError as error:
        db.session.rollback()
        if field is not None:
            field.errors = [*field.errors, str(error)]
        else:
            flash(str(error), "error")
        return Outcome(False)
    db.session.commit()
    if success is not None:
        flash(success(value) if callable(success) else success, "success")
    return Outcome(True, value)
