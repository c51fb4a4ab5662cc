"""Drafts: a session as the organisers edit it, its unpublished edits kept apart from what the public sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum.db import translated
from forum.extensions import db
from forum.programme.models import Session, SessionDraft, SessionKind, Speaker

#: what calendars show of a session: a publication that changes one of them raises its iCalendar SEQUENCE
CALENDAR_FIELDS = ("title", "description", "room_id", "starts_at", "ends_at", "is_cancelled", "speaker_ids")

#: what the public sees of a session: edits to a published one wait in its draft for the next publication
PUBLIC_FIELDS = (
    "kind",
    "title",
    "description",
    "theme",
    "room_id",
    "starts_at",
    "ends_at",
    "capacity",
    "is_signup_required",
    "moderator_id",
    "is_cancelled",
    "speaker_ids",
)

#: what `save_session` accepts besides `speaker_ids`; the rapporteur is not public and changes at once
SESSION_FIELDS = tuple(name for name in PUBLIC_FIELDS if name != "speaker_ids") + ("rapporteur_id",)

#: the values of a session not saved yet
_EMPTY = {
    "kind": SessionKind.workshop,
    "title": {},
    "description": {},
    "is_signup_required": False,
    "is_cancelled": False,
}


@dataclass
class DraftSession:
    """A session as the organisers' draft has it: its published state with the unpublished edits over
    it (a session never published is its own draft). The timetable, the edit form, the conflict checks
    and the next publication read this; the public side reads the Session row."""

    session: Session
    kind: SessionKind
    title: dict[str, str]
    description: dict[str, str]
    theme: str | None
    room_id: int | None
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    is_signup_required: bool
    moderator_id: int | None
    is_cancelled: bool
    speaker_ids: list[int]
    rapporteur_id: int | None

    @property
    def id(self) -> int | None:
        return self.session.id

    @property
    def published_at(self) -> datetime | None:
        return self.session.published_at

    @property
    def has_unpublished_changes(self) -> bool:
        return self.session.published_at is not None and self.session.draft is not None

    @property
    def name(self) -> str:
        return translated(self.title)

    def overlaps(self, other: DraftSession) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def _published_values(session: Session) -> dict[str, Any]:
    values = {name: getattr(session, name) for name in SESSION_FIELDS}
    values["speaker_ids"] = [speaker.id for speaker in session.speakers]
    values.update({name: empty for name, empty in _EMPTY.items() if values[name] is None})
    return values


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value.value if isinstance(value, SessionKind) else value


def _decode(name: str, value: Any) -> Any:
    if name in ("starts_at", "ends_at"):
        return datetime.fromisoformat(value)
    return SessionKind(value) if name == "kind" else value


def draft_of(session: Session, *, published: bool = False) -> DraftSession:
    """The session as organisers edit it (or, with `published`, as the public sees it)."""
    values = _published_values(session)
    if not published and session.published_at is not None and session.draft is not None:
        values.update({name: _decode(name, value) for name, value in session.draft.changes.items()})
    return DraftSession(session, **values)


def keep_draft(session: Session, draft: DraftSession) -> None:
    """Store what differs from the published state (no draft when the edits undo each other)."""
    published = _published_values(session)
    changes = {name: _encode(getattr(draft, name)) for name in PUBLIC_FIELDS if getattr(draft, name) != published[name]}
    if not changes:
        session.draft = None
    elif session.draft is None:
        session.draft = SessionDraft(changes=changes)
    else:
        session.draft.changes = changes


def apply_draft(session: Session) -> bool:
    """Publish a session's draft onto it; True when calendars must see a new SEQUENCE."""
    before, after = _published_values(session), draft_of(session)
    for name in SESSION_FIELDS:
        setattr(session, name, getattr(after, name))
    if after.speaker_ids != before["speaker_ids"]:
        session.speakers = list(
            db.session.scalars(sa.select(Speaker).where(Speaker.id.in_(after.speaker_ids)).order_by(Speaker.id))
        )
    session.draft = None
    return any(getattr(after, name) != before[name] for name in CALENDAR_FIELDS)
