"""The welcome, check-in's one writing step on its hot path: a person let in on a list (the admission),
one more inside (the desk's part of the list's count) and the scan's trail row.

On PostgreSQL the three are one statement (data-modifying CTEs): one round trip, and the desk's part of
the count is locked only while that statement runs (in the devices' autocommit, not until a COMMIT sent
later); no other desk waits for it. SQLite has no data-modifying CTEs and no round trips:
there they are three statements in the request's transaction. Both answer the same, and a nonce
already answered leaves nothing of the second request (its first answer is given again).
"""

from __future__ import annotations

import sqlalchemy as sa

from forum.checkin.driver import DriverStatement
from forum.checkin.models import Admission, CheckIn, Outcome
from forum.checkin.services._common import OTHER_PARTS, desk_key, move, on_postgresql, own_part_upsert, rows_of, run
from forum.checkin.services.trail import (
    TRAIL_COLUMNS,
    Admitted,
    Person,
    ScanContext,
    ScanResult,
    answer,
    insert_or_nothing,
    record,
    replayed,
    trail_values,
)

_ADMIT_COLUMNS = ("list_id", "registration_id", "desk_id", "admitted_at", "is_inside")

#: the one statement that admits: the partial unique index (one live admission per list and person)
#: lets one INSERT through when two desks scan at once; the other does nothing (PostgreSQL waits
#: for the first to commit, SQLite's write lock queues them). Its WHERE is Admission.is_live, as SQL
#: text (tests/checkin/test_scan_reference.py checks both say the same).
ADMIT = insert_or_nothing(Admission.__table__, _ADMIT_COLUMNS, '("list_id", "registration_id") WHERE undone_at IS NULL')


def _trail_select() -> str:
    """The trail row's values for the INSERT … SELECT of the welcome: the admission given and the
    answer with the count after this welcome."""
    values = {name: f":{name}" for name in TRAIL_COLUMNS}
    values["admission_id"] = "admitted.id"
    values["response"] = "CAST(CAST(:response AS jsonb) || jsonb_build_object('inside', moved.inside) AS json)"
    return ", ".join(values.values())


_TRAIL_NAMES = ", ".join(f'"{name}"' for name in TRAIL_COLUMNS)

#: PostgreSQL: the admission, the desk's part of the count and the trail row in one statement. No row
#: when the person already has a live admission (nothing is written); a nonce already in the trail
#: fails it whole. The count told is the desk's part after this welcome and the other desks' parts.
_WELCOME = DriverStatement(
    sa.text(
        f"WITH admitted AS ({ADMIT.element.text}), "
        f"own AS ({own_part_upsert('SELECT :list_id, :desk_key, 1 FROM admitted')}), "
        f"moved AS (SELECT own.inside + ({OTHER_PARTS}) AS inside FROM own), "
        f'kept AS (INSERT INTO "{CheckIn.__tablename__}" ({_TRAIL_NAMES})'
        f" SELECT {_trail_select()} FROM admitted CROSS JOIN moved RETURNING id) "
        "SELECT admitted.id, moved.inside FROM admitted CROSS JOIN moved"
    )
    .bindparams(
        *(sa.bindparam(name, type_=Admission.__table__.c[name].type) for name in _ADMIT_COLUMNS),
        sa.bindparam("desk_key", type_=sa.Integer),
        *(
            sa.bindparam(name, type_=CheckIn.__table__.c[name].type)
            for name in TRAIL_COLUMNS
            if name not in _ADMIT_COLUMNS and name != "admission_id"
        ),
    )
    .columns(sa.column("id", sa.Integer), sa.column("inside", sa.Integer)),
    enums={},
)


def welcome(ctx: ScanContext, person: Person) -> ScanResult | None:
    """Let a person in on the list (ctx.checkin_list): the admission, one more inside and the trail
    row, and the answer (with the count after this welcome). None, having written nothing, when the
    person already has a live admission there."""
    admission = {
        "list_id": ctx.checkin_list.id,
        "registration_id": person.id,
        "desk_id": ctx.desk_id,
        "admitted_at": ctx.now,
        "is_inside": True,
    }
    if not on_postgresql():
        admitted_id = run(ADMIT, admission).scalar()
        if admitted_id is None:
            return None
        inside = move(ctx.checkin_list.id, +1, ctx.desk_id)
        return record(ctx, person, Admitted(admitted_id, ctx.now), Outcome.ok, "ok", inside=inside)
    result = answer(ctx, person, None, Outcome.ok, "ok")
    values = trail_values(ctx, person, None, Outcome.ok, result)
    del values["admission_id"]
    try:
        row = next(iter(rows_of(_WELCOME, {**values, **admission, "desk_key": desk_key(ctx.desk_id)})), None)
    except sa.exc.IntegrityError:
        first = replayed(ctx.forum, ctx.nonce)
        if first is None:
            raise
        return first
    if row is None:
        return None
    result.inside = row.inside
    return result
