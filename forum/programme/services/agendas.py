"""Agendas: what a person attends (page and calendar feed), and their confirmed seats of one day (check-in desk)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from forum.events.models import Forum, day_bounds
from forum.extensions import db
from forum.hooks import PersonalEvent, personal_events
from forum.programme.models import Room, Session, Signup, SignupStatus
from forum.programme.services.fingerprint import programme_fingerprint, programme_state
from forum.registration.models import Registration


@dataclass
class AgendaEntry:
    session: Session
    signup: Signup | None


@dataclass
class Agenda:
    entries: list[AgendaEntry]
    #: programme_fingerprint(forum), read in the same query
    fingerprint: tuple


@cache
def _agenda_query(with_speakers: bool) -> sa.Select:
    # Built once (with bound parameters) for the same reason as _fingerprint_query.
    query = (
        sa.select(Session, Signup, *programme_state())
        .outerjoin(
            Signup, sa.and_(Signup.session_id == Session.id, Signup.registration_id == sa.bindparam("registration_id"))
        )
        .where(
            Session.forum_id == sa.bindparam("forum_id"),
            Session.published_at.is_not(None),
            sa.or_(Signup.id.is_not(None), Session.is_signup_required.is_(False)),
        )
        .options(joinedload(Session.room))
        .order_by(Session.starts_at, Session.id)
    )
    # Joined, not "select in": one round trip matters more here than a few repeated columns.
    return query.options(joinedload(Session.speakers)) if with_speakers else query


def personal_agenda(registration: Registration, forum: Forum, *, with_speakers: bool = False) -> Agenda:
    """What the person attends: the published sessions open to all and the ones they signed up to
    (or wait for), with their sign-up and the programme's fingerprint, in one query (with the
    speakers, for calendars)."""
    rows = (
        db.session.execute(_agenda_query(with_speakers), {"forum_id": forum.id, "registration_id": registration.id})
        .unique()
        .all()
    )
    fingerprint = tuple(rows[0][2:]) if rows else programme_fingerprint(forum)
    return Agenda([AgendaEntry(row[0], row[1]) for row in rows], fingerprint)


def personal_events_of(registration: Registration) -> list[PersonalEvent]:
    """The person's own appointments that other modules give through the `personal_events` hook
    (one-to-one meetings, ...), in time order."""
    events = [event for found in personal_events.collect(registration) for event in found]
    return sorted(events, key=lambda event: (event.start_at, event.uid))


class Seat(NamedTuple):
    """A seat a person holds in a session: when it starts, its title and room (their names per
    language; the room None)."""

    starts_at: datetime
    title: dict[str, str]
    room: dict[str, str] | None


_seat, _seat_session, _seat_room = aliased(Signup), aliased(Session), aliased(Room)


def with_seats(query: sa.Select, registration_id: sa.ColumnElement[int]) -> sa.Select:
    """`query` with the person's confirmed seats in sessions not cancelled: one row per seat (or one
    whose seat columns are NULL), with `seat_starts_at`, `seat_title` and `seat_room`. The check-in
    desk reads a welcome's agenda this way, with its scan's facts, in the same statement."""
    return (
        query.add_columns(
            _seat_session.starts_at.label("seat_starts_at"),
            _seat_session.title.label("seat_title"),
            _seat_room.name.label("seat_room"),
        )
        .outerjoin(_seat, sa.and_(_seat.registration_id == registration_id, _seat.status == SignupStatus.confirmed))
        .outerjoin(_seat_session, sa.and_(_seat_session.id == _seat.session_id, _seat_session.is_cancelled.is_(False)))
        .outerjoin(_seat_room, _seat_room.id == _seat_session.room_id)
    )


def seats_of_day(rows: Iterable[Any], day: date, zone: ZoneInfo) -> list[Seat]:
    """Of rows read `with_seats`, the seats on a local day of the forum (in its zone), in the order
    they start."""
    start, end = day_bounds(day, zone)
    seats = (Seat(row.seat_starts_at, row.seat_title, row.seat_room) for row in rows if row.seat_starts_at)
    return sorted((seat for seat in seats if start <= seat.starts_at < end), key=lambda seat: seat.starts_at)
