"""The programme's rules: rooms, speakers, sessions without clashes, drafts and publication, workshop sign-up.

One file per concern; callers import the package and write `services.save_session(...)`.
"""

from forum.programme.services.agendas import (
    Agenda,
    AgendaEntry,
    personal_agenda,
    personal_events_of,
    seats_of_day,
    with_seats,
)
from forum.programme.services.drafts import CALENDAR_FIELDS, PUBLIC_FIELDS, SESSION_FIELDS, DraftSession, draft_of
from forum.programme.services.errors import Conflict, ProgrammeError, ScheduleConflict, SignupError
from forum.programme.services.fingerprint import programme_fingerprint
from forum.programme.services.notices import NOTIFIED_KINDS, Notice, notices_for, send_notices
from forum.programme.services.public import (
    ProgrammeDay,
    Slot,
    by_day,
    has_agenda,
    has_programme,
    public_programme,
    published_session,
    signup_choices,
    themes_of,
    unpublished_notice,
)
from forum.programme.services.publication import latest_version, pending_changes, publish, version_numbered, versions_of
from forum.programme.services.rooms import rooms_of, save_room
from forum.programme.services.sessions import conflicts_of, delete_session, save_session, sessions_of
from forum.programme.services.signups import cancel_signup, decline_offer, sign_up, take_offer
from forum.programme.services.speakers import rapporteurs_of, save_speaker, speaker_registrations, speakers_of
from forum.programme.services.timetable import SLOT, Grid, GridCell, draft_day, timetable

__all__ = [
    "CALENDAR_FIELDS",
    "NOTIFIED_KINDS",
    "PUBLIC_FIELDS",
    "SESSION_FIELDS",
    "SLOT",
    "Agenda",
    "AgendaEntry",
    "Conflict",
    "DraftSession",
    "Grid",
    "GridCell",
    "Notice",
    "ProgrammeDay",
    "ProgrammeError",
    "ScheduleConflict",
    "SignupError",
    "Slot",
    "by_day",
    "cancel_signup",
    "conflicts_of",
    "decline_offer",
    "delete_session",
    "draft_day",
    "draft_of",
    "has_agenda",
    "has_programme",
    "latest_version",
    "notices_for",
    "pending_changes",
    "personal_agenda",
    "personal_events_of",
    "programme_fingerprint",
    "public_programme",
    "publish",
    "published_session",
    "rapporteurs_of",
    "rooms_of",
    "save_room",
    "save_session",
    "save_speaker",
    "seats_of_day",
    "send_notices",
    "sessions_of",
    "sign_up",
    "signup_choices",
    "speaker_registrations",
    "speakers_of",
    "take_offer",
    "themes_of",
    "timetable",
    "unpublished_notice",
    "version_numbered",
    "versions_of",
    "with_seats",
]
