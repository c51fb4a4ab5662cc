"""The workshops of a forum and who edits which workshop's list."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum.auth.models import Role, User
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session, SessionKind


def workshops(forum: Forum) -> list[Session]:
    """The forum's workshops (programme sessions of kind workshop), in programme order."""
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.forum_id == forum.id, Session.kind == SessionKind.workshop, Session.is_cancelled.is_(False))
            .order_by(Session.starts_at, Session.id)
        )
    )


def can_edit_workshop(user: Any, session: Session) -> bool:
    """Only the workshop's rapporteur (holding the role in the forum) and the forum's organisers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    forum = db.session.get(Forum, session.forum_id)
    if user.has_role(forum, Role.organiser):
        return True
    return session.rapporteur_id == user.id and Role.rapporteur in user.roles_in(forum)


def workshops_for(user: User, forum: Forum) -> list[Session]:
    """The workshops whose list this user may edit."""
    return [session for session in workshops(forum) if can_edit_workshop(user, session)]
