"""Registrations made for people rather than by them: those an organiser adds, and the team's (an
exhibitor's staff, an organiser, an agent), confirmed at once for their badge and check-in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from forum import audit, hooks
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.privacy.services.consent import current_consent_id
from forum.registration.models import TEAM_CATEGORIES, Category, Gender, Organisation, Registration, _new_key
from forum.registration.services._common import Status, confirm, lock, value_of
from forum.registration.services.details import (
    fill_details,
    find,
    normalise_email,
    organisation_for,
    was_never_confirmed,
)
from forum.registration.services.errors import EmailTaken, ForumFull
from forum.registration.services.quotas import has_room


def add_by_organiser(forum: Forum, data: dict[str, Any], *, actor: Any, now: datetime | None = None) -> Registration:
    """An organiser registers a person themselves (a speaker, a guest, the press, a member of the
    team...): the registration is confirmed at once, takes a place like any other (ForumFull when none
    is left, as an approval would find), and the person is e-mailed their link and badge. An e-mail
    already registered here is refused (EmailTaken), unless its sign-up expired unconfirmed. Exhibitors
    receive the person's contact details only when the organiser says the person agreed
    (data["shares_contact"], law 09-08)."""
    now = now or utcnow()
    email = normalise_email(data["email"])
    lock(forum)
    registration = find(forum, email)
    if registration is not None and not was_never_confirmed(registration):
        raise EmailTaken(email=email)
    if data["category"] not in TEAM_CATEGORIES and not has_room(forum):
        raise ForumFull()
    if registration is None:
        registration = Registration(forum_id=forum.id, email=email, access_key=_new_key())
        db.session.add(registration)
    fill_details(registration, {**data, "shares_contact": bool(data.get("shares_contact"))})
    registration.organisation = organisation_for(data)
    registration.consent_at = now  # the organiser confirmed that the person agreed
    registration.consent_text_id = current_consent_id()
    registration.created_at = now
    registration.email_confirmed_at = None
    registration.cancel_reason = None
    registration.waitlisted_at = None
    confirm(registration, now=now, actor=actor)
    audit.record(
        "registration.add", actor=actor, forum=forum, target=registration, category=value_of(registration.category)
    )
    return registration


def register_team_member(
    forum: Forum,
    user: Any,
    category: Category,
    *,
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> Registration:
    """A member of the team (an exhibitor's staff, an organiser, an agent...) gets a confirmed
    registration of the team's category, for their badge and check-in; one they already hold at this
    forum (by e-mail) is kept as it is."""
    now = now or utcnow()
    registration = find(forum, user.email)
    if registration is not None:
        return registration
    arabic = any("\u0600" <= char <= "\u06ff" for char in user.name)
    registration = Registration(
        forum_id=forum.id,
        user_id=user.id,
        organisation_id=organisation.id if organisation else None,
        name_ar=user.name if arabic else None,
        name_latin=None if arabic else user.name,
        email=normalise_email(user.email),
        access_key=_new_key(),
        province=organisation.province if organisation else None,
        area=organisation.area if organisation else None,
        category=category,
        gender=Gender.unspecified,
        locale=user.locale or forum.default_locale,
        status=Status.confirmed,
        consent_at=now,
        email_confirmed_at=now,
        decided_at=now,
    )
    db.session.add(registration)
    db.session.flush()
    for confirmed in hooks.registration_confirmed:
        confirmed(registration)
    return registration
