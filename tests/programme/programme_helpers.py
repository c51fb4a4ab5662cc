"""Helpers of the programme tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from forum.events.models import Forum


def local(forum: Forum, day: date, hour: int, minute: int = 0) -> datetime:
    """A local time of the forum, as the UTC instant stored."""
    return datetime.combine(day, time(hour, minute), tzinfo=forum.zone).astimezone(UTC)
