"""Exhibitors: who may exhibit, invitations by the organisers, requests to exhibit and their decision, tiers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forum import audit
from forum.auth import services as accounts
from forum.auth.models import User
from forum.db import utcnow
from forum.events.models import Forum
from forum.exhibition.models import (
    BoothApplication,
    BoothAssignment,
    Exhibitor,
    ExhibitorStaff,
    ExhibitorStatus,
    ExhibitorTier,
    Sector,
)
from forum.exhibition.services._common import forum_of, mail_exhibitor
from forum.exhibition.services.errors import ExhibitionError
from forum.exhibition.services.floor_plan import find_exhibition
from forum.exhibition.services.staff import add_staff
from forum.extensions import db
from forum.registration.models import Organisation, OrganisationKind

#: the kinds of organisation that exhibit
EXHIBITOR_KINDS = (
    OrganisationKind.company,
    OrganisationKind.donor,
    OrganisationKind.public_institution,
    OrganisationKind.association,
    OrganisationKind.cooperative,
)


def exhibitors_of(forum: Forum, *, status: ExhibitorStatus | None = None) -> list[Exhibitor]:
    """The forum's exhibitors (of one status if given) by name, with booth and application loaded."""
    query = (
        sa.select(Exhibitor)
        .join(Organisation)
        .where(Exhibitor.forum_id == forum.id)
        .options(
            joinedload(Exhibitor.organisation),
            joinedload(Exhibitor.assignment).joinedload(BoothAssignment.booth),
            joinedload(Exhibitor.application).selectinload(BoothApplication.choices),
        )
        .order_by(Organisation.name)
    )
    if status is not None:
        query = query.where(Exhibitor.status == status)
    return list(db.session.scalars(query).unique())


def exhibitor_of(user: User, forum: Forum) -> Exhibitor | None:
    """The exhibitor whose staff this user is at this forum."""
    return db.session.scalar(
        sa.select(Exhibitor)
        .join(ExhibitorStaff, ExhibitorStaff.exhibitor_id == Exhibitor.id)
        .where(ExhibitorStaff.user_id == user.id, ExhibitorStaff.forum_id == forum.id)
    )


def create_exhibitor(
    forum: Forum, *, name: str, kind: OrganisationKind, contact_email: str, contact_name: str | None, **fields: Any
) -> Exhibitor:
    """A new exhibitor of the forum, for an organisation found by name and kind (or created).

    Only the EXHIBITOR_KINDS exhibit, and an organisation exhibits once per forum.
    """
    if OrganisationKind(kind) not in EXHIBITOR_KINDS:
        raise ExhibitionError(_l("This kind of organisation cannot exhibit."))
    name = name.strip()
    organisation = db.session.scalar(
        sa.select(Organisation).where(sa.func.lower(Organisation.name) == name.lower(), Organisation.kind == kind)
    )
    if organisation is None:
        organisation = Organisation(name=name, kind=OrganisationKind(kind))
        db.session.add(organisation)
        db.session.flush()
    elif db.session.scalar(
        sa.select(Exhibitor.id).where(Exhibitor.forum_id == forum.id, Exhibitor.organisation_id == organisation.id)
    ):
        raise ExhibitionError(_l("%(name)s is already an exhibitor of this forum.", name=organisation.name))
    exhibitor = Exhibitor(
        forum_id=forum.id,
        organisation=organisation,
        contact_email=accounts.normalise_email(contact_email),
        contact_name=(contact_name or "").strip() or None,
        **fields,
    )
    db.session.add(exhibitor)
    db.session.flush()
    return exhibitor


def invite_exhibitor(
    forum: Forum,
    *,
    name: str,
    kind: OrganisationKind,
    contact_email: str,
    contact_name: str | None,
    tier: ExhibitorTier,
    actor: User,
    locale: str,
    now: datetime | None = None,
) -> Exhibitor:
    """The organisers invite an organisation: approved at once, its contact becomes its first staff."""
    now = now or utcnow()
    exhibitor = create_exhibitor(
        forum,
        name=name,
        kind=kind,
        contact_email=contact_email,
        contact_name=contact_name,
        status=ExhibitorStatus.approved,
        tier=ExhibitorTier(tier),
        decided_at=now,
    )
    add_staff(exhibitor, contact_email, contact_name, actor=actor, locale=locale, now=now)
    mail_exhibitor(exhibitor, "Your organisation is invited to exhibit", "exhibition_invited", locale=locale)
    audit.record("exhibition.exhibitor_invite", actor=actor, forum=forum, target=exhibitor, name=exhibitor.name)
    return exhibitor


def request_to_exhibit(
    forum: Forum,
    *,
    name: str,
    kind: OrganisationKind,
    sector: Sector | None,
    contact_email: str,
    contact_name: str,
    description: dict[str, str],
    now: datetime | None = None,
) -> Exhibitor:
    """An organisation asks to exhibit (public form); the organisers approve or decline it."""
    exhibition = find_exhibition(forum)
    if exhibition is not None and not exhibition.accepts_applications(now):
        raise ExhibitionError(_l("Requests to exhibit are closed."))
    exhibitor = create_exhibitor(
        forum,
        name=name,
        kind=kind,
        contact_email=contact_email,
        contact_name=contact_name,
        status=ExhibitorStatus.pending,
        sector=Sector(sector) if sector else None,
        description=description,
    )
    audit.record("exhibition.exhibitor_request", forum=forum, target=exhibitor, name=exhibitor.name)
    return exhibitor


def approve_exhibitor(exhibitor: Exhibitor, *, actor: User, locale: str, now: datetime | None = None) -> Exhibitor:
    """Accept a pending request to exhibit: its contact becomes its first staff and is told by e-mail."""
    if exhibitor.status != ExhibitorStatus.pending:
        raise ExhibitionError(_l("This request has already been decided."))
    exhibitor.status, exhibitor.decided_at = ExhibitorStatus.approved, now or utcnow()
    add_staff(exhibitor, exhibitor.contact_email, exhibitor.contact_name, actor=actor, locale=locale, now=now)
    mail_exhibitor(exhibitor, "Your organisation is invited to exhibit", "exhibition_invited", locale=locale)
    audit.record("exhibition.exhibitor_approve", actor=actor, forum=forum_of(exhibitor.forum_id), target=exhibitor)
    return exhibitor


def decline_exhibitor(exhibitor: Exhibitor, *, actor: User, now: datetime | None = None) -> Exhibitor:
    """Turn down a pending request to exhibit."""
    if exhibitor.status != ExhibitorStatus.pending:
        raise ExhibitionError(_l("This request has already been decided."))
    exhibitor.status, exhibitor.decided_at = ExhibitorStatus.rejected, now or utcnow()
    audit.record("exhibition.exhibitor_decline", actor=actor, forum=forum_of(exhibitor.forum_id), target=exhibitor)
    return exhibitor


def set_tier(exhibitor: Exhibitor, tier: ExhibitorTier, *, actor: User) -> Exhibitor:
    """Set the exhibitor's tier (which orders the applicants in an allocation)."""
    exhibitor.tier = ExhibitorTier(tier)
    audit.record(
        "exhibition.exhibitor_tier", actor=actor, forum=forum_of(exhibitor.forum_id), target=exhibitor, tier=tier
    )
    return exhibitor
