"""The audit trail: who did what, to what, in which forum. Written by services, read by organisers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import UTCDateTime, utcnow
from forum.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    #: dotted verb, e.g. "registration.approve", "forum.update"
    action: Mapped[str] = mapped_column(sa.String(80))
    #: "<kind>:<id>" of the thing acted upon, e.g. "registration:42"
    target: Mapped[str | None] = mapped_column(sa.String(80), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.target} by {self.actor_id}>"


def record(action: str, *, actor: Any = None, forum: Any = None, target: Any = None, **data: Any) -> AuditEntry:
    """Add one audit entry to the session (the caller commits)."""
    if target is not None and not isinstance(target, str):
        target = f"{type(target).__name__.lower()}:{target.id}"
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        forum_id=getattr(forum, "id", None),
        action=action,
        target=target,
        data=data,
        at=utcnow(),
    )
    db.session.add(entry)
    return entry


def entries_for(forum: Any, *, target: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """The forum's latest audit entries (of one target if given), newest first."""
    query = sa.select(AuditEntry).where(AuditEntry.forum_id == forum.id)
    if target:
        query = query.where(AuditEntry.target == target)
    return list(db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


#: what each action says to the people who read the trail (organisers, and a registration's history), in
#: their language; every action a service records has its line (tests/events/test_wording.py checks)
TITLES = {
    "forum.create": _l("Forum created"),
    "forum.update": _l("Forum details changed"),
    "forum.logo": _l("Forum logo changed"),
    "membership.add": _l("Role given"),
    "membership.remove": _l("Role removed"),
    "user.password_reset": _l("Password reset"),
    "user.password_change": _l("Password changed"),
    "user.two_factor_on": _l("Two-factor sign-in turned on"),
    "user.two_factor_off": _l("Two-factor sign-in turned off"),
    "registration.add": _l("Registered by an organiser"),
    "registration.approve": _l("Approved"),
    "registration.reject": _l("Rejected"),
    "registration.waitlist": _l("Moved to the waiting list"),
    "registration.organiser_update": _l("Details corrected by an organiser"),
    "registration.update": _l("Details changed by the person"),
    "registration.cancel": _l("Cancelled"),
    "registration.expire": _l("Expired: e-mail not confirmed in time"),
    "registration.offer": _l("Place offered"),
    "registration.offer_lapsed": _l("Offer not taken in time: back on the waiting list"),
    "registration.accept_offer": _l("Offered place taken"),
    "registration.promote": _l("Confirmed from the waiting list"),
    "registration.resend": _l("E-mail sent again by an organiser"),
    "registration.settings": _l("Registration settings changed"),
    "badges.reissue": _l("Badge reissued"),
    "badges.print": _l("Badges printed"),
    "checkin.desk_create": _l("Check-in desk opened"),
    "checkin.desk_revoke": _l("Check-in desk closed"),
    "checkin.list_update": _l("Attendance list settings changed"),
    "checkin.rehearsal_clear": _l("Check-in rehearsal cleared"),
    "badges.scheme": _l("Badge code scheme chosen"),
    "room.create": _l("Room added"),
    "room.update": _l("Room changed"),
    "speaker.create": _l("Speaker added"),
    "speaker.update": _l("Speaker changed"),
    "session.create": _l("Session added"),
    "session.update": _l("Session changed"),
    "session.delete": _l("Session deleted"),
    "programme.publish": _l("Programme published"),
    "programme.notify": _l("Participants told of the programme changes"),
    "exhibition.zone_save": _l("Exhibition zone saved"),
    "exhibition.booth_create": _l("Booth added"),
    "exhibition.booth_update": _l("Booth changed"),
    "exhibition.booth_delete": _l("Booth deleted"),
    "exhibition.deadline": _l("Booth application deadline set"),
    "exhibition.exhibitor_invite": _l("Exhibitor invited"),
    "exhibition.exhibitor_request": _l("Exhibitor asked to take part"),
    "exhibition.exhibitor_approve": _l("Exhibitor approved"),
    "exhibition.exhibitor_decline": _l("Exhibitor declined"),
    "exhibition.exhibitor_tier": _l("Exhibitor's tier changed"),
    "exhibition.application_save": _l("Booth application saved"),
    "exhibition.assign": _l("Booth assigned"),
    "exhibition.unassign": _l("Booth assignment withdrawn"),
    "exhibition.allocate": _l("Booths allocated automatically"),
    "exhibition.publish": _l("Booth assignments published"),
    "exhibition.staff_add": _l("Exhibitor staff member added"),
    "exhibition.staff_remove": _l("Exhibitor staff member removed"),
    "exhibition.profile_update": _l("Exhibitor profile changed"),
    "exhibition.logo_update": _l("Exhibitor logo changed"),
    "exhibition.lead": _l("Visitor's contact recorded at a booth"),
    "partnerships.duty_add": _l("Staff member put on duty at the booth"),
    "partnerships.duty_remove": _l("Staff member's time on duty at the booth removed"),
    "recommendation.add": _l("Recommendation added"),
    "recommendation.edit": _l("Recommendation reworded"),
    "recommendation.accept": _l("Recommendation accepted"),
    "recommendation.reject": _l("Recommendation rejected"),
    "recommendation.merge": _l("Recommendations merged"),
    "recommendation.follow_up": _l("Recommendation follow-up updated"),
    "recommendations.window": _l("Recommendation period set"),
    "privacy.erase": _l("Personal data erased"),
    "privacy.purge": _l("Personal data of the forum erased at the end of its retention period"),
    "series.target": _l("Target of the strategy set"),
    "series.target_remove": _l("Target of the strategy removed"),
    "series.analyst_grant": _l("Series analyst role given"),
    "series.analyst_revoke": _l("Series analyst role taken back"),
    "organisation.merge": _l("Organisations merged"),
    "series.copy_edition": _l("Settings copied from a previous edition"),
    "message.save": _l("Message to participants saved"),
    "message.send": _l("Message to participants sent"),
    "message.reminder_settings": _l("Automatic reminder set"),
    "message.certificate_settings": _l("Certificate settings changed"),
    "message.certificates": _l("Certificates of attendance issued"),
    "message.material_added": _l("File attached to a session"),
    "message.material_removed": _l("File removed from a session"),
    "message.survey_question": _l("Survey question added"),
    "message.survey_question_remove": _l("Survey question removed"),
    "message.survey_open": _l("Feedback survey opened"),
    "message.survey_close": _l("Feedback survey closed"),
}


def action_title(action: str) -> str:
    """What an action of the trail says in the reader's language (its code if it has no line yet)."""
    title = TITLES.get(action)
    return str(title) if title is not None else action
