"""The organisers' list of registrations: its filters, its order, its pages and their count, and the
waiting list's positions.

A page is read from where the previous one ended (a cursor: the last row's place in the order), walking
the index `ix_registration_queue`, so page 20 costs what page 1 does, at 5,000 registrations or at
50,000; paging by OFFSET sorted every row of the forum for each page. The count stops at `COUNT_CAP`:
beyond it, PostgreSQL's planner gives an estimate, shown as one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum.db import UTCDateTime
from forum.errors import ForumError
from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import QUEUE_JOINED, QUEUE_RANK, Organisation, Registration
from forum.registration.services._common import Status, joined_waitlist

#: registrations on a page of the list
PAGE_SIZE = 50
#: the list's count stops here (reading at most this many index entries); beyond, an estimate
COUNT_CAP = 1_000

# The same expressions as the index's, so the database walks it in the list's order.
RANK = sa.literal_column(QUEUE_RANK, sa.Integer)
JOINED = sa.literal_column(QUEUE_JOINED, UTCDateTime)
ORDER = (RANK, JOINED, Registration.id)
_RANKS = {Status.pending.value: 0, Status.waitlisted.value: 1}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BadCursor(ForumError):
    message = _l("This page of the list no longer exists: here is its first page.")


@dataclass(frozen=True, order=True)
class Cursor:
    """A place in the list's order: a registration's section, when it joined, its id."""

    rank: int
    joined: datetime
    id: int

    @classmethod
    def of(cls, registration: Registration) -> Cursor:
        """The place of a registration in the list (as the index holds it)."""
        rank = _RANKS.get(getattr(registration.status, "value", registration.status), 2)
        return cls(rank, registration.waitlisted_at or registration.created_at, registration.id)

    @property
    def token(self) -> str:
        """As written in a page's address: three whole numbers."""
        return f"{self.rank}.{(self.joined - _EPOCH) // timedelta(microseconds=1)}.{self.id}"

    @classmethod
    def parse(cls, token: str) -> Cursor:
        """The cursor of a page's address, or BadCursor."""
        try:
            rank, micros, id_ = (int(part) for part in token.split("."))
            joined = _EPOCH + timedelta(microseconds=micros)
        except (ValueError, OverflowError):
            raise BadCursor() from None
        if rank not in (0, 1, 2) or not 0 < id_ < 2**63 or not 2000 <= joined.year <= 2999:
            raise BadCursor()
        return cls(rank, joined, id_)

    def values(self) -> sa.Tuple:
        return sa.tuple_(sa.literal(self.rank), sa.literal(self.joined, UTCDateTime), sa.literal(self.id))


def _conditions(forum: Forum, filters: dict[str, str]) -> list[sa.ColumnElement[bool]]:
    """The WHERE of the list: the forum and the filters (on the registration table alone, so that the
    order's expressions are the index's)."""
    conditions = [Registration.forum_id == forum.id]
    for key in ("status", "category", "province", "area", "gender"):
        if filters.get(key):
            conditions.append(getattr(Registration, key) == filters[key])
    if filters.get("status"):  # the status's section too: the index walk starts there
        conditions.append(RANK == _RANKS.get(filters["status"], 2))
    if filters.get("kind"):
        kinds = sa.select(Organisation.id).where(Organisation.kind == filters["kind"])
        conditions.append(Registration.organisation_id.in_(kinds))
    text = (filters.get("q") or "").strip()
    if text:
        pattern = f"%{text.lower()}%"
        named = sa.select(Organisation.id).where(sa.func.lower(Organisation.name).like(pattern))
        conditions.append(
            sa.or_(
                sa.func.lower(Registration.name_latin).like(pattern),
                Registration.name_ar.like(f"%{text}%"),
                Registration.email.like(pattern),
                Registration.phone.like(f"%{text.replace(' ', '')}%"),
                Registration.organisation_id.in_(named),
            )
        )
    return conditions


def search(forum: Forum, filters: dict[str, str]) -> sa.Select:
    """The forum's registrations matching the queue's filters, in the list's order: waiting for a
    decision first, then the waiting list in its order, then the others as they registered."""
    return (
        sa.select(Registration)
        .where(*_conditions(forum, filters))
        .options(sa.orm.selectinload(Registration.organisation))
        .order_by(*ORDER)
    )


@dataclass
class QueuePage:
    """One page of the list, the cursors of its neighbours, and its number when the address says it."""

    items: list[Registration]
    has_prev: bool
    has_next: bool
    number: int | None = None

    @property
    def next_cursor(self) -> str | None:
        return Cursor.of(self.items[-1]).token if self.has_next and self.items else None

    @property
    def prev_cursor(self) -> str | None:
        return Cursor.of(self.items[0]).token if self.has_prev and self.items else None


def queue_page(
    forum: Forum, filters: dict[str, str], *, after: str | None = None, before: str | None = None, number: int = 1
) -> QueuePage:
    """The `PAGE_SIZE` registrations after the cursor `after` (or before `before`; none: the first
    page), read along the index whatever the page's depth. A cursor that cannot be read raises BadCursor."""
    query = search(forum, filters).limit(PAGE_SIZE + 1)
    if before:
        backwards = query.where(sa.tuple_(*ORDER) < Cursor.parse(before).values())
        rows = list(db.session.scalars(backwards.order_by(None).order_by(*(part.desc() for part in ORDER))))
        if len(rows) > PAGE_SIZE:
            return QueuePage(rows[:PAGE_SIZE][::-1], has_prev=True, has_next=True, number=number)
        after = None  # nothing further back: the first page, full
        number = 1
    elif after:
        query = query.where(sa.tuple_(*ORDER) > Cursor.parse(after).values())
    rows = list(db.session.scalars(query))
    return QueuePage(rows[:PAGE_SIZE], has_prev=after is not None, has_next=len(rows) > PAGE_SIZE, number=number)


@dataclass
class QueueCount:
    """How many registrations match: exact up to `COUNT_CAP`, else an estimate (None where the
    database gives none)."""

    value: int | None
    exact: bool
    #: the count reads no further
    cap: int


def queue_count(forum: Forum, filters: dict[str, str]) -> QueueCount:
    """The number of matching registrations, reading at most `COUNT_CAP` + 1 of them; beyond, the
    planner's estimate on PostgreSQL (rounded to two figures), nothing on SQLite."""
    matching = sa.select(Registration.id).where(*_conditions(forum, filters))
    found = db.session.scalar(sa.select(sa.func.count()).select_from(matching.limit(COUNT_CAP + 1).subquery()))
    if found <= COUNT_CAP:
        return QueueCount(found, exact=True, cap=COUNT_CAP)
    if db.engine.dialect.name != "postgresql":
        return QueueCount(None, exact=False, cap=COUNT_CAP)
    compiled = matching.compile(dialect=db.engine.dialect)
    plan = db.session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    rows = int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])
    return QueueCount(max(COUNT_CAP + 1, _two_figures(rows)), exact=False, cap=COUNT_CAP)


def _two_figures(n: int) -> int:
    return int(float(f"{n:.2g}"))


def waitlist_positions(forum: Forum, registrations: list[Registration]) -> dict[int, int]:
    """{registration id: position} for the listed people waiting without an offer; one query, reading
    the waiting list only as far as the last of them, and none when the page lists nobody waiting."""
    waiting = [r for r in registrations if r.status == Status.waitlisted and r.offer_expires_at is None]
    if not waiting:
        return {}
    last = max(Cursor.of(r) for r in waiting)
    ids = db.session.scalars(
        sa.select(Registration.id)
        .where(
            Registration.forum_id == forum.id,
            Registration.status == Status.waitlisted,
            Registration.offer_expires_at.is_(None),
            sa.tuple_(joined_waitlist(), Registration.id) <= sa.tuple_(sa.literal(last.joined, UTCDateTime), last.id),
        )
        .order_by(joined_waitlist(), Registration.id)
    )
    wanted = {r.id for r in waiting}
    return {registration_id: n for n, registration_id in enumerate(ids, start=1) if registration_id in wanted}
