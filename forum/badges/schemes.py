"""Which scheme a forum's badge codes are issued in (version 1, HMAC; version 2, Ed25519), and the
organiser's switch, with or without reissuing every badge of the forum."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g

from forum import audit
from forum.badges.models import BadgeScheme, BadgeSettings
from forum.db import utcnow
from forum.extensions import db
from forum.registration.models import Registration


def scheme_of(forum_id: int) -> BadgeScheme:
    """The scheme the forum's codes are issued in (version 1 until an organiser chooses); read once per
    request or job, since a print batch writes hundreds of codes."""
    known = g.setdefault("badge_schemes", {})
    if forum_id not in known:
        settings = db.session.get(BadgeSettings, forum_id)
        known[forum_id] = settings.scheme if settings is not None else BadgeScheme.hmac
    return known[forum_id]


def set_scheme(forum: Any, scheme: BadgeScheme, *, reissue: bool, actor: Any) -> int:
    """Issue the forum's codes in this scheme from now on; with `reissue`, every badge of the forum gets
    a new version (the codes printed before stop working). Returns how many badges were reissued."""
    settings = db.session.get(BadgeSettings, forum.id)
    if settings is None:
        settings = BadgeSettings(forum_id=forum.id, scheme=scheme)
        db.session.add(settings)
    settings.scheme, settings.changed_at = scheme, utcnow()
    reissued = 0
    if reissue:
        reissued = db.session.execute(
            sa.update(Registration)
            .where(Registration.forum_id == forum.id)
            .values(badge_version=Registration.badge_version + 1)
            .execution_options(synchronize_session="fetch")
        ).rowcount
    g.setdefault("badge_schemes", {})[forum.id] = scheme
    audit.record("badges.scheme", actor=actor, forum=forum, scheme=scheme.value, reissued=reissued)
    db.session.flush()
    return reissued
