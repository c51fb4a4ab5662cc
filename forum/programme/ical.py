"""iCalendar (RFC 5545) feeds of the programme: stable UIDs, SEQUENCE, CANCELLED, Africa/Casablanca."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from forum.db import translated, utcnow
from forum.events.models import Forum
from forum.programme.models import Session


@lru_cache(maxsize=32)
def _vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """Building a VTIMEZONE walks the zone's transitions: do it once per zone and period."""
    return Timezone.from_tzid(tzid, first_date=first, last_date=last)


def uid_of(session: Session, forum: Forum) -> str:
    """Never changes for a session (whatever host served it), so calendars update the event in place."""
    return f"session-{session.id}.{forum.slug}@multaqa"


def calendar_for(
    forum: Forum,
    sessions: Iterable[Session],
    *,
    name: str,
    locale: str,
    url_of: callable,
    now: datetime | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per session, times in the forum's timezone (VTIMEZONE included)."""
    now = now or utcnow()
    zone = forum.zone
    calendar = Calendar()
    calendar.add("prodid", "-//Multaqa//Programme//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", forum.timezone)
    calendar.add_component(
        _vtimezone(forum.timezone, date(forum.starts_on.year, 1, 1), date(forum.ends_on.year + 1, 1, 1))
    )
    for session in sessions:
        event = Event()
        event.add("uid", uid_of(session, forum))
        event.add("dtstamp", now)
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        event.add("summary", translated(session.title, locale))
        description = translated(session.description, locale)
        speakers = ", ".join(s.display_name for s in session.speakers)
        event.add("description", "\n\n".join(part for part in (speakers, description) if part))
        if session.room is not None:
            event.add("location", translated(session.room.name, locale))
        event.add("sequence", session.sequence)
        event.add("last-modified", session.updated_at)
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        event.add("categories", [session.kind.value])
        event.add("url", url_of(session))
        calendar.add_component(event)
    return calendar.to_ical()
