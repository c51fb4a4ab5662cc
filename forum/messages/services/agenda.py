"""What a reminder tells each person: their own agenda (sessions and the appointments other modules add
through the `personal_events` hook), their badge and the forum's practical information."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel import dates

from forum import hooks
from forum.db import translated
from forum.events.models import Forum
from forum.programme.models import SignupStatus
from forum.programme.services import personal_agenda
from forum.registration.models import Registration


@dataclass
class AgendaLine:
    starts_at: datetime
    day: str
    hours: str
    title: str
    place: str


def _line(forum: Forum, locale: str, start: datetime, end: datetime, title: str, place: str) -> AgendaLine:
    zone = forum.zone
    day = dates.format_date(start.astimezone(zone).date(), "full", locale=locale)
    hours = "–".join(dates.format_time(t, "short", tzinfo=zone, locale=locale) for t in (start, end))
    return AgendaLine(start, day, hours, title, place)


def agenda_lines(registration: Registration, forum: Forum, locale: str) -> list[AgendaLine]:
    """The person's sessions (open to all, or a confirmed seat) and personal appointments, in time order."""
    lines = []
    for entry in personal_agenda(registration, forum).entries:
        session = entry.session
        if session.is_cancelled or (entry.signup is not None and entry.signup.status != SignupStatus.confirmed):
            continue
        room = translated(session.room.name, locale) if session.room is not None else ""
        lines.append(_line(forum, locale, session.starts_at, session.ends_at, translated(session.title, locale), room))
    for events in hooks.personal_events.collect(registration):
        for event in events:
            title, place = str(event.title), str(event.location or "")
            lines.append(_line(forum, locale, event.start_at, event.end_at, title, place))
    return sorted(lines, key=lambda line: line.starts_at)


def reminder_extra(registration: Registration, forum: Forum, locale: str, badge_link: str) -> dict[str, Any]:
    """The parts of the reminder beyond its text: the agenda, the badge, the forum's dates and place."""
    span = dates.format_interval(forum.starts_on, forum.ends_on, "yMMMMd", locale=locale)
    return {
        "agenda": agenda_lines(registration, forum, locale),
        "badge_link": badge_link,
        "forum_title": translated(forum.title, locale),
        "forum_dates": span,
        "forum_place": ", ".join(p for p in (translated(forum.venue, locale), translated(forum.city, locale)) if p),
    }
