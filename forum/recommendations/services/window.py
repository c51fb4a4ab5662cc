"""The input window: when participants may submit recommendations and support them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum import audit
from forum.auth.models import User
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.recommendations.models import RecommendationSettings
from forum.recommendations.services.errors import RecommendationError


def settings_of(forum: Forum) -> RecommendationSettings | None:
    """The forum's own recommendation settings, or None when it keeps the defaults."""
    return db.session.scalar(sa.select(RecommendationSettings).where(RecommendationSettings.forum_id == forum.id))


def input_window(forum: Forum) -> tuple[datetime | None, datetime | None]:
    """When participants may submit and support: the forum's own setting, else its days in local time."""
    settings = settings_of(forum)
    if settings is not None:
        return settings.input_opens_at, settings.input_closes_at
    opens, _ = forum.local_day_bounds(forum.starts_on)
    _, closes = forum.local_day_bounds(forum.ends_on)
    return opens, closes


def input_is_open(forum: Forum, now: datetime | None = None) -> bool:
    """Whether participants may submit and support at this moment (default now)."""
    now = now or utcnow()
    opens, closes = input_window(forum)
    return (opens is None or now >= opens) and (closes is None or now < closes)


def set_input_window(
    forum: Forum, opens_at: datetime | None, closes_at: datetime | None, *, actor: User
) -> RecommendationSettings:
    """An organiser sets when participants' input opens and closes (either may be left open)."""
    if opens_at and closes_at and closes_at <= opens_at:
        raise RecommendationError(_l("The input window must close after it opens."))
    settings = settings_of(forum)
    if settings is None:
        settings = RecommendationSettings(forum_id=forum.id)
        db.session.add(settings)
    settings.input_opens_at, settings.input_closes_at = opens_at, closes_at
    db.session.flush()
    audit.record(
        "recommendations.window",
        actor=actor,
        forum=forum,
        opens_at=opens_at.isoformat() if opens_at else None,
        closes_at=closes_at.isoformat() if closes_at else None,
    )
    return settings
