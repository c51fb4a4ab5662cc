"""Speakers, moderators and rapporteurs, and the registrations a speaker may be linked to."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum import audit, storage
from forum.auth.models import Membership, Role, User
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Speaker
from forum.programme.services.errors import ProgrammeError
from forum.registration.models import Category, Registration, RegistrationStatus


def speakers_of(forum: Forum) -> list[Speaker]:
    """The forum's speakers by their name in Latin script."""
    return list(db.session.scalars(sa.select(Speaker).where(Speaker.forum_id == forum.id).order_by(Speaker.name_latin)))


def rapporteurs_of(forum: Forum) -> list[User]:
    """The people with the rapporteur role in the forum, by name (whom a session's rapporteur may be)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.forum_id == forum.id, Membership.role == Role.rapporteur)
            .order_by(User.name)
        )
    )


def speaker_registrations(forum: Forum, speaker: Speaker | None = None) -> list[Registration]:
    """The registrations a speaker may be linked to (for their badge and check-in): those of the forum
    in the Speaker category that are still current, and the one the speaker already has."""
    current = sa.and_(
        Registration.category == Category.speaker,
        Registration.status.not_in((RegistrationStatus.cancelled, RegistrationStatus.rejected)),
    )
    if speaker is not None and speaker.registration_id is not None:
        current = sa.or_(current, Registration.id == speaker.registration_id)
    query = sa.select(Registration).where(Registration.forum_id == forum.id, current)
    return sorted(db.session.scalars(query), key=lambda r: r.display_name.casefold())


def save_speaker(forum: Forum, speaker: Speaker | None, data: dict[str, Any], *, actor: User | None) -> Speaker:
    """Create (speaker None) or update a speaker; `photo` (bytes, suffix) replaces the photo."""
    if not (data.get("name_ar") or data.get("name_latin")):
        raise ProgrammeError(_l("Give the speaker's name in Arabic or Latin script."))
    creating = speaker is None
    if speaker is None:
        speaker = Speaker(forum_id=forum.id)
        db.session.add(speaker)
    photo = data.pop("photo", None)
    for key, value in data.items():
        setattr(speaker, key, value)
    if photo is not None:
        storage.delete(speaker.photo_key)
        speaker.photo_key = storage.save(f"speakers/{forum.id}", photo[0], photo[1])
    db.session.flush()
    audit.record("speaker.create" if creating else "speaker.update", actor=actor, forum=forum, target=speaker)
    return speaker
