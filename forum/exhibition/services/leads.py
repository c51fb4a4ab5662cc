"""Leads: the visitors an exhibitor scans (with their consent), their notes, the CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum import audit, spreadsheets
from forum.auth.models import User
from forum.badges.services import read_badge_code
from forum.db import utcnow
from forum.exhibition.models import Exhibitor, Lead
from forum.exhibition.services._common import forum_of
from forum.exhibition.services.errors import ExhibitionError, NoConsent
from forum.extensions import db
from forum.registration.models import Registration, RegistrationStatus


@dataclass
class ScanOutcome:
    """A scan's lead, and whether the scan made it (False: the visitor was a lead already)."""

    lead: Lead
    is_new: bool


def record_lead(exhibitor: Exhibitor, code: str, *, actor: User, now: datetime | None = None) -> ScanOutcome:
    """Save the visitor behind a scanned badge as a lead of the exhibitor, if they consented.

    Raises BadgeCodeError (with its reason) for a code that is not a valid badge of this forum.
    """
    registration = read_badge_code(code, forum_id=exhibitor.forum_id)
    if registration.status != RegistrationStatus.confirmed:
        raise ExhibitionError(_l("This badge does not belong to a confirmed participant."))
    if not registration.shares_contact:
        raise NoConsent()
    existing = db.session.scalar(
        sa.select(Lead).where(Lead.exhibitor_id == exhibitor.id, Lead.registration_id == registration.id)
    )
    if existing is not None:
        return ScanOutcome(existing, False)
    lead = Lead(
        exhibitor_id=exhibitor.id, registration=registration, scanned_by_id=actor.id, scanned_at=now or utcnow()
    )
    try:
        with db.session.begin_nested():
            db.session.add(lead)
    except IntegrityError:
        existing = db.session.scalar(
            sa.select(Lead).where(Lead.exhibitor_id == exhibitor.id, Lead.registration_id == registration.id)
        )
        return ScanOutcome(existing, False)
    audit.record("exhibition.lead", actor=actor, forum=forum_of(exhibitor.forum_id), target=lead)
    return ScanOutcome(lead, True)


def leads_of(exhibitor: Exhibitor) -> list[Lead]:
    """The exhibitor's leads, latest first, with the visitor and their organisation loaded."""
    return list(
        db.session.scalars(
            sa.select(Lead)
            .where(Lead.exhibitor_id == exhibitor.id)
            .options(joinedload(Lead.registration).joinedload(Registration.organisation))
            .order_by(Lead.scanned_at.desc(), Lead.id.desc())
        )
    )


def get_lead(exhibitor: Exhibitor, lead_id: int) -> Lead | None:
    """The lead with this id of this exhibitor, or None (never another exhibitor's)."""
    lead = db.session.get(Lead, lead_id)
    return lead if lead is not None and lead.exhibitor_id == exhibitor.id else None


def update_note(lead: Lead, note: str, *, actor: User) -> Lead:
    """The exhibitor's own note on a lead."""
    lead.note = note.strip()
    return lead


def leads_csv(exhibitor: Exhibitor, *, zone: Any) -> bytes:
    """The exhibitor's leads as CSV, through the one spreadsheet writer (no cell runs as a formula)."""
    headings = ["scanned_at", "name_ar", "name_latin", "email", "phone", "organisation", "job_title", "note"]
    rows = (
        [
            lead.scanned_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            lead.registration.name_ar,
            lead.registration.name_latin,
            lead.registration.email,
            lead.registration.phone,
            lead.registration.organisation.name if lead.registration.organisation else "",
            lead.registration.job_title,
            lead.note,
        ]
        for lead in leads_of(exhibitor)
    )
    return spreadsheets.to_csv(headings, rows)


def scanned_by(registration: Registration) -> list[Lead]:
    """The exhibitors who scanned this visitor's badge."""
    return list(
        db.session.scalars(
            sa.select(Lead)
            .where(Lead.registration_id == registration.id)
            .options(joinedload(Lead.exhibitor).joinedload(Exhibitor.organisation))
            .order_by(Lead.scanned_at)
        )
    )
