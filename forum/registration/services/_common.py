"""What the registration services share: the forum's lock, the waiting list's order, and the changes of
status that several rules make (to the waiting list, cancelled, confirmed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum import hooks
from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import Registration, RegistrationStatus
from forum.registration.services.notify import send_confirmed

Status = RegistrationStatus


# FOR NO KEY UPDATE: it serialises the changes of places as FOR UPDATE would, but does not wait for
# (nor block) the key-share locks that inserting a row referencing the forum takes (a scan, a message,
# any row of the forum's tables written meanwhile).
LOCK = sa.select(Forum.id).where(Forum.id == sa.bindparam("forum_id")).with_for_update(key_share=True)


def lock(forum: Forum) -> None:
    """Serialise every change of the forum's places behind its row lock."""
    db.session.execute(LOCK, {"forum_id": forum.id})


def joined_waitlist():
    """The waiting list's order: when each joined it (arrival time for rows made without it)."""
    return sa.func.coalesce(Registration.waitlisted_at, Registration.created_at)


def to_waitlist(registration: Registration, now: datetime) -> None:
    """Put the registration at the end of the waiting list, without a place or an offer."""
    registration.status = Status.waitlisted
    registration.waitlisted_at = now
    registration.holds_place = False
    registration.offer_expires_at = None


def mark_cancelled(registration: Registration, reason: str, now: datetime) -> None:
    """Cancel the registration (for `reason`), freeing what it held."""
    registration.status = Status.cancelled
    registration.cancel_reason = reason
    registration.holds_place = False
    registration.offer_expires_at = None
    registration.decided_at = now


def confirm(registration: Registration, *, now: datetime, actor: Any) -> None:
    """Confirm the registration's place, e-mail the person and run the confirmed hooks."""
    registration.status = Status.confirmed
    registration.holds_place = False
    registration.offer_expires_at = None
    registration.waitlisted_at = None
    registration.decided_at = now
    registration.decided_by_id = getattr(actor, "id", None)
    db.session.flush()
    send_confirmed(registration)
    for notify in hooks.registration_confirmed:
        notify(registration)  # hooks build their links with mail.external_url, also outside requests


def value_of(member: Any) -> str | None:
    """An enum member's value (a plain value as it is)."""
    return getattr(member, "value", member)
