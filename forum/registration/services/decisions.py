"""Decisions on a registration: the organisers' approval, rejection and waiting list, the person's
cancellation and acceptance of an offer, and the edits of either."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from forum import audit
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import ApprovalMode, Registration, RegistrationStatus
from forum.registration.services._common import Status, confirm, lock, mark_cancelled, to_waitlist
from forum.registration.services.details import KEY_FIELDS, fill_details, organisation_for
from forum.registration.services.errors import ForumFull, OfferExpired, QuotaWouldBreak
from forum.registration.services.notify import send_confirmation_request, send_link, send_rejection
from forum.registration.services.quotas import has_room, place_counts, places_taken, quota_problems
from forum.registration.services.settings import settings_for
from forum.registration.services.waitlist import fill_places


@dataclass
class Decision:
    registration: Registration
    #: the status it ended with (an approval when the forum is full ends on the waiting list)
    status: RegistrationStatus


def approve(registration: Registration, *, actor: Any, now: datetime | None = None) -> Decision:
    """An organiser approves: confirmed when a place is free (or held for it), else waitlisted.

    Only capacity bounds an organiser's approval: quotas and minimum shares do not stop it (the
    queue shows what it would break, from `quotas.approval_warnings`, before the organiser decides).
    """
    now = now or utcnow()
    forum = registration.forum
    lock(forum)
    db.session.refresh(registration)
    if registration.status == Status.confirmed:
        return Decision(registration, registration.status)
    if registration.holds_place or registration.is_team or has_room(forum):
        confirm(registration, now=now, actor=actor)
    else:
        to_waitlist(registration, now)
        registration.decided_by_id = getattr(actor, "id", None)
    audit.record(
        "registration.approve", actor=actor, forum=forum, target=registration, result=registration.status.value
    )
    db.session.flush()
    return Decision(registration, registration.status)


def reject(registration: Registration, *, actor: Any, reason: str = "", now: datetime | None = None) -> Decision:
    """An organiser rejects; the reason is e-mailed and a place it held goes to the waiting list."""
    now = now or utcnow()
    forum = registration.forum
    lock(forum)
    db.session.refresh(registration)
    freed = registration.takes_place
    registration.status = Status.rejected
    registration.holds_place = False
    registration.offer_expires_at = None
    registration.rejection_reason = reason.strip() or None
    registration.decided_at = now
    registration.decided_by_id = getattr(actor, "id", None)
    audit.record("registration.reject", actor=actor, forum=forum, target=registration, reason=reason.strip())
    db.session.flush()
    send_rejection(registration)
    if freed:
        fill_places(forum, now=now)
    return Decision(registration, registration.status)


def move_to_waitlist(registration: Registration, *, actor: Any, now: datetime | None = None) -> Decision:
    """An organiser puts a registration on the waiting list (at its end)."""
    now = now or utcnow()
    forum = registration.forum
    lock(forum)
    db.session.refresh(registration)
    freed = registration.takes_place
    if registration.status != Status.waitlisted or registration.offer_expires_at is not None:
        to_waitlist(registration, now)
    registration.decided_by_id = getattr(actor, "id", None)
    audit.record("registration.waitlist", actor=actor, forum=forum, target=registration)
    db.session.flush()
    if freed:
        fill_places(forum, now=now, skip=(registration.id,))
    return Decision(registration, registration.status)


def cancel(registration: Registration, *, now: datetime | None = None, reason: str = "participant") -> Registration:
    """The person cancels (or declines an offer); their place goes to the waiting list."""
    now = now or utcnow()
    forum = registration.forum
    lock(forum)
    db.session.refresh(registration)
    if registration.status in (Status.cancelled, Status.rejected):
        return registration
    freed = registration.takes_place
    mark_cancelled(registration, reason, now)
    audit.record("registration.cancel", forum=forum, target=registration, reason=reason)
    db.session.flush()
    if freed:
        fill_places(forum, now=now)
    return registration


def accept_offer(registration: Registration, *, now: datetime | None = None) -> Registration:
    """The waitlisted person takes the place offered to them, while the offer lasts."""
    now = now or utcnow()
    lock(registration.forum)
    db.session.refresh(registration)
    if not registration.has_offer or registration.offer_expires_at <= now:
        raise OfferExpired()
    confirm(registration, now=now, actor=None)
    audit.record("registration.accept_offer", forum=registration.forum, target=registration)
    db.session.flush()
    return registration


def update(registration: Registration, data: dict[str, Any], *, now: datetime | None = None, actor: Any = None) -> bool:
    """Edit the details; returns True when the change sent a confirmed registration back for approval
    (the forum's setting): its place is kept for it meanwhile."""
    now = now or utcnow()
    forum = registration.forum
    lock(forum)
    db.session.refresh(registration)
    before = {key: getattr(registration, key) for key in KEY_FIELDS}
    fill_details(registration, data)
    if "organisation_id" in data or "organisation_name" in data:
        registration.organisation = organisation_for(data)
    db.session.flush()
    changed = [key for key in KEY_FIELDS if getattr(registration, key) != before[key]]
    audit.record("registration.update", actor=actor, forum=forum, target=registration, changed=",".join(changed))
    settings = settings_for(forum)
    if not (changed and registration.status == Status.confirmed and settings.reapprove_on_edit):
        return False
    if settings.approval == ApprovalMode.automatic:
        counts = place_counts(forum, exclude_id=registration.id)
        if not quota_problems(settings, forum.capacity, counts, registration):
            return False
    registration.status = Status.pending
    registration.holds_place = True
    registration.decided_at = None
    db.session.flush()
    return True


def edit_by_organiser(registration: Registration, data: dict[str, Any], *, actor: Any) -> list[str]:
    """An organiser corrects a registration (names, organisation, category...): it keeps its status and
    its place, since the organisers are the ones who approve. A change that would break a quota for a
    registration holding a place is refused. Returns the key fields that changed."""
    forum = registration.forum
    lock(forum)
    db.session.refresh(registration)
    before = {key: getattr(registration, key) for key in KEY_FIELDS}
    took_place = registration.takes_place
    # Consent to share contact details is the person's alone (law 09-08).
    fill_details(registration, {**data, "shares_contact": registration.shares_contact})
    registration.organisation = organisation_for(data)
    db.session.flush()
    changed = [key for key in KEY_FIELDS if getattr(registration, key) != before[key]]
    if registration.takes_place and not took_place and forum.capacity is not None:
        # a member of the team becomes a participant: they need one of the places
        if places_taken(forum) > forum.capacity:
            raise ForumFull()
    if changed and registration.takes_place:
        counts = place_counts(forum, exclude_id=registration.id)
        problems = quota_problems(settings_for(forum), forum.capacity, counts, registration)
        if problems:
            raise QuotaWouldBreak(problems=" ".join(problems))
    audit.record(
        "registration.organiser_update", actor=actor, forum=forum, target=registration, changed=",".join(changed)
    )
    if took_place and not registration.takes_place:
        fill_places(forum)  # now of the team: the place they held goes to the waiting list
    return changed


def resend_link(registration: Registration, *, actor: Any) -> None:
    """An organiser sends the person's e-mail again: the confirmation request (with a fresh link) while
    the address is not confirmed and the sign-up still waits for it, else the link to their registration."""
    forum = registration.forum
    if registration.email_confirmed_at is None and registration.status in (Status.pending, Status.waitlisted):
        send_confirmation_request(registration, forum, hours=settings_for(forum).confirmation_hours)
    else:
        send_link(registration)
    audit.record("registration.resend", actor=actor, forum=forum, target=registration)


def decide(registration: Registration, action: str, *, actor: Any, reason: str = "") -> Decision:
    """An organiser's decision from the queue: "approve", "waitlist", or else a rejection for `reason`."""
    if action == "approve":
        return approve(registration, actor=actor)
    if action == "waitlist":
        return move_to_waitlist(registration, actor=actor)
    return reject(registration, actor=actor, reason=reason)


def decide_many(
    forum: Forum, registration_ids: Iterable[int], action: str, *, actor: Any, reason: str = ""
) -> dict[RegistrationStatus, int]:
    """The same decision on several registrations of the forum (others are passed over): how many
    ended in each status."""
    outcomes: dict[RegistrationStatus, int] = {}
    for registration_id in registration_ids:
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.forum_id != forum.id:
            continue
        decision = decide(registration, action, actor=actor, reason=reason)
        outcomes[decision.status] = outcomes.get(decision.status, 0) + 1
    return outcomes
