"""Invitation campaigns: companies and donors imported from CSV, invited in their language with a signed
link to the registration form, followed as sent, opened, registered or declined, reminded once a day at most."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from forum import mail
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.partnerships.models import Invitation
from forum.partnerships.services.errors import PartnershipError
from forum.registration.models import Category, Registration

CSV_COLUMNS = ("name", "email", "organisation", "sector", "language")
LANGUAGES = ("ar", "fr", "en")
MAX_BYTES = 256 * 1024
MAX_ROWS = 2000
_SALT = "partnerships.invitation"


@dataclass
class ImportResult:
    """How many invitations an import created, and the e-mails already invited (skipped)."""

    created: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _row(row: dict[str, Any]) -> dict[str, str]:
    """One line's contact, or ValueError (name or e-mail missing, too long, or a language not ar/fr/en)."""
    values = {name: (row.get(name) or "").strip() for name in CSV_COLUMNS}
    language = values["language"].lower() or "fr"
    if not values["name"] or len(values["name"]) > 200 or language not in LANGUAGES:
        raise ValueError("name or language")
    if len(values["organisation"]) > 200 or len(values["sector"]) > 100:
        raise ValueError("too long")
    email = validate_email(values["email"], check_deliverability=False).normalized.lower()
    return {**values, "email": email, "language": language}


def import_invitations(forum: Forum, data: bytes) -> ImportResult:
    """Create invitations from CSV (see CSV_COLUMNS), all or none: one bad line refuses the file with
    every error listed by line; e-mails already invited to this forum are skipped."""
    if len(data) > MAX_BYTES:
        raise PartnershipError(_l("The file is too large (256 kB at most)."))
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        raise PartnershipError(_l("The text is not UTF-8: save the file as CSV UTF-8.")) from error
    reader = csv.DictReader(io.StringIO(text))
    result, rows = ImportResult(), []
    try:
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise PartnershipError(_l("The file lacks the columns: %(columns)s.", columns=", ".join(missing)))
        for row in reader:
            if len(rows) + len(result.errors) >= MAX_ROWS:
                raise PartnershipError(_l("The file has more than 2,000 lines: split it."))
            try:
                rows.append(_row(row))
            except (ValueError, EmailNotValidError):
                result.errors.append(str(_l("Line %(line)s: a value is missing or not valid.", line=reader.line_num)))
    except csv.Error as error:
        raise PartnershipError(_l("The file is not CSV.")) from error
    if result.errors:
        raise PartnershipError(" ".join(result.errors))
    known = set(db.session.scalars(sa.select(Invitation.email).where(Invitation.forum_id == forum.id)))
    for values in rows:
        if values["email"] in known:
            result.skipped += 1
            continue
        known.add(values["email"])
        db.session.add(Invitation(forum_id=forum.id, nonce=secrets.token_hex(8), **values))
        result.created += 1
    db.session.flush()
    return result


def invitations_of(forum: Forum) -> list[Invitation]:
    """The forum's invitations, newest first, linked to the registrations made with their e-mail."""
    invitations = list(
        db.session.scalars(sa.select(Invitation).where(Invitation.forum_id == forum.id).order_by(Invitation.id.desc()))
    )
    waiting = {i.email: i for i in invitations if i.registration_id is None and i.sent_at}
    if waiting:
        found = db.session.execute(
            sa.select(sa.func.lower(Registration.email), Registration.id).where(
                Registration.forum_id == forum.id, sa.func.lower(Registration.email).in_(list(waiting))
            )
        )
        for email, registration_id in found:
            waiting[email].registration_id = registration_id
        db.session.flush()
    return invitations


def token(invitation: Invitation) -> str:
    """The signed token of the invitation's links (registration and decline)."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)
    return serializer.dumps([invitation.id, invitation.nonce])


def read_token(forum: Forum, value: str) -> Invitation | None:
    """The invitation of this forum a token names, or None (forged, voided or of another forum)."""
    try:
        invitation_id, nonce = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).loads(value)
    except (BadSignature, ValueError, TypeError):
        return None
    invitation = db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None or invitation.forum_id != forum.id or invitation.nonce != nonce:
        return None
    return invitation


def category_for(invitation: Invitation) -> str:
    """The category the registration form starts with: the sector when it names one, else private sector."""
    public = dict(Category.public_choices())
    return invitation.sector if invitation.sector in public else Category.private_sector.value


def open_invitation(invitation: Invitation, *, now: datetime | None = None) -> dict[str, Any]:
    """Note the first visit through the link; the registration form's prefilled values."""
    if invitation.opened_at is None:
        invitation.opened_at = now or utcnow()
        db.session.flush()
    return {
        "category": category_for(invitation),
        "name_latin": invitation.name,
        "email": invitation.email,
        "organisation_name": invitation.organisation,
        "locale": invitation.language,
    }


def decline(invitation: Invitation, *, now: datetime | None = None) -> None:
    """Record the invitee's "no thank you" (no reminder follows)."""
    if invitation.declined_at is None and invitation.registration_id is None:
        invitation.declined_at = now or utcnow()
        db.session.flush()


def _mail(forum: Forum, invitation: Invitation, *, reminder: bool) -> None:
    link = token(invitation)
    subject = _l("Reminder: you are invited to %(forum)s") if reminder else _l("You are invited to %(forum)s")
    mail.send(
        invitation.email,
        subject,
        "partnership_invitation",
        locale=invitation.language,
        forum=forum,
        invitation=invitation,
        reminder=reminder,
        register_link=mail.external_url("partnerships.invited", forum_slug=forum.slug, token=link),
        decline_link=mail.external_url("partnerships.decline_invitation", forum_slug=forum.slug, token=link),
    )


def send_invitations(forum: Forum, *, now: datetime | None = None) -> int:
    """Send every invitation not yet sent; the number sent."""
    now = now or utcnow()
    pending = db.session.scalars(
        sa.select(Invitation).where(Invitation.forum_id == forum.id, Invitation.sent_at.is_(None))
    ).all()
    for invitation in pending:
        _mail(forum, invitation, reminder=False)
        invitation.sent_at = now
    db.session.flush()
    return len(pending)


def send_reminders(forum: Forum, *, now: datetime | None = None) -> int:
    """Remind those sent an invitation who neither registered nor declined, none twice the same day."""
    now = now or utcnow()
    invitations_of(forum)  # links the registrations made since
    waiting = db.session.scalars(
        sa.select(Invitation).where(
            Invitation.forum_id == forum.id,
            Invitation.sent_at.is_not(None),
            Invitation.registration_id.is_(None),
            Invitation.declined_at.is_(None),
        )
    ).all()
    count = 0
    for invitation in waiting:
        last = invitation.reminded_at or invitation.sent_at
        if last.date() == now.date():
            continue
        _mail(forum, invitation, reminder=True)
        invitation.reminded_at = now
        count += 1
    db.session.flush()
    return count
