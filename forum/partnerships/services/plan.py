"""The organisers' plan of meetings: settings (window, limit), slots generated from a range, places."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from forum.events.models import Forum
from forum.exhibition.models import Booth, BoothAssignment
from forum.extensions import db
from forum.partnerships.models import Meeting, MeetingPlace, MeetingSettings, MeetingSlot, PlaceKind
from forum.partnerships.services.errors import BadSlotRange, SlotInUse


def save_settings(
    forum: Forum, *, booking_opens_at: datetime | None, booking_closes_at: datetime | None, max_meetings: int
) -> MeetingSettings:
    """Set the booking window and the most meetings one person may have."""
    if booking_opens_at and booking_closes_at and booking_closes_at <= booking_opens_at:
        raise BadSlotRange()
    settings = db.session.get(MeetingSettings, forum.id) or MeetingSettings(forum_id=forum.id)
    settings.booking_opens_at, settings.booking_closes_at = booking_opens_at, booking_closes_at
    settings.max_meetings = max_meetings
    db.session.add(settings)
    db.session.flush()
    return settings


def slots_of(forum: Forum) -> list[MeetingSlot]:
    """The forum's meeting slots in time order."""
    return list(
        db.session.scalars(
            sa.select(MeetingSlot).where(MeetingSlot.forum_id == forum.id).order_by(MeetingSlot.starts_at)
        )
    )


def places_of(forum: Forum) -> list[MeetingPlace]:
    """The forum's tables, then its booths, in label order."""
    places = db.session.scalars(sa.select(MeetingPlace).where(MeetingPlace.forum_id == forum.id))
    return sorted(places, key=lambda p: (p.kind != PlaceKind.table, len(p.label), p.label))


def generate_slots(forum: Forum, *, day: date, start: time, end: time, minutes: int, pause: int) -> list[MeetingSlot]:
    """Slots of `minutes` with `pause` minutes between them, from `start` to `end` (forum's local time)
    on one day of the forum; a slot that already starts at one of these times is kept as it is."""
    if day not in forum.days or minutes <= 0 or pause < 0:
        raise BadSlotRange()
    zone = forum.zone
    cursor, stop = datetime.combine(day, start, tzinfo=zone), datetime.combine(day, end, tzinfo=zone)
    taken = {slot.starts_at for slot in slots_of(forum)}
    created: list[MeetingSlot] = []
    while cursor + timedelta(minutes=minutes) <= stop:
        starts_at = cursor.astimezone(UTC)
        if starts_at not in taken:
            slot = MeetingSlot(forum_id=forum.id, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes))
            db.session.add(slot)
            created.append(slot)
        cursor += timedelta(minutes=minutes + pause)
    if not created and not any(day == s.starts_at.astimezone(zone).date() for s in slots_of(forum)):
        raise BadSlotRange()
    db.session.flush()
    return created


def _in_use(column, row_id: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(column == row_id)))


def delete_slot(slot: MeetingSlot) -> None:
    """Remove a slot in which nothing is booked."""
    if _in_use(Meeting.slot_id, slot.id):
        raise SlotInUse()
    db.session.delete(slot)
    db.session.flush()


def add_tables(forum: Forum, count: int) -> list[MeetingPlace]:
    """Numbered tables of the meeting area, after the ones already there."""
    numbers = [int(p.label) for p in places_of(forum) if p.kind == PlaceKind.table and p.label.isdigit()]
    first = max(numbers, default=0) + 1
    tables = [MeetingPlace(forum_id=forum.id, kind=PlaceKind.table, label=str(n)) for n in range(first, first + count)]
    db.session.add_all(tables)
    db.session.flush()
    return tables


def add_booths(forum: Forum) -> list[MeetingPlace]:
    """Every booth given to an exhibitor (published) becomes a meeting place, once."""
    booths = db.session.scalars(
        sa.select(Booth)
        .join(BoothAssignment, BoothAssignment.booth_id == Booth.id)
        .where(Booth.forum_id == forum.id, BoothAssignment.is_published.is_(True))
        .order_by(Booth.code)
    )
    known = {p.booth_id for p in places_of(forum)}
    places = [
        MeetingPlace(forum_id=forum.id, kind=PlaceKind.booth, label=b.code, booth_id=b.id)
        for b in booths
        if b.id not in known
    ]
    db.session.add_all(places)
    db.session.flush()
    return places


def delete_place(place: MeetingPlace) -> None:
    """Remove a place where nothing is booked."""
    if _in_use(Meeting.place_id, place.id):
        raise SlotInUse()
    db.session.delete(place)
    db.session.flush()
