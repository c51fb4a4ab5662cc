"""The public programme: published sessions by day and slot, their themes, one session's page, and
what pages say while nothing is published yet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import local_date
from forum.programme.models import Session, Signup
from forum.programme.services.sessions import sessions_of
from forum.registration.models import Registration


@dataclass
class Slot:
    """Sessions of a day that start at the same time, shown side by side."""

    starts_at: datetime
    sessions: list[Session]


@dataclass
class ProgrammeDay:
    day: date
    slots: list[Slot]


def public_programme(forum: Forum, *, theme: str | None = None, kind: str | None = None) -> list[ProgrammeDay]:
    """The published programme by day and starting time; a fixed number of queries whatever its size."""
    sessions = [
        s
        for s in sessions_of(forum, published_only=True)
        if (not theme or s.theme == theme) and (not kind or s.kind.value == kind)
    ]
    return by_day(forum, sessions)


def by_day(forum: Forum, sessions: list[Session]) -> list[ProgrammeDay]:
    """Sessions grouped by local day, then by starting time (parallel sessions together)."""
    days: dict[date, dict[datetime, list[Session]]] = defaultdict(lambda: defaultdict(list))
    for session in sessions:
        days[session.starts_at.astimezone(forum.zone).date()][session.starts_at].append(session)
    return [ProgrammeDay(day, [Slot(at, slot) for at, slot in sorted(days[day].items())]) for day in sorted(days)]


def themes_of(forum: Forum) -> list[str]:
    """The themes of the published sessions, in alphabetical order (the programme's filter)."""
    return list(
        db.session.scalars(
            sa.select(Session.theme)
            .where(Session.forum_id == forum.id, Session.theme.is_not(None), Session.published_at.is_not(None))
            .distinct()
            .order_by(Session.theme)
        )
    )


def published_session(forum: Forum, session_id: int) -> Session | None:
    """A session of the forum the public may see (published), with its room and people; None otherwise."""
    return db.session.scalar(
        sa.select(Session)
        .where(Session.id == session_id, Session.forum_id == forum.id, Session.published_at.is_not(None))
        .options(joinedload(Session.room), selectinload(Session.speakers), joinedload(Session.moderator))
    )


def signup_choices(forum: Forum) -> list[ProgrammeDay]:
    """The published workshops open to sign-up (not cancelled), by day and starting time."""
    sessions = [s for s in sessions_of(forum, published_only=True) if s.is_signup_required and not s.is_cancelled]
    return by_day(forum, sessions)


def has_programme(forum: Forum) -> bool:
    """Whether any session of the forum is published (the programme's pages and links show then)."""
    return bool(
        db.session.scalar(
            sa.select(Session.id).where(Session.forum_id == forum.id, Session.published_at.is_not(None)).limit(1)
        )
    )


def has_agenda(registration: Registration) -> bool:
    """Whether the person's agenda holds a published session: one open to all, or one they signed up to
    (or wait for). Their calendar is offered only then: an empty calendar is no use."""
    mine = sa.select(Signup.id).where(Signup.session_id == Session.id, Signup.registration_id == registration.id)
    return bool(
        db.session.scalar(
            sa.select(Session.id)
            .where(
                Session.forum_id == registration.forum_id,
                Session.published_at.is_not(None),
                sa.or_(Session.is_signup_required.is_(False), mine.exists()),
            )
            .limit(1)
        )
    )


def unpublished_notice(forum: Forum, *, workshops: bool = False, now: datetime | None = None) -> str:
    """What a page says while no session is published: when the programme will come (before the
    forum opens, if it has not yet), and for a participant (`workshops`) that choosing comes then."""
    if (now or utcnow()).astimezone(forum.zone).date() >= forum.starts_on:
        return _l("The programme has not been published yet.")
    opens = local_date(forum.starts_on, "long")
    if workshops:
        return _l(
            "The programme has not been published yet. It will appear here before the forum opens on %(date)s; "
            "you will be able to choose your workshops then.",
            date=opens,
        )
    return _l(
        "The programme has not been published yet. It will appear here before the forum opens on %(date)s.", date=opens
    )
