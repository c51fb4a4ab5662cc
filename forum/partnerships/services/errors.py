"""The broken rules of partnerships and meetings, each with the message shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forum.errors import ForumError


class PartnershipError(ForumError):
    """A rule of partnerships or meetings is broken; the message says which."""

    message = _l("This action on meetings is not possible.")


class NoConsent(PartnershipError):
    message = _l("Tick the consent box: your profile is shown to the forum's participants only with your agreement.")


class NotConfirmed(PartnershipError):
    message = _l("Only confirmed participants can publish a profile and request meetings.")


class BookingClosed(PartnershipError):
    message = _l("Meeting requests and bookings are closed for this forum.")


class AlreadyRequested(PartnershipError):
    message = _l("You have already asked %(name)s for a meeting.")


class NotOpenToMeetings(PartnershipError):
    message = _l("%(name)s does not take meeting requests.")


class LimitReached(PartnershipError):
    message = _l("%(name)s already has %(count)d meetings, the most the organisers allow.")


class SlotTaken(PartnershipError):
    message = _l("This slot has just been taken. Choose another time.")


class NoPlaceFree(PartnershipError):
    message = _l("Every table and booth is taken in this slot. Choose another time.")


class SlotClash(PartnershipError):
    message = _l("%(name)s is busy at this time (another meeting or a session). Choose another time.")


class NotYourMeeting(PartnershipError):
    message = _l("This badge is not the one of a person you have a meeting with.")


class BadSlotRange(PartnershipError):
    message = _l("The range must end after it starts and hold at least one slot.")


class SlotInUse(PartnershipError):
    message = _l("Meetings are booked in this slot or at this place: cancel them first.")


class OnBoothDuty(PartnershipError):
    message = _l(
        "%(name)s is on duty at their booth at this time, and the meeting cannot be held there. Choose another time."
    )


class BadDutyRange(PartnershipError):
    message = _l("A time on duty ends after it starts, on a day of the forum.")


class DutyOverlap(PartnershipError):
    message = _l("%(name)s is already on duty from %(start)s to %(end)s that day.")


class MeetingAwayFromBooth(PartnershipError):
    message = _l(
        "%(name)s has a meeting at %(place)s at %(time)s, away from your booth: it must be moved or cancelled first."
    )
