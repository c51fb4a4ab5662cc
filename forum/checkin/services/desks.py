"""Desks and their device tokens: a desk is opened with a token shown once, and closed for good."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum import audit
from forum.checkin.models import Desk
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db


def hash_token(token: str) -> str:
    """What is kept of a device token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_desk(forum: Forum, name: str, *, actor: Any) -> tuple[Desk, str]:
    """A new desk and its device token (returned once; only its hash is kept)."""
    token = "mqd_" + secrets.token_urlsafe(32)
    desk = Desk(
        forum_id=forum.id, name=name.strip(), token_hash=hash_token(token), created_by_id=getattr(actor, "id", None)
    )
    db.session.add(desk)
    db.session.flush()
    audit.record("checkin.desk_create", actor=actor, forum=forum, target=desk, name=desk.name)
    return desk, token


def revoke_desk(desk: Desk, *, actor: Any, now: datetime | None = None) -> None:
    """Close a desk: its token stops working from the next scan on."""
    desk.revoked_at = now or utcnow()
    audit.record("checkin.desk_revoke", actor=actor, forum=db.session.get(Forum, desk.forum_id), target=desk)
    db.session.flush()


def desk_for_token(forum: Forum, token: str) -> Desk | None:
    """The open desk of this forum holding the token, or None."""
    return db.session.scalar(
        sa.select(Desk).where(Desk.token_hash == hash_token(token), Desk.forum_id == forum.id, Desk.is_active)
    )


def desk_is_open(forum: Forum, token_hash: str) -> bool:
    """Whether the token (by its hash) is that of an open desk of this forum."""
    found = sa.select(Desk.id).where(Desk.token_hash == token_hash, Desk.forum_id == forum.id, Desk.is_active)
    return db.session.scalar(found) is not None


def desks_of(forum: Forum) -> list[Desk]:
    """The forum's desks, open and closed, oldest first."""
    return list(db.session.scalars(sa.select(Desk).where(Desk.forum_id == forum.id).order_by(Desk.id)))


def open_desks_of(forum: Forum) -> list[Desk]:
    """The forum's open desks, oldest first."""
    return list(db.session.scalars(sa.select(Desk).where(Desk.forum_id == forum.id, Desk.is_active).order_by(Desk.id)))
