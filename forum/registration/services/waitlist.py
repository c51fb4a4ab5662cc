"""The waiting list: its order, the places it is given (promoted or offered), expiry of unconfirmed
sign-ups and lapsed offers, and the settings change that can free places for it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from forum import audit
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import UNCONFIRMED_CONDITION, Registration, RegistrationSettings, WaitlistMode
from forum.registration.services._common import Status, confirm, joined_waitlist, lock, mark_cancelled, to_waitlist
from forum.registration.services.notify import send_offer, send_offer_lapsed
from forum.registration.services.quotas import Counts, has_quotas, place_counts, places_left, quota_problems
from forum.registration.services.settings import settings_for


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to be offered a place; None when not waiting (or holding an offer)."""
    if registration.status != Status.waitlisted or registration.offer_expires_at is not None:
        return None
    joined = registration.waitlisted_at or registration.created_at
    ahead = db.session.scalar(
        sa.select(sa.func.count()).where(
            Registration.forum_id == registration.forum_id,
            Registration.status == Status.waitlisted,
            Registration.offer_expires_at.is_(None),
            sa.or_(joined_waitlist() < joined, sa.and_(joined_waitlist() == joined, Registration.id < registration.id)),
        )
    )
    return ahead + 1


def fill_places(forum: Forum, *, now: datetime | None = None, skip: Collection[int] = ()) -> list[Registration]:
    """Give free places to the waiting list in order: to the first person whose admission keeps the
    quotas and whose e-mail is confirmed; promoted directly or offered for a while (forum setting).
    Registrations in `skip` are passed over (a person who just declined or let an offer lapse is not
    offered the place again at once). The caller holds the forum lock."""
    now = now or utcnow()
    settings = settings_for(forum)
    served: list[Registration] = []
    while True:
        left = places_left(forum)
        if left == 0:
            return served
        # without quotas, no need to count who holds the places (a scan of the forum)
        counts = place_counts(forum) if has_quotas(settings) else Counts()
        candidates = db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.forum_id == forum.id,
                Registration.status == Status.waitlisted,
                Registration.offer_expires_at.is_(None),
                Registration.email_confirmed_at.is_not(None),
                Registration.id.not_in(skip),
            )
            .order_by(joined_waitlist(), Registration.id)
        )
        chosen = next((r for r in candidates if not quota_problems(settings, forum.capacity, counts, r)), None)
        if chosen is None:
            return served
        if settings.waitlist == WaitlistMode.promote:
            confirm(chosen, now=now, actor=None)
            audit.record("registration.promote", forum=forum, target=chosen)
        else:
            chosen.holds_place = True
            chosen.offer_expires_at = now + timedelta(hours=settings.offer_hold_hours)
            audit.record("registration.offer", forum=forum, target=chosen)
            send_offer(chosen, forum)
        db.session.flush()
        served.append(chosen)


def expire_unconfirmed(*, now: datetime | None = None, forum: Forum | None = None) -> int:
    """Cancel registrations whose e-mail was not confirmed in time and lapse offers not taken up (their
    holders go back to the end of the waiting list); the places they held go to the waiting list.
    Returns how many registrations were affected."""
    now = now or utcnow()
    forum_ids = (
        [forum.id]
        if forum is not None
        else db.session.scalars(
            sa.select(Registration.forum_id)
            .where(
                Registration.status.in_((Status.pending, Status.waitlisted)),
                sa.or_(Registration.email_confirmed_at.is_(None), Registration.offer_expires_at.is_not(None)),
            )
            .distinct()
        ).all()
    )
    total = 0
    for forum_id in forum_ids:
        target = db.session.get(Forum, forum_id)
        lock(target)
        total += expire_forum(target, settings_for(target), now)
    return total


def _overdue_conditions(settings: RegistrationSettings, now: datetime) -> tuple[Any, Any]:
    cutoff = now - timedelta(hours=settings.confirmation_hours)
    # in the words of the sign-up's question and of its partial index (ix_registration_unconfirmed)
    overdue_sign_up = sa.and_(sa.text(UNCONFIRMED_CONDITION), Registration.created_at < cutoff)
    lapsed_offer = sa.and_(Registration.status == Status.waitlisted, Registration.offer_expires_at < now)
    return overdue_sign_up, lapsed_offer


def _anything_overdue(forum: Forum, settings: RegistrationSettings, now: datetime) -> bool:
    """One cheap query, run on every sign-up: is there a sign-up or an offer to expire?"""
    found = db.session.scalar(
        sa.select(Registration.id)
        .where(Registration.forum_id == forum.id, sa.or_(*_overdue_conditions(settings, now)))
        .limit(1)
    )
    return found is not None


def expire_forum(forum: Forum, settings: RegistrationSettings, now: datetime) -> int:
    """Expire this forum's overdue sign-ups and offers (the caller holds the forum lock)."""
    if not _anything_overdue(forum, settings, now):
        return 0
    overdue_sign_up, lapsed_offer = _overdue_conditions(settings, now)
    overdue = db.session.scalars(
        sa.select(Registration).where(Registration.forum_id == forum.id, overdue_sign_up)
    ).all()
    lapsed = db.session.scalars(sa.select(Registration).where(Registration.forum_id == forum.id, lapsed_offer)).all()
    for registration in overdue:
        mark_cancelled(registration, "expired", now)
        audit.record("registration.expire", forum=forum, target=registration)
    for registration in lapsed:
        # Missing an e-mail does not cost the registration: the person goes back to the end of the
        # waiting list, behind everyone waiting now, and the place goes to the next one.
        to_waitlist(registration, now)
        audit.record("registration.offer_lapsed", forum=forum, target=registration)
    if overdue or lapsed:
        db.session.flush()
        fill_places(forum, now=now, skip=[registration.id for registration in lapsed])
        if lapsed:
            # Places nobody else could take are offered again rather than left to the next sign-up.
            fill_places(forum, now=now)
    for registration in lapsed:
        if registration.has_offer:
            continue  # offered again: that e-mail says so
        send_offer_lapsed(registration, forum, position=waitlist_position(registration))
    return len(overdue) + len(lapsed)


def save_settings(
    forum: Forum, data: dict[str, Any], *, actor: Any, now: datetime | None = None
) -> RegistrationSettings:
    """Store the forum's settings; places freed by a looser rule go to the waiting list at once."""
    now = now or utcnow()
    lock(forum)
    settings = settings_for(forum)
    for key, value in data.items():
        setattr(settings, key, value)
    db.session.add(settings)
    db.session.flush()
    audit.record("registration.settings", actor=actor, forum=forum, target=forum, approval=settings.approval.value)
    fill_places(forum, now=now)
    return settings
