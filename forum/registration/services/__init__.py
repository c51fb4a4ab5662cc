"""Registration rules: sign-up, double opt-in, capacity and quotas, moderation, waiting list, expiry.

Every change that takes or frees one of the forum's places first locks the forum row
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's writing transactions are serialised already), so the
count of places taken and the change that follows cannot interleave with another request's.
A place is taken by a confirmed registration, or by one that `holds_place` while it waits (admitted
and awaiting its e-mail confirmation, sent back for approval after an edit, or offered from the list).

One file per concern: `signup` (the public sign-up, its double opt-in), `decisions` (approve, reject,
waitlist, cancel, edits), `quotas` (capacity, quotas, minimum shares, the warnings of an approval),
`balance` (the organisers' figures), `waitlist` (offers, promotion, expiry), `team` (registrations
made by organisers and for the team), `queue` (the organisers' list), `settings`, `details` (what a
person tells), `notify` (the e-mails), `errors`; `_common` holds what several of them change.
"""

from forum.registration.services._common import Status
from forum.registration.services.balance import Balance, Share, Shares, balance, shares
from forum.registration.services.decisions import (
    Decision,
    accept_offer,
    approve,
    cancel,
    decide,
    decide_many,
    edit_by_organiser,
    move_to_waitlist,
    reject,
    resend_link,
    update,
)
from forum.registration.services.details import (
    ACCESSIBILITY_NEEDS,
    EDITABLE_FIELDS,
    KEY_FIELDS,
    find,
    normalise_email,
    organisation_for,
)
from forum.registration.services.errors import (
    AlreadyRegistered,
    EmailTaken,
    ForumFull,
    InvalidLink,
    OfferExpired,
    QuotaWouldBreak,
    RegistrationClosed,
    RegistrationError,
)
from forum.registration.services.notify import CONFIRM_SALT, confirmation_token
from forum.registration.services.queue import (
    BadCursor,
    QueueCount,
    QueuePage,
    queue_count,
    queue_page,
    search,
    waitlist_positions,
)
from forum.registration.services.quotas import (
    Counts,
    approval_warnings,
    place_counts,
    places_left,
    places_taken,
    quota_problems,
)
from forum.registration.services.settings import settings_for
from forum.registration.services.signup import SignUp, confirm_email, register
from forum.registration.services.team import add_by_organiser, register_team_member
from forum.registration.services.waitlist import expire_unconfirmed, fill_places, save_settings, waitlist_position

__all__ = [
    "ACCESSIBILITY_NEEDS",
    "CONFIRM_SALT",
    "EDITABLE_FIELDS",
    "KEY_FIELDS",
    "AlreadyRegistered",
    "Balance",
    "Counts",
    "Decision",
    "EmailTaken",
    "ForumFull",
    "InvalidLink",
    "OfferExpired",
    "QuotaWouldBreak",
    "RegistrationClosed",
    "RegistrationError",
    "Share",
    "Shares",
    "SignUp",
    "Status",
    "accept_offer",
    "add_by_organiser",
    "approval_warnings",
    "approve",
    "balance",
    "cancel",
    "confirm_email",
    "confirmation_token",
    "decide",
    "decide_many",
    "edit_by_organiser",
    "expire_unconfirmed",
    "fill_places",
    "find",
    "move_to_waitlist",
    "normalise_email",
    "organisation_for",
    "place_counts",
    "places_left",
    "places_taken",
    "quota_problems",
    "register",
    "register_team_member",
    "reject",
    "resend_link",
    "save_settings",
    "search",
    "settings_for",
    "shares",
    "update",
    "waitlist_position",
    "waitlist_positions",
    "BadCursor",
    "QueueCount",
    "QueuePage",
    "queue_count",
    "queue_page",
]
