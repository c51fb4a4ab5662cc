"""The partnerships' tables: profiles (offers and needs), meeting slots and places, requests, meetings and
booth duty, outcomes and partnerships, invitations. One file per concern, re-exported here."""

from forum.partnerships.models.invitations import Invitation
from forum.partnerships.models.meetings import (
    BoothDuty,
    Meeting,
    MeetingParticipant,
    MeetingPlace,
    MeetingRequest,
    MeetingSchedule,
    MeetingSettings,
    MeetingSlot,
    PlaceKind,
    RequestStatus,
)
from forum.partnerships.models.outcomes import (
    MeetingOutcome,
    Outcome,
    Partnership,
    PartnershipChange,
    PartnershipStatus,
)
from forum.partnerships.models.profiles import PartnershipProfile

__all__ = [
    "BoothDuty",
    "Invitation",
    "Meeting",
    "MeetingOutcome",
    "MeetingParticipant",
    "MeetingPlace",
    "MeetingRequest",
    "MeetingSchedule",
    "MeetingSettings",
    "MeetingSlot",
    "Outcome",
    "Partnership",
    "PartnershipChange",
    "PartnershipProfile",
    "PartnershipStatus",
    "PlaceKind",
    "RequestStatus",
]
