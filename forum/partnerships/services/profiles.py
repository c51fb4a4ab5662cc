"""Partnership profiles: publishing one (with consent), the exhibitor's offers kept in step, the directory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum.db import utcnow
from forum.events.models import Forum
from forum.exhibition.models import Exhibitor
from forum.extensions import db
from forum.partnerships import vocabulary
from forum.partnerships.models import PartnershipProfile
from forum.partnerships.services._common import require_confirmed
from forum.partnerships.services.errors import NoConsent
from forum.programme.models import Session
from forum.registration.models import Registration, RegistrationStatus


def themes_of(forum: Forum) -> list[str]:
    """The themes of the forum's published programme, for profiles to choose from."""
    return list(
        db.session.scalars(
            sa.select(Session.theme)
            .where(Session.forum_id == forum.id, Session.theme.is_not(None), Session.published_at.is_not(None))
            .distinct()
            .order_by(Session.theme)
        )
    )


def profile_of(registration: Registration) -> PartnershipProfile | None:
    """The registration's partnership profile, if it published one."""
    return db.session.scalar(sa.select(PartnershipProfile).where(PartnershipProfile.registration_id == registration.id))


def exhibitor_of_registration(registration: Registration) -> Exhibitor | None:
    """The exhibitor of the person's organisation at this forum: its profile is the organisation's."""
    if registration.organisation_id is None:
        return None
    return db.session.scalar(
        sa.select(Exhibitor).where(
            Exhibitor.forum_id == registration.forum_id, Exhibitor.organisation_id == registration.organisation_id
        )
    )


def initial_profile(registration: Registration) -> dict[str, Any]:
    """What the profile form starts from: the saved profile, else the exhibitor's offers and needs."""
    profile = profile_of(registration)
    if profile is not None:
        return {}
    exhibitor = exhibitor_of_registration(registration)
    provinces = [registration.province] if registration.province else []
    if exhibitor is None:
        return {"provinces": provinces}
    return {"offers": list(exhibitor.offers or []), "needs": list(exhibitor.seeks or []), "provinces": provinces}


def save_profile(
    registration: Registration, data: dict[str, Any], *, consent: bool, now: datetime | None = None
) -> PartnershipProfile:
    """Publish or update the person's profile; consent (law 09-08) is required to publish it.

    An exhibitor's staff member edits their organisation's profile: the exhibitor's offers and needs
    follow the profile's.
    """
    require_confirmed(registration)
    if not consent:
        raise NoConsent()
    profile = profile_of(registration)
    if profile is None:
        profile = PartnershipProfile(
            forum_id=registration.forum_id, registration_id=registration.id, consent_at=now or utcnow()
        )
        db.session.add(profile)
    profile.offers = vocabulary.clean(data.get("offers"))
    profile.needs = vocabulary.clean(data.get("needs"))
    known_themes = set(themes_of(registration.forum))
    profile.themes = [t for t in data.get("themes") or [] if t in known_themes]
    profile.provinces = list(dict.fromkeys(data.get("provinces") or []))
    profile.pitch = {k: v for k, v in (data.get("pitch") or {}).items() if v}
    profile.is_open_to_meetings = bool(data.get("is_open_to_meetings", True))
    for field in ("project_title", "project_summary", "project_amount", "project_beneficiaries", "project_province"):
        setattr(profile, field, data.get(field) or None)
    profile.project_area = data.get("project_area") or None
    exhibitor = exhibitor_of_registration(registration)
    if exhibitor is not None:
        exhibitor.offers, exhibitor.seeks = list(profile.offers), list(profile.needs)
    db.session.flush()
    return profile


def withdraw_profile(registration: Registration) -> None:
    """Take the profile down (the consent is withdrawn); requests and meetings already made stay."""
    profile = profile_of(registration)
    if profile is not None:
        db.session.delete(profile)
        db.session.flush()


def _listed(forum: Forum) -> sa.Select:
    return (
        sa.select(PartnershipProfile)
        .join(Registration, Registration.id == PartnershipProfile.registration_id)
        .where(
            PartnershipProfile.forum_id == forum.id,
            PartnershipProfile.is_open_to_meetings.is_(True),
            Registration.status == RegistrationStatus.confirmed,
        )
        .options(joinedload(PartnershipProfile.registration).joinedload(Registration.organisation))
    )


def listed_profiles(forum: Forum) -> list[PartnershipProfile]:
    """Every profile open to meetings of a confirmed participant, oldest first."""
    return list(db.session.scalars(_listed(forum).order_by(PartnershipProfile.id)))


def directory(
    forum: Forum,
    *,
    offer: str | None = None,
    need: str | None = None,
    theme: str | None = None,
    province: str | None = None,
    category: str | None = None,
) -> list[PartnershipProfile]:
    """The profiles open to meetings, filtered by what they offer or need, theme, province, category."""
    profiles = listed_profiles(forum)
    return [
        p
        for p in profiles
        if (not offer or offer in p.offers)
        and (not need or need in p.needs)
        and (not theme or theme in p.themes)
        and (not province or province in p.provinces)
        and (not category or p.registration.category.value == category)
    ]


def listed_profile(forum: Forum, profile_id: int) -> PartnershipProfile | None:
    """One profile of the directory (None when it is not listed at this forum)."""
    return db.session.scalar(_listed(forum).where(PartnershipProfile.id == profile_id))
