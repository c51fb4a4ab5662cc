"""Booth duty: the times an exhibitor's staff member keeps its booth, and meets people there only.

An exhibitor sets them on its meetings page, as time ranges of the forum's days (the way a stand's roster
is drawn up), for its own staff only. While on duty a person is placed in no meeting at a table, nor at
another booth: a meeting at their own booth is fine, when the booth is a meeting place and free. Adding a
duty locks the person's registration row, as a booking does, so a duty and a booking never cross.
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa

from forum import audit
from forum.auth.models import User
from forum.errors import NotAllowed
from forum.events.models import Forum
from forum.exhibition.models import BoothAssignment, Exhibitor, ExhibitorStaff
from forum.extensions import db
from forum.i18n import local_time, person_name
from forum.partnerships.models import BoothDuty, Meeting, MeetingParticipant, MeetingPlace, MeetingSlot
from forum.partnerships.services.errors import BadDutyRange, DutyOverlap, MeetingAwayFromBooth
from forum.registration.models import Registration

#: the meeting place of each staff member's booth (NULL when the booth is not a meeting place)
_DUTY = (
    sa.select(ExhibitorStaff.registration_id, BoothDuty.starts_at, BoothDuty.ends_at, MeetingPlace.id)
    .join(ExhibitorStaff, ExhibitorStaff.id == BoothDuty.staff_id)
    .outerjoin(BoothAssignment, BoothAssignment.exhibitor_id == ExhibitorStaff.exhibitor_id)
    .outerjoin(MeetingPlace, MeetingPlace.booth_id == BoothAssignment.booth_id)
    .where(ExhibitorStaff.registration_id.is_not(None))
)


def duty_places(
    forum_id: int, slots: list[MeetingSlot], people: set[int] | None = None
) -> dict[tuple[int, int], int | None]:
    """(person, slot) -> the meeting place of the booth the person keeps during that slot (None: their
    booth is not a meeting place); for everyone of the forum, or only `people`."""
    query = _DUTY.where(BoothDuty.forum_id == forum_id)
    if people is not None:
        query = query.where(ExhibitorStaff.registration_id.in_(people))
    found: dict[tuple[int, int], int | None] = {}
    for person, starts_at, ends_at, place in db.session.execute(query):
        found.update(((person, s.id), place) for s in slots if s.overlaps(starts_at, ends_at))
    return found


def keepers(duty: dict[tuple[int, int], int | None], slot_id: int, people: tuple[int, ...]) -> dict[int, int | None]:
    """Those of `people` on duty in the slot, with their booth's meeting place."""
    return {p: duty[p, slot_id] for p in people if (p, slot_id) in duty}


def duties_of(exhibitor: Exhibitor) -> list[BoothDuty]:
    """The exhibitor's staff's times on duty, by person then time."""
    return list(
        db.session.scalars(
            sa.select(BoothDuty)
            .join(ExhibitorStaff, ExhibitorStaff.id == BoothDuty.staff_id)
            .where(ExhibitorStaff.exhibitor_id == exhibitor.id)
            .order_by(BoothDuty.staff_id, BoothDuty.starts_at)
        )
    )


def duty_of(exhibitor: Exhibitor, duty_id: int) -> BoothDuty | None:
    """One of the exhibitor's staff's times on duty (None for another exhibitor's)."""
    return next((duty for duty in duties_of(exhibitor) if duty.id == duty_id), None)


def _name(staff: ExhibitorStaff) -> str:
    registration = staff.registration
    if registration is not None:
        return person_name(registration.name_ar, registration.name_latin) or staff.user.name
    return staff.user.name


def _check_meetings(staff: ExhibitorStaff, starts_at: datetime, ends_at: datetime) -> None:
    """Refuse a duty over a meeting the person has away from their booth."""
    if staff.registration_id is None:
        return
    db.session.execute(
        sa.select(Registration.id).where(Registration.id == staff.registration_id).with_for_update(key_share=True)
    )
    booth = db.session.scalar(
        sa.select(MeetingPlace.id)
        .join(BoothAssignment, BoothAssignment.booth_id == MeetingPlace.booth_id)
        .where(BoothAssignment.exhibitor_id == staff.exhibitor_id)
    )
    away = db.session.execute(
        sa.select(MeetingPlace, MeetingSlot.starts_at)
        .select_from(MeetingParticipant)
        .join(Meeting, Meeting.id == MeetingParticipant.meeting_id)
        .join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
        .join(MeetingPlace, MeetingPlace.id == Meeting.place_id)
        .where(
            MeetingParticipant.registration_id == staff.registration_id,
            MeetingSlot.starts_at < ends_at,
            MeetingSlot.ends_at > starts_at,
            MeetingPlace.id != booth if booth is not None else sa.true(),
        )
        .order_by(MeetingSlot.starts_at)
    ).first()
    if away is not None:
        raise MeetingAwayFromBooth(name=_name(staff), place=away[0].name, time=local_time(away[1]))


def add_duty(exhibitor: Exhibitor, staff_id: int, *, day: date, start: time, end: time, actor: User) -> BoothDuty:
    """Put one of the exhibitor's staff on duty at the booth from `start` to `end` (the forum's local time)
    on a day of the forum."""
    forum = db.session.get(Forum, exhibitor.forum_id)
    staff = db.session.get(ExhibitorStaff, staff_id)
    if staff is None or staff.exhibitor_id != exhibitor.id:
        raise NotAllowed()
    if day not in forum.days or end <= start:
        raise BadDutyRange()
    starts_at, ends_at = (datetime.combine(day, moment, tzinfo=forum.zone) for moment in (start, end))
    for other in db.session.scalars(sa.select(BoothDuty).where(BoothDuty.staff_id == staff.id)):
        if other.starts_at < ends_at and starts_at < other.ends_at:
            raise DutyOverlap(name=_name(staff), start=local_time(other.starts_at), end=local_time(other.ends_at))
    _check_meetings(staff, starts_at, ends_at)
    duty = BoothDuty(forum_id=forum.id, staff_id=staff.id, starts_at=starts_at, ends_at=ends_at)
    db.session.add(duty)
    db.session.flush()
    audit.record("partnerships.duty_add", actor=actor, forum=forum, target=exhibitor, user=staff.user_id)
    return duty


def remove_duty(duty: BoothDuty, *, actor: User) -> None:
    """The person no longer keeps the booth at that time."""
    staff = duty.staff
    forum = db.session.get(Forum, duty.forum_id)
    audit.record("partnerships.duty_remove", actor=actor, forum=forum, target=staff.exhibitor, user=staff.user_id)
    db.session.delete(duty)
    db.session.flush()
