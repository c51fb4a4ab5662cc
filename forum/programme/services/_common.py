"""What several of the programme's services share: how a time is named in a message, the timetable's lock."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from babel.dates import format_datetime as babel_datetime
from flask_babel import get_locale

from forum.events.models import Forum
from forum.extensions import db


def time_label(value: datetime, forum: Forum) -> str:
    """A time as messages name it: the weekday and hour, local to the forum ("Fri 14:30")."""
    return babel_datetime(value, "EEE HH:mm", tzinfo=forum.zone, locale=str(get_locale() or "ar"))


def lock_programme(forum: Forum) -> None:
    """Serialise the forum's timetable writes (edits, publication): a room checked free stays free until
    the commit, and two organisers saving one session's draft, or saving while a colleague publishes,
    queue instead of failing (SQLite's writers already queue)."""
    db.session.execute(sa.select(Forum.id).where(Forum.id == forum.id).with_for_update())
