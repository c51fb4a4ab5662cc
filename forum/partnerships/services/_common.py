"""What the partnership services share: the forum's meeting settings and the booking window."""

from __future__ import annotations

from datetime import datetime

from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.partnerships.models import MeetingSettings
from forum.partnerships.services.errors import BookingClosed, NotConfirmed
from forum.registration.models import Registration


def settings_of(forum: Forum) -> MeetingSettings:
    """The forum's meeting settings (defaults until the organisers save theirs)."""
    settings = db.session.get(MeetingSettings, forum.id)
    if settings is None:
        settings = MeetingSettings(forum_id=forum.id, max_meetings=8)
    return settings


def booking_is_open(forum: Forum, now: datetime | None = None) -> bool:
    """Requests and bookings are taken now: inside the window, and before the forum has ended."""
    settings = settings_of(forum)
    return window_is_open(forum, settings.booking_opens_at, settings.booking_closes_at, now)


def window_is_open(
    forum: Forum, opens_at: datetime | None, closes_at: datetime | None, now: datetime | None = None
) -> bool:
    """`now` is inside the booking window (None: no bound on that side), before the forum has ended."""
    now = now or utcnow()
    if opens_at is not None and now < opens_at:
        return False
    if closes_at is not None and now >= closes_at:
        return False
    return not forum.is_past(now)


def require_open(forum: Forum, now: datetime | None = None) -> None:
    """Raise BookingClosed outside the booking window."""
    if not booking_is_open(forum, now):
        raise BookingClosed()


def require_confirmed(registration: Registration) -> None:
    """Raise NotConfirmed unless the registration is confirmed."""
    if not registration.is_confirmed:
        raise NotConfirmed()
