"""iCalendar (RFC 5545) feeds of the programme: stable UIDs, SEQUENCE, CANCELLED, Africa/Casablanca."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from forum.db import translated
from forum.events.models import Forum
from forum.hooks import PersonalEvent
from forum.programme.cache import RevisionCache
from forum.programme.models import Session


@lru_cache(maxsize=32)
def _vtimezone(tzid: str, first: date, last: date) -> bytes:
    """Building a VTIMEZONE walks the zone's transitions: do it once per zone and period."""
    return Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical()


#: serialised VEVENTs, per process; the key holds everything the event shows, so an entry never goes stale
_events: RevisionCache[bytes] = RevisionCache()


def uid_of(session: Session, forum: Forum) -> str:
    """Never changes for a session (whatever host served it), so calendars update the event in place."""
    return f"session-{session.id}.{forum.slug}@multaqa"


def _event(forum: Forum, session: Session, locale: str, url: str) -> bytes:
    room = translated(session.room.name, locale) if session.room is not None else ""
    speakers = ", ".join(s.display_name for s in session.speakers)
    key = (forum.slug, forum.timezone, session.id, session.updated_at, session.sequence, locale, url, room, speakers)
    return _events.get(key, lambda: _serialise(forum, session, locale, url, room, speakers))


def _serialise(forum: Forum, session: Session, locale: str, url: str, room: str, speakers: str) -> bytes:
    zone = forum.zone
    event = Event()
    event.add("uid", uid_of(session, forum))
    # The last revision of the session: the event's content changes only with it.
    event.add("dtstamp", session.updated_at)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", translated(session.title, locale))
    description = translated(session.description, locale)
    event.add("description", "\n\n".join(part for part in (speakers, description) if part))
    if room:
        event.add("location", room)
    event.add("sequence", session.sequence)
    event.add("last-modified", session.updated_at)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("categories", [session.kind.value])
    event.add("url", url)
    return event.to_ical()


def calendar_for(
    forum: Forum,
    sessions: Iterable[Session],
    *,
    name: str,
    locale: str,
    url_of: Callable[[Session], str],
    personal: Iterable[PersonalEvent] = (),
) -> bytes:
    """A VCALENDAR with one VEVENT per session and per personal event (a meeting, ...), times in the
    forum's timezone (VTIMEZONE included)."""
    parts = [_head(name, forum.timezone, forum.starts_on.year, forum.ends_on.year)]
    parts.extend(_event(forum, session, locale, url_of(session)) for session in sessions)
    parts.extend(_personal_event(forum, event) for event in personal)
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


def _personal_event(forum: Forum, personal: PersonalEvent) -> bytes:
    """A personal appointment (from the `personal_events` hook) as a VEVENT, its place as LOCATION."""
    zone = forum.zone
    event = Event()
    event.add("uid", personal.uid)
    event.add("dtstamp", personal.start_at)
    event.add("dtstart", personal.start_at.astimezone(zone))
    event.add("dtend", personal.end_at.astimezone(zone))
    event.add("summary", str(personal.title))
    if personal.description:
        event.add("description", str(personal.description))
    if personal.location:
        event.add("location", str(personal.location))
    if personal.url:
        event.add("url", personal.url)
    event.add("status", "CONFIRMED")
    return event.to_ical()


@lru_cache(maxsize=256)
def _head(name: str, tzid: str, first_year: int, last_year: int) -> bytes:
    """The calendar's properties and VTIMEZONE: the same for every feed of a forum in a language."""
    calendar = Calendar()
    calendar.add("prodid", "-//Multaqa//Programme//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tzid)
    head, _end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    return head + _vtimezone(tzid, date(first_year, 1, 1), date(last_year + 1, 1, 1))
