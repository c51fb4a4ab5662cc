"""What the partnerships module holds about a person, for their data export, and its erasure (law 09-08)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum.extensions import db
from forum.partnerships.models import Invitation, MeetingRequest, Partnership, PartnershipProfile
from forum.partnerships.services.booking import meetings_of
from forum.partnerships.services.calendar import public_name
from forum.partnerships.services.profiles import profile_of
from forum.registration.models import Registration

PRIVACY_LABELS = {
    "what": _l("What"),
    "with": _l("With"),
    "at": _l("When"),
    "status": _l("Status"),
    "details": _l("Details"),
}


def _profile_records(registration: Registration) -> list[dict[str, Any]]:
    profile = profile_of(registration)
    if profile is None:
        return []
    details = {
        "offers": profile.offers,
        "needs": profile.needs,
        "themes": profile.themes,
        "provinces": profile.provinces,
        "pitch": profile.pitch,
        "project": profile.project_title,
        "project_summary": profile.project_summary,
        "project_amount": profile.project_amount,
    }
    what = str(_l("Partnership profile"))
    return [{"what": what, "with": "", "at": profile.consent_at.isoformat(), "status": "", "details": details}]


def personal_records(registration: Registration) -> list[dict[str, Any]]:
    """The person's profile, the meeting requests they sent or received, their meetings and partnerships."""
    records = _profile_records(registration)
    requests = db.session.scalars(
        sa.select(MeetingRequest)
        .where(sa.or_(MeetingRequest.requester_id == registration.id, MeetingRequest.recipient_id == registration.id))
        .order_by(MeetingRequest.created_at)
    )
    for request in requests:
        sent = request.requester_id == registration.id
        records.append(
            {
                "what": str(_l("Meeting request sent") if sent else _l("Meeting request received")),
                "with": public_name(request.other(registration)),
                "at": request.created_at.isoformat(),
                "status": str(request.status.title),
                "details": {"message": request.message, "decline_reason": request.decline_reason},
            }
        )
    for meeting in meetings_of(registration):
        records.append(
            {
                "what": str(_l("Meeting")),
                "with": public_name(meeting.request.other(registration)),
                "at": meeting.slot.starts_at.isoformat(),
                "status": "",
                "details": {"place": meeting.place.label},
            }
        )
    partnerships = db.session.scalars(
        sa.select(Partnership).where(
            sa.or_(Partnership.first_party_id == registration.id, Partnership.second_party_id == registration.id)
        )
    )
    for partnership in partnerships:
        other = partnership.second_party if partnership.first_party_id == registration.id else partnership.first_party
        records.append(
            {
                "what": str(_l("Partnership")),
                "with": public_name(other),
                "at": partnership.created_at.isoformat(),
                "status": str(partnership.status.title),
                "details": {"kind": partnership.kind, "amount": partnership.amount},
            }
        )
    for invitation in db.session.scalars(_invitations(registration)):
        records.append(
            {
                "what": str(_l("Invitation")),
                "with": "",
                "at": invitation.sent_at.isoformat() if invitation.sent_at else "",
                "status": invitation.status,
                "details": {
                    "name": invitation.name,
                    "email": invitation.email,
                    "organisation": invitation.organisation,
                },
            }
        )
    return records


def _invitations(registration: Registration) -> sa.Select:
    """The invitations made to the person: linked to the registration, or to its e-mail in its forum."""
    return sa.select(Invitation).where(
        sa.or_(
            Invitation.registration_id == registration.id,
            sa.and_(
                Invitation.forum_id == registration.forum_id, Invitation.email == (registration.email or "").lower()
            ),
        )
    )


def erase_personal_data(registration: Registration, now: datetime) -> None:
    """The profile goes (it names and describes the person); requests, meetings and partnerships stay
    counted in the report, with the words the person wrote in them removed; the invitations made to
    the person go."""
    for invitation in db.session.scalars(_invitations(registration)).all():
        db.session.delete(invitation)
    db.session.execute(sa.delete(PartnershipProfile).where(PartnershipProfile.registration_id == registration.id))
    db.session.execute(
        sa.update(MeetingRequest)
        .where(sa.or_(MeetingRequest.requester_id == registration.id, MeetingRequest.recipient_id == registration.id))
        .values(message="", decline_reason=None)
    )
