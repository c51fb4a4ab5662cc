"""Sessions: saving and deleting them, and the clash checks that refuse a change (room taken, people in two places)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from forum import audit
from forum.auth.models import User
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Room, Session, SessionKind, Speaker
from forum.programme.services._common import lock_programme, time_label
from forum.programme.services.drafts import SESSION_FIELDS, DraftSession, draft_of, keep_draft
from forum.programme.services.errors import Conflict, ProgrammeError, ScheduleConflict


def conflicts_of(forum: Forum, session: DraftSession) -> list[Conflict]:
    """Everything wrong with the session's place in the draft programme: room taken, people in two
    places, outside the forum's days (hard); a room smaller than the session's capacity (soft)."""
    found: list[Conflict] = []
    zone = forum.zone
    if session.ends_at <= session.starts_at:
        return [Conflict(str(_l("A session must end after it starts.")))]
    first, last = session.starts_at.astimezone(zone).date(), (session.ends_at - timedelta(seconds=1)).astimezone(zone)
    if first < forum.starts_on or last.date() > forum.ends_on:
        found.append(Conflict(str(_l("The session is outside the forum's days."))))
    if session.is_cancelled:
        return found
    # Against the other sessions as they will be published (drafts included): a forum has tens of them.
    overlapping = [
        other
        for other in map(draft_of, sessions_of(forum, with_drafts=True))
        if other.id != session.id and not other.is_cancelled and other.overlaps(session)
    ]
    people = set(session.speaker_ids) | ({session.moderator_id} if session.moderator_id else set())
    names = {s.id: s.display_name for s in db.session.scalars(sa.select(Speaker).where(Speaker.id.in_(people)))}
    for other in overlapping:
        when = f"{time_label(other.starts_at, forum)}–{time_label(other.ends_at, forum)[-5:]}"
        if session.room_id is not None and other.room_id == session.room_id:
            found.append(
                Conflict(
                    str(_l("The room is already taken by “%(title)s” (%(when)s)."))
                    % {"title": other.name, "when": when}
                )
            )
        busy = people & (set(other.speaker_ids) | ({other.moderator_id} if other.moderator_id else set()))
        for person in sorted(busy):
            found.append(
                Conflict(
                    str(_l("%(name)s is already in “%(title)s” at that time (%(when)s)."))
                    % {"name": names.get(person, ""), "title": other.name, "when": when}
                )
            )
    room = db.session.get(Room, session.room_id) if session.room_id else None
    if room is not None and session.capacity and room.capacity and session.capacity > room.capacity:
        found.append(
            Conflict(
                ngettext(
                    "The room seats %(num)s person, fewer than the session's capacity of %(seats)s.",
                    "The room seats %(num)s people, fewer than the session's capacity of %(seats)s.",
                    room.capacity,
                    seats=session.capacity,
                ),
                is_hard=False,
            )
        )
    return found


def save_session(
    forum: Forum, session: Session | None, data: dict[str, Any], *, actor: User | None
) -> tuple[Session, list[Conflict]]:
    """Create (session None) or update a session; refuses hard conflicts, returns the soft ones.

    A session never published changes at once. Edits to a published session wait in its draft, out of
    the public programme, the feeds and the sign-up rules, until `publish` applies them (only its
    rapporteur, who is not shown to the public, changes at once).
    `data` holds SESSION_FIELDS (any subset when updating) and optionally `speaker_ids`.
    """
    creating = session is None
    lock_programme(forum)
    if session is None:
        session = Session(forum_id=forum.id, kind=SessionKind.workshop)
    else:
        db.session.refresh(session)  # as the lock holder before us left it (published, drafted)
    draft = draft_of(session)
    for key, value in data.items():
        if key not in SESSION_FIELDS and key != "speaker_ids":
            raise ValueError(f"not a session field: {key}")
        setattr(draft, key, value)
    speakers = list(
        db.session.scalars(
            sa.select(Speaker)
            .where(Speaker.id.in_(draft.speaker_ids), Speaker.forum_id == forum.id)
            .order_by(Speaker.id)
        )
    )
    draft.speaker_ids = [speaker.id for speaker in speakers]
    for owned_id, model in ((draft.room_id, Room), (draft.moderator_id, Speaker)):
        if owned_id is not None:
            owned = db.session.get(model, owned_id)
            if owned is None or owned.forum_id != forum.id:
                raise ProgrammeError()
    found = conflicts_of(forum, draft)
    hard = [c for c in found if c.is_hard]
    if hard:
        raise ScheduleConflict(hard)
    if session.published_at is None:
        for name in SESSION_FIELDS:
            setattr(session, name, getattr(draft, name))
        session.speakers = speakers
        if creating:
            db.session.add(session)
    else:
        session.rapporteur_id = draft.rapporteur_id
        keep_draft(session, draft)
    db.session.flush()
    audit.record("session.create" if creating else "session.update", actor=actor, forum=forum, target=session)
    return session, [c for c in found if not c.is_hard]


def delete_session(session: Session, *, actor: User | None) -> None:
    """Only a draft session can be deleted; a published one is cancelled instead (calendars follow)."""
    if session.published_at is not None:
        raise ProgrammeError(_l("This session has been published: cancel it instead of deleting it."))
    audit.record("session.delete", actor=actor, forum=db.session.get(Forum, session.forum_id), target=session)
    db.session.delete(session)
    db.session.flush()


def sessions_of(forum: Forum, *, published_only: bool = False, with_drafts: bool = False) -> list[Session]:
    """The forum's sessions as published (`published_only`: only those the public sees); `with_drafts`
    loads their unpublished edits too, for draft_of."""
    query = (
        sa.select(Session)
        .where(Session.forum_id == forum.id)
        .options(joinedload(Session.room), selectinload(Session.speakers), joinedload(Session.moderator))
        .order_by(Session.starts_at, Session.id)
    )
    if published_only:
        query = query.where(Session.published_at.is_not(None))
    if with_drafts:
        query = query.options(selectinload(Session.draft))
    return list(db.session.scalars(query).unique())
