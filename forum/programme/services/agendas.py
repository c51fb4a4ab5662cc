"""Agendas: what a person attends (page and calendar feed), and their confirmed seats of one day (check-in desk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum.db import UTCDateTime
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


#: the sessions of one person on one local day: when, title and room (columns, no objects loaded; the
#: check-in desk asks this on every welcome)
_AGENDA = (
    sa.select(Session.starts_at, Session.ends_at, Session.title, Room.name.label("room"))
    .join(Signup, Signup.session_id == Session.id)
    .outerjoin(Room, Room.id == Session.room_id)
    .where(
        Signup.registration_id == sa.bindparam("registration_id"),
        Signup.status == SignupStatus.confirmed,
        Session.is_cancelled.is_(False),
        Session.starts_at >= sa.bindparam("start", type_=UTCDateTime),
        Session.starts_at < sa.bindparam("end", type_=UTCDateTime),
    )
    .order_by(Session.starts_at)
)


def agenda_of_day(registration: Registration, day: date) -> list[sa.Row]:
    """The sessions a person holds a confirmed seat in on a local day of their forum: rows of
    (starts_at, ends_at, title, room), room being the room's names or None. `registration` may be
    a record of one with its id and forum_id (the check-in desk reads no Registration object), and
    then also the forum's `forum_zone` (nor does it load the Forum)."""
    zone = getattr(registration, "forum_zone", None) or db.session.get(Forum, registration.forum_id).zone
    start, end = day_bounds(day, zone)
    params = {"registration_id": registration.id, "start": start, "end": end}
    return list(db.session.connection().execute(_AGENDA, params))
