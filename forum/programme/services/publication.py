"""Publication: numbered versions of the programme and the changelog of what each released."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from forum import audit
from forum.auth.models import User
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import ProgrammeVersion, Room, Session
from forum.programme.services._common import lock_programme
from forum.programme.services.drafts import DraftSession, apply_draft, draft_of
from forum.programme.services.errors import ProgrammeError
from forum.programme.services.rooms import rooms_of
from forum.programme.services.sessions import sessions_of
from forum.programme.services.signups import promote


def _public_state(session: DraftSession, rooms: dict[int, Room]) -> dict[str, Any]:
    room = rooms.get(session.room_id) if session.room_id else None
    return {
        "title": dict(session.title),
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room_id": session.room_id,
        "room": dict(room.name) if room else {},
        "is_cancelled": session.is_cancelled,
        "speaker_ids": sorted(session.speaker_ids),
        "description": dict(session.description),
    }


def latest_version(forum: Forum) -> ProgrammeVersion | None:
    """The last version of the programme published, None before the first publication."""
    return db.session.scalar(
        sa.select(ProgrammeVersion)
        .where(ProgrammeVersion.forum_id == forum.id)
        .order_by(ProgrammeVersion.number.desc())
        .limit(1)
    )


def versions_of(forum: Forum) -> list[ProgrammeVersion]:
    """Every published version of the programme, the latest first."""
    return list(
        db.session.scalars(
            sa.select(ProgrammeVersion)
            .where(ProgrammeVersion.forum_id == forum.id)
            .order_by(ProgrammeVersion.number.desc())
        )
    )


def pending_changes(forum: Forum, sessions: list[Session] | None = None) -> list[dict[str, Any]]:
    """What publishing now would release: new sessions, and the published ones with a draft."""
    previous = latest_version(forum)
    before = previous.snapshot if previous else {}
    changes: list[dict[str, Any]] = []
    if sessions is None:
        sessions = sessions_of(forum, with_drafts=True)
    rooms = {room.id: room for room in rooms_of(forum)}
    for session in sessions:
        draft = draft_of(session)
        after = _public_state(draft, rooms)
        entry = {"session_id": session.id, "title": after["title"], "after": after}
        if session.published_at is None or str(session.id) not in before:
            if not draft.is_cancelled:
                changes.append({**entry, "before": None, "kind": "added"})
            continue
        if session.draft is None:
            continue
        published = draft_of(session, published=True)
        old = _public_state(published, rooms)
        if published.is_cancelled != draft.is_cancelled:
            kind = "cancelled" if draft.is_cancelled else "reinstated"
        elif any(old[key] != after[key] for key in ("starts_at", "ends_at", "room_id")):
            kind = "moved"
        else:
            kind = "updated"
        changes.append({**entry, "before": old, "kind": kind})
    current = {str(s.id) for s in sessions}
    for session_id, old in before.items():
        if session_id not in current:
            changes.append(
                {"session_id": int(session_id), "title": old["title"], "before": old, "after": None, "kind": "removed"}
            )
    return changes


def publish(forum: Forum, *, actor: User | None, now: datetime | None = None) -> ProgrammeVersion:
    """Release the draft as the next numbered version: new sessions become public, the published ones
    take their drafted edits (SEQUENCE raised once for what calendars show), the waiting lists fill any
    new seats, and the changelog of what moved since the previous version is recorded for the organisers
    and the notifications."""
    now = now or utcnow()
    lock_programme(forum)
    sessions = sessions_of(forum, with_drafts=True)
    changes = pending_changes(forum, sessions)
    previous = latest_version(forum)
    if previous is not None and not changes:
        raise ProgrammeError(_l("Nothing has changed since version %(number)s.", number=previous.number))
    added = {change["session_id"] for change in changes if change["kind"] == "added"}
    edited: list[Session] = []
    for session in sessions:
        if session.published_at is None:
            if session.id in added:
                session.published_at = now
        elif session.draft is not None:
            if apply_draft(session):
                session.sequence += 1
            edited.append(session)
    db.session.flush()
    for session in sorted(edited, key=lambda s: s.id):  # the sign-ups' locking order
        promote(session, now=now)
    rooms = {room.id: room for room in rooms_of(forum)}
    version = ProgrammeVersion(
        forum_id=forum.id,
        number=(previous.number + 1) if previous else 1,
        published_at=now,
        published_by_id=getattr(actor, "id", None),
        changes=changes,
        snapshot={str(s.id): _public_state(draft_of(s), rooms) for s in sessions if s.published_at is not None},
    )
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise ProgrammeError(_l("Someone else published at the same moment; please try again.")) from error
    audit.record("programme.publish", actor=actor, forum=forum, target=version, number=version.number)
    return version


def version_numbered(forum: Forum, number: int) -> ProgrammeVersion | None:
    """The forum's programme version of this number, None if there is none."""
    return db.session.scalar(
        sa.select(ProgrammeVersion).where(ProgrammeVersion.forum_id == forum.id, ProgrammeVersion.number == number)
    )
