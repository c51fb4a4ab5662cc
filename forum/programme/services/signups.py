"""Workshop sign-up: seats, waiting lists, no two overlapping sessions for one person."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum import mail
from forum.db import translated, utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session, Signup, SignupStatus
from forum.programme.services._common import time_label
from forum.programme.services.errors import SignupError
from forum.registration.models import Registration, RegistrationStatus


def _lock_session(session: Session) -> Session:
    return db.session.scalars(
        sa.select(Session).where(Session.id == session.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def sign_up(registration: Registration, session: Session, *, now: datetime | None = None) -> Signup:
    """A seat for a confirmed participant, or a place on the waiting list when the session is full.

    Never two overlapping sessions for one person; the session row is locked while seats are counted.
    """
    if registration.status != RegistrationStatus.confirmed:
        raise SignupError(_l("Only confirmed participants can sign up to workshops."))
    if session.forum_id != registration.forum_id or session.published_at is None:
        raise SignupError()
    # The person first (two tabs must not book two overlapping sessions), then the session.
    db.session.execute(sa.select(Registration.id).where(Registration.id == registration.id).with_for_update())
    session = _lock_session(session)
    if session.is_cancelled:
        raise SignupError(_l("This session has been cancelled."))
    if not session.is_signup_required:
        raise SignupError(_l("This session is open to all participants: no sign-up is needed."))
    if db.session.scalar(
        sa.select(Signup.id).where(Signup.session_id == session.id, Signup.registration_id == registration.id)
    ):
        raise SignupError(_l("You are already signed up to this session."))
    clash = db.session.scalar(
        sa.select(Session)
        .join(Signup, Signup.session_id == Session.id)
        .where(
            Signup.registration_id == registration.id,
            Session.is_cancelled.is_(False),
            Session.starts_at < session.ends_at,
            Session.ends_at > session.starts_at,
        )
        .limit(1)
    )
    if clash is not None:
        forum = db.session.get(Forum, session.forum_id)
        raise SignupError(
            _l("This session overlaps with “%(title)s” (%(when)s), which you have already chosen."),
            title=clash.name,
            when=f"{time_label(clash.starts_at, forum)}–{time_label(clash.ends_at, forum)[-5:]}",
        )
    seats = session.seats
    status = SignupStatus.confirmed if seats is None or session.signed_up < seats else SignupStatus.waitlisted
    signup = Signup(session_id=session.id, registration_id=registration.id, status=status, created_at=now or utcnow())
    db.session.add(signup)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise SignupError(_l("You are already signed up to this session.")) from error
    if status == SignupStatus.confirmed:
        session.signed_up += 1
        db.session.flush()
    return signup


def cancel_signup(registration: Registration, session: Session, *, now: datetime | None = None) -> list[Signup]:
    """Give the seat (or waiting-list place) back; the first people waiting are promoted and told."""
    session = _lock_session(session)
    signup = db.session.scalar(
        sa.select(Signup).where(Signup.session_id == session.id, Signup.registration_id == registration.id)
    )
    if signup is None:
        raise SignupError(_l("You are not signed up to this session."))
    if signup.status == SignupStatus.confirmed:
        session.signed_up -= 1
    db.session.delete(signup)
    db.session.flush()
    return promote(session, now=now)


def promote(session: Session, *, now: datetime | None = None) -> list[Signup]:
    """Fill free seats from the waiting list, first come first served, and tell the people promoted."""
    session = _lock_session(session)
    seats = session.seats
    free = None if seats is None else seats - session.signed_up
    if free is not None and free <= 0:
        return []
    query = (
        sa.select(Signup)
        .where(Signup.session_id == session.id, Signup.status == SignupStatus.waitlisted)
        .order_by(Signup.created_at, Signup.id)
        .options(joinedload(Signup.registration))
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    forum = db.session.get(Forum, session.forum_id) if promoted else None
    session.signed_up += len(promoted)
    for signup in promoted:
        signup.status = SignupStatus.confirmed
        registration = signup.registration
        mail.send(
            registration.email,
            _l("You have a seat in “%(title)s”"),
            "programme_promoted",
            locale=registration.locale,
            forum=forum,
            registration=registration,
            session=session,
            title=translated(session.title, registration.locale),
            agenda_url=mail.external_url("programme.agenda", forum_slug=forum.slug, access_key=registration.access_key),
        )
    db.session.flush()
    return promoted
