"""Notices: whom a published version's changes concern, and the e-mails telling them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum import audit, mail
from forum.auth.models import User
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import ProgrammeVersion, Signup, Speaker, session_speaker
from forum.programme.services.errors import ProgrammeError
from forum.registration.models import Registration


@dataclass
class Notice:
    """The message one person will receive about a version: the sessions of theirs that changed."""

    registration: Registration
    changes: list[dict[str, Any]]
    as_speaker: bool = False


NOTIFIED_KINDS = ("moved", "cancelled", "reinstated")


def notices_for(version: ProgrammeVersion) -> list[Notice]:
    """Signed-up participants and speakers (with a registration) of the sessions that moved or were cancelled."""
    changes = {c["session_id"]: c for c in version.changes if c["kind"] in NOTIFIED_KINDS}
    if not changes:
        return []
    by_registration: dict[int, Notice] = {}
    signed = db.session.execute(
        sa.select(Signup.session_id, Registration)
        .join(Registration, Registration.id == Signup.registration_id)
        .where(Signup.session_id.in_(changes))
    ).all()
    speaking = db.session.execute(
        sa.select(session_speaker.c.session_id, Registration)
        .join(Speaker, Speaker.id == session_speaker.c.speaker_id)
        .join(Registration, Registration.id == Speaker.registration_id)
        .where(session_speaker.c.session_id.in_(changes))
    ).all()
    for rows, as_speaker in ((speaking, True), (signed, False)):
        for session_id, registration in rows:
            notice = by_registration.setdefault(registration.id, Notice(registration, [], as_speaker))
            if changes[session_id] not in notice.changes:
                notice.changes.append(changes[session_id])
    return sorted(by_registration.values(), key=lambda n: n.registration.display_name)


def send_notices(version: ProgrammeVersion, *, actor: User | None, now: datetime | None = None) -> int:
    """Send the reviewed notifications of a version (once); returns how many e-mails were queued."""
    if version.notified_at is not None:
        raise ProgrammeError(_l("These notifications have already been sent."))
    forum = db.session.get(Forum, version.forum_id)
    notices = notices_for(version)
    for notice in notices:
        registration = notice.registration
        mail.send(
            registration.email,
            _l("The programme of %(forum)s has changed"),
            "programme_changes",
            locale=registration.locale,
            forum=forum,
            notice=notice,
            agenda_url=mail.external_url("programme.agenda", forum_slug=forum.slug, access_key=registration.access_key),
        )
    version.notified_at = now or utcnow()
    audit.record("programme.notify", actor=actor, forum=forum, target=version, count=len(notices))
    db.session.flush()
    return len(notices)
