"""Rooms: where sessions take place, in the timetable's column order."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum import audit
from forum.auth.models import User
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Room


def rooms_of(forum: Forum) -> list[Room]:
    """The forum's rooms in the timetable's column order."""
    return list(db.session.scalars(sa.select(Room).where(Room.forum_id == forum.id).order_by(Room.position, Room.id)))


def save_room(forum: Forum, room: Room | None, data: dict[str, Any], *, actor: User | None) -> Room:
    """Create (room None) or update a room."""
    creating = room is None
    if room is None:
        room = Room(forum_id=forum.id)
        db.session.add(room)
    for key, value in data.items():
        setattr(room, key, value)
    db.session.flush()
    audit.record("room.create" if creating else "room.update", actor=actor, forum=forum, target=room)
    return room
