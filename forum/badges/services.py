"""Badge codes: `<prefix>.<payload>.<signature>`; one reader used by check-in and lead scanning alike.

payload   = forum id, registration id and badge version, base-36, joined by "-";
signature = HMAC-SHA256 over prefix, payload and the registration's own badge secret, under a key
            derived from SECRET_KEY for each forum, truncated to 128 bits, base64url.
A code is short (about 40 characters: a version 3 QR at error correction M) and unguessable, and an
altered, foreign or superseded one is refused with a precise reason; it never matches someone else.

Version 2, `MQ2.<payload>.<signature>`, signs `MQ2.<payload>` with the forum's Ed25519 key (keys.py),
so that a desk holding the public key checks a code offline (static/js/badge-verify.js, the same checks
in the same order: forum, signature, registration, version; tests/badges/badge_vectors.json holds the
vectors both are tested against). About 100 characters: a version 7 QR at error correction M. Each
forum chooses its scheme (BadgeSettings); the reader reads both, so printed version 1 badges keep
working online until they are reissued.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from forum import audit, jobs
from forum.badges import keys
from forum.badges.models import BadgePrint, BadgeScheme, PrintBatch
from forum.badges.schemes import scheme_of, set_scheme  # noqa: F401  (re-exported: the organiser's switch)
from forum.db import utcnow
from forum.errors import ForumError
from forum.extensions import db
from forum.jobs import Job
from forum.registration.models import Registration, RegistrationStatus

PREFIX = "MQ1"
PREFIX_V2 = "MQ2"
SIGNATURE_BYTES = 16


class BadgeCodeError(ForumError):
    """A code that does not stand for a valid badge; `reason` is the machine-readable outcome."""

    reason = "unknown"
    message = _l("This code is not a Multaqa badge.")


class MalformedCode(BadgeCodeError):
    reason = "unknown"
    message = _l("This code is not a Multaqa badge.")


class TamperedCode(BadgeCodeError):
    reason = "tampered"
    message = _l("This badge code has been altered.")


class UnknownBadge(BadgeCodeError):
    reason = "unknown"
    message = _l("No registration matches this badge.")


class SupersededBadge(BadgeCodeError):
    reason = "revoked"
    message = _l("This badge was replaced by a newer one.")


class WrongForum(BadgeCodeError):
    reason = "wrong_forum"
    message = _l("This badge belongs to another forum.")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def _forum_key(forum_id: int) -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"multaqa.badge-key.{forum_id}".encode(), hashlib.sha256).digest()


def _signature(forum_id: int, payload: str, badge_secret: str) -> str:
    mac = hmac.new(_forum_key(forum_id), f"{PREFIX}.{payload}.{badge_secret}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:SIGNATURE_BYTES]).rstrip(b"=").decode()


def badge_code(registration: Registration) -> str:
    """The code printed in the registration's QR for its current badge version, in its forum's scheme."""
    payload = "-".join(_base36(n) for n in (registration.forum_id, registration.id, registration.badge_version))
    if scheme_of(registration.forum_id) == BadgeScheme.ed25519:
        signature = keys.sign(registration.forum_id, f"{PREFIX_V2}.{payload}".encode())
        return f"{PREFIX_V2}.{payload}.{keys.b64url(signature)}"
    return f"{PREFIX}.{payload}.{_signature(registration.forum_id, payload, registration.badge_secret)}"


class BadgeCode(NamedTuple):
    """A code cut into its parts (its signature not checked yet)."""

    forum_id: int
    registration_id: int
    version: int
    payload: str
    signature: str
    prefix: str = PREFIX


#: the longest text read as a code (a v1 code is about 40 characters) and the largest number in one
MAX_CODE_LENGTH = 200
MAX_NUMBER = 2**31 - 1
_CODE_CHARACTERS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.")


def readable_code_text(code: object) -> str:
    """What was scanned, if it can be a code at all (text of URL-safe ASCII, not too long), stripped of
    surrounding spaces; MalformedCode for anything else (another type, accents, Arabic-Indic digits)."""
    if not isinstance(code, str):
        raise MalformedCode()
    code = code.strip()
    if len(code) > MAX_CODE_LENGTH or not _CODE_CHARACTERS.issuperset(code):
        raise MalformedCode()
    return code


def parse_badge_code(code: str) -> BadgeCode:
    """The parts of a code, or MalformedCode."""
    parts = readable_code_text(code or "").split(".")
    if len(parts) != 3 or parts[0] not in (PREFIX, PREFIX_V2):
        raise MalformedCode()
    try:
        forum_id, registration_id, version = (int(n, 36) for n in parts[1].split("-"))
    except ValueError as error:
        raise MalformedCode() from error
    if max(forum_id, registration_id, version) > MAX_NUMBER:
        raise MalformedCode()
    return BadgeCode(forum_id, registration_id, version, parts[1], parts[2], parts[0])


def check_badge_code(code: BadgeCode, registration: Registration | None, *, forum_id: int) -> Registration:
    """The registration a parsed code names (loaded by the caller, None if there is none) if the code
    is its valid, current badge at this forum; otherwise the BadgeCodeError saying why not."""
    if code.prefix == PREFIX_V2:
        return _check_v2(code, registration, forum_id=forum_id)
    if registration is None or registration.id != code.registration_id or registration.forum_id != code.forum_id:
        raise UnknownBadge()
    if not hmac.compare_digest(code.signature, _signature(code.forum_id, code.payload, registration.badge_secret)):
        raise TamperedCode()
    if code.forum_id != forum_id:
        raise WrongForum()
    if code.version != registration.badge_version:
        raise SupersededBadge()
    return registration


def _check_v2(code: BadgeCode, registration: Registration | None, *, forum_id: int) -> Registration:
    """A version 2 code, checked in the order a desk checks it offline: forum, signature, registration,
    version (a desk holds its own forum's public key only)."""
    if code.forum_id != forum_id:
        raise WrongForum()
    try:
        signature = keys.unb64url(code.signature)
    except ValueError as error:
        raise TamperedCode() from error
    if not keys.verify(code.forum_id, f"{PREFIX_V2}.{code.payload}".encode(), signature):
        raise TamperedCode()
    if registration is None or registration.id != code.registration_id or registration.forum_id != code.forum_id:
        raise UnknownBadge()
    if code.version != registration.badge_version:
        raise SupersededBadge()
    return registration


def read_badge_code(code: str, *, forum_id: int) -> Registration:
    """The registration behind a scanned code at this forum, or a BadgeCodeError saying why not.

    Status (cancelled, not approved) is not judged here: the caller (check-in, leads) decides.
    """
    parsed = parse_badge_code(code)
    registration = db.session.scalar(sa.select(Registration).where(Registration.id == parsed.registration_id))
    return check_badge_code(parsed, registration, forum_id=forum_id)


def reissue_badge(registration: Registration) -> str:
    """Raise the badge version (the old code stops working) and return the new code."""
    registration.badge_version += 1
    db.session.flush()
    return badge_code(registration)


class PrintSelectionError(ForumError):
    message = _l("No confirmed registration matches this choice.")


class NoSuchEmail(ForumError):
    message = _l("No registration of this forum has this e-mail address.")


def reissue_for_email(forum, email: str, *, actor) -> Registration:
    """Reissue the badge of the forum's registration with this e-mail address (kept in the audit log);
    NoSuchEmail if there is none."""
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.forum_id == forum.id, Registration.email == email.strip().lower())
    )
    if registration is None:
        raise NoSuchEmail()
    reissue_badge(registration)
    audit.record("badges.reissue", actor=actor, forum=forum, target=registration, version=registration.badge_version)
    return registration


def print_batches(forum, *, limit: int = 30) -> list[tuple[PrintBatch, Job | None]]:
    """The forum's latest print batches, newest first, each with its job (None once it is gone)."""
    rows = db.session.execute(
        sa.select(PrintBatch, Job)
        .outerjoin(Job, Job.id == PrintBatch.job_id)
        .where(PrintBatch.forum_id == forum.id)
        .order_by(PrintBatch.id.desc())
        .limit(limit)
    ).all()
    return [(batch, job) for batch, job in rows]


def registrations_to_print(
    forum_id: int, selection: str, *, category: str | None = None, emails: list[str] | None = None
) -> list[Registration]:
    """The confirmed registrations of a print set: all, not printed yet (their current badge version
    never printed), one category, or a list of e-mail addresses."""
    query = sa.select(Registration).where(
        Registration.forum_id == forum_id, Registration.status == RegistrationStatus.confirmed
    )
    if selection == "unprinted":
        printed = sa.select(BadgePrint.id).where(
            BadgePrint.registration_id == Registration.id, BadgePrint.badge_version == Registration.badge_version
        )
        query = query.where(~printed.exists())
    elif selection == "category":
        query = query.where(Registration.category == category)
    elif selection == "listed":
        query = query.where(Registration.email.in_([e.strip().lower() for e in emails or [] if e.strip()]))
    return list(db.session.scalars(query.order_by(Registration.name_latin, Registration.id)))


def request_print(
    forum, selection: str, layout: str, *, actor, category: str | None = None, emails: list[str] | None = None
):
    """Fix the set and queue the job that builds its PDF; returns the PrintBatch."""
    registrations = registrations_to_print(forum.id, selection, category=category, emails=emails)
    if not registrations:
        raise PrintSelectionError()
    batch = PrintBatch(
        forum_id=forum.id,
        created_by_id=getattr(actor, "id", None),
        layout=layout,
        selection=selection,
        registration_ids=[r.id for r in registrations],
    )
    db.session.add(batch)
    db.session.flush()
    job = jobs.enqueue("badges.print_batch", batch.id, forum=forum, user=actor)
    batch.job_id = job.id
    audit.record("badges.print", actor=actor, forum=forum, target=batch, count=len(registrations), layout=layout)
    db.session.flush()
    return batch


def mark_printed(registrations: list[Registration], *, batch_id: int | None = None, actor=None, now=None) -> None:
    """Record that the current badge of each registration was printed (one statement for a batch)."""
    now = now or utcnow()
    db.session.execute(
        sa.insert(BadgePrint),
        [
            {
                "registration_id": r.id,
                "batch_id": batch_id,
                "badge_version": r.badge_version,
                "printed_by_id": getattr(actor, "id", None),
                "printed_at": now,
            }
            for r in registrations
        ],
    )
