"""Erasure: a person's registration anonymised, what modules hold about them removed, counts kept right."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum import audit, hooks
from forum.db import utcnow
from forum.extensions import db
from forum.registration import services as registration_services
from forum.registration.models import Registration


def erase(registration: Registration, *, reason: str, actor: Any = None, now: datetime | None = None) -> None:
    """Erase the person's personal data at this forum (idempotent).

    A registration holding a place of a forum not yet begun is cancelled first (the place goes to the
    waiting list); once the forum has begun the status stays, so attendance figures stay right. Each
    module then removes what names or reaches the person (the `erase_personal_data` hook: leads are
    deleted, check-in trail rows lose the scanned text), and the registration keeps only what the
    forum's counts need (category, gender, province, area, organisation, status, disability) under a
    new access key and badge secret: the private link and the badge stop working. The audit entry
    names the registration's id, never the person.
    """
    now = now or utcnow()
    if registration.erased_at is not None:
        return
    if registration.takes_place and registration.forum.starts_on > now.astimezone(registration.forum.zone).date():
        registration_services.cancel(registration, now=now)
    for receiver in hooks.erase_personal_data:
        receiver(registration, now)
    registration.name_ar = None
    registration.name_latin = "—"
    registration.email = f"erased-{registration.id}@erased.invalid"
    registration.phone = None
    registration.job_title = None
    registration.accessibility_needs = []
    registration.accessibility_note = None
    registration.rejection_reason = None
    registration.shares_contact = False
    registration.user_id = None
    registration.access_key = secrets.token_urlsafe(32)
    registration.badge_secret = secrets.token_urlsafe(32)
    registration.erased_at = now
    # what the trail recorded about this registration (a rejection's reason, ...) goes with it
    db.session.execute(
        sa.update(audit.AuditEntry).where(audit.AuditEntry.target == f"registration:{registration.id}").values(data={})
    )
    audit.record("privacy.erase", actor=actor, forum=registration.forum, target=registration, reason=reason)
