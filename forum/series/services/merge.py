"""Merging two organisations of the series: every row of any table that points to the merged one (found
by reading the tables' foreign keys, so tables added later are covered too) is moved to the kept one;
the merged organisation stays, marked, and the merge records what it moved."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum import audit
from forum.extensions import db
from forum.registration.models import Organisation
from forum.series.models import OrganisationMerge
from forum.series.services.targets import SeriesError

#: tables whose pointers to an organisation are history, not use: left as they are
_HISTORY = ("organisation_merge",)
#: what the merged organisation said of itself, kept with the merge
_SNAPSHOT = ("name", "kind", "province", "area", "registration_number")


def references() -> list[tuple[sa.Table, sa.Column]]:
    """Every (table, column) of the schema holding a foreign key to organisation.id."""
    target = Organisation.__table__.c.id
    return [
        (table, fk.parent)
        for table in db.metadata.sorted_tables
        if table.name not in _HISTORY
        for fk in table.foreign_keys
        if fk.column is target
    ]


def _key_of(table: sa.Table) -> list[sa.Column]:
    return list(table.primary_key.columns)


def merge(kept: Organisation, merged: Organisation, *, actor: Any) -> OrganisationMerge:
    """Move everything of `merged` to `kept` and mark `merged` as merged into it. Refused when they are
    the same, when one of them is already merged, or when a rule of a table forbids the two to be one
    there (for example both exhibiting at the same forum): nothing is changed then."""
    if kept.id == merged.id:
        raise SeriesError(_l("An organisation cannot be merged into itself."))
    if kept.merged_into_id is not None or merged.merged_into_id is not None:
        raise SeriesError(_l("One of these organisations has already been merged."))
    moved: dict[str, list[Any]] = {}
    db.session.flush()
    savepoint = db.session.begin_nested()
    table = None
    try:
        for table, column in references():
            key = _key_of(table)
            found = db.session.execute(sa.select(*key).where(column == merged.id)).all()
            if not found:
                continue
            db.session.execute(sa.update(table).where(column == merged.id).values({column.name: kept.id}))
            moved[f"{table.name}.{column.name}"] = [row[0] if len(key) == 1 else list(row) for row in found]
        savepoint.commit()
        db.session.expire_all()  # the rows moved above were changed behind the session's back
    except sa.exc.IntegrityError as error:
        savepoint.rollback()
        raise SeriesError(
            _l("These two organisations cannot become one: they appear together where only one may (%(table)s)."),
            table=getattr(table, "name", "?"),
        ) from error
    for name in ("province", "area", "registration_number"):
        if getattr(kept, name) is None:
            setattr(kept, name, getattr(merged, name))
    snapshot = {name: _plain(getattr(merged, name)) for name in _SNAPSHOT}
    merged.merged_into_id = kept.id
    record = OrganisationMerge(
        kept_id=kept.id, merged_id=merged.id, actor_id=getattr(actor, "id", None), moved=moved, snapshot=snapshot
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "organisation.merge",
        actor=actor,
        target=kept,
        merged=merged.id,
        name=merged.name,
        moved={k: len(v) for k, v in moved.items()},
    )
    return record


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def merges_of(organisation: Organisation) -> list[OrganisationMerge]:
    """The merges that brought other organisations into this one, and the one that merged it, newest first."""
    return list(
        db.session.scalars(
            sa.select(OrganisationMerge)
            .where(sa.or_(OrganisationMerge.kept_id == organisation.id, OrganisationMerge.merged_id == organisation.id))
            .order_by(OrganisationMerge.at.desc(), OrganisationMerge.id.desc())
        )
    )
