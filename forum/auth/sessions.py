"""Sign-ins as rows: each browser's session and remember cookie name one, and ending it ends both.

Flask-Login keeps `User.get_id()` in the session and in the remember cookie; here that id is
`<user id>.<token>`, and the loader accepts it only while the token's sign-in is live (not ended, not
older than SESSION_MAX_AGE). So signing out, changing or resetting a password, or ending a session from
the account page stops the cookies of that sign-in at once, in every worker, copies included.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from forum.auth.models import User, UserSession
from forum.db import utcnow
from forum.extensions import db


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _max_age() -> timedelta:
    return current_app.config["SESSION_MAX_AGE"]


def start_session(user: User, *, device: str = "", now: datetime | None = None) -> UserSession:
    """A new sign-in of the user; the user object carries its token for Flask-Login's `get_id()`."""
    token = secrets.token_urlsafe(24)
    row = UserSession(user_id=user.id, token_hash=_hash(token), device=device[:200], created_at=now or utcnow())
    db.session.add(row)
    db.session.flush()
    user.session_token = token
    return row


def load_session_user(user_id: str, *, now: datetime | None = None) -> User | None:
    """The enabled user of a live sign-in named by `<user id>.<token>`, or None (which signs them out)."""
    number, _, token = user_id.partition(".")
    if not (number.isascii() and number.isdigit() and token):
        return None
    cutoff = (now or utcnow()) - _max_age()
    user = db.session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == int(number),
            UserSession.token_hash == _hash(token),
            UserSession.ended_at.is_(None),
            UserSession.created_at > cutoff,
        )
    )
    if user is not None:
        user.session_token = token
    return user


def current_session(user: User) -> UserSession | None:
    """The sign-in the user object was loaded for."""
    if not user.session_token:
        return None
    return db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _hash(user.session_token)))


def live_sessions(user: User, *, now: datetime | None = None) -> list[UserSession]:
    """The user's live sign-ins, newest first."""
    cutoff = (now or utcnow()) - _max_age()
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.created_at > cutoff)
            .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        )
    )


def end_session(user: User, session_id: int, *, now: datetime | None = None) -> bool:
    """End one of the user's own sign-ins (never another account's); False if there was none live."""
    ended = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )
    return bool(ended.rowcount)


def end_sessions(user: User, *, keep_current: bool = False, now: datetime | None = None) -> int:
    """End every live sign-in of the user (all but the current one with `keep_current`); how many ended."""
    query = sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep_current and user.session_token:
        query = query.where(UserSession.token_hash != _hash(user.session_token))
    return db.session.execute(query.values(ended_at=now or utcnow())).rowcount
