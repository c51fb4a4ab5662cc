"""Attendance certificates: who attended what (from check-in), issuing and reissuing, the signed code of
the QR and its verification."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from forum import audit, jobs, storage
from forum.checkin.models import Admission, CheckInList, ListKind
from forum.db import utcnow
from forum.errors import ForumError
from forum.events.models import Forum
from forum.extensions import db
from forum.messages.models import Certificate, CertificateLayout, CertificateSettings
from forum.programme.models import Session
from forum.registration.models import Registration


class CertificateError(ForumError):
    message = _l("The certificates cannot be issued.")


def certificate_settings(forum: Forum) -> CertificateSettings:
    """The forum's certificate settings (a transient default when none were saved)."""
    return db.session.get(CertificateSettings, forum.id) or CertificateSettings(
        forum_id=forum.id, layout=CertificateLayout.bilingual, signatory={}
    )


def save_certificate_settings(
    forum: Forum,
    *,
    layout: CertificateLayout,
    signatory: dict[str, str],
    signature_png: bytes | None,
    remove_signature: bool,
    actor: Any,
) -> CertificateSettings:
    """Choose the layout and the signatory; a new signature image (a cleaned PNG) replaces the old one."""
    settings = db.session.get(CertificateSettings, forum.id)
    if settings is None:
        settings = CertificateSettings(forum_id=forum.id)
        db.session.add(settings)
    settings.layout, settings.signatory = layout, signatory
    if signature_png is not None or remove_signature:
        old = settings.signature_key
        settings.signature_key = (
            storage.save(f"certificates/{forum.id}", signature_png, ".png") if signature_png else None
        )
        storage.delete(old)
    db.session.flush()
    audit.record("message.certificate_settings", actor=actor, forum=forum)
    return settings


def attendance_of(forum: Forum) -> dict[int, dict[str, list]]:
    """Each person welcomed at least once at the entrance: the days they came and the sessions whose room
    let them in (admissions undone at a desk do not count)."""
    rows = db.session.execute(
        sa.select(Admission.registration_id, CheckInList.kind, CheckInList.day, CheckInList.session_id)
        .join(CheckInList, CheckInList.id == Admission.list_id)
        .where(CheckInList.forum_id == forum.id, Admission.undone_at.is_(None))
    )
    days: dict[int, set] = defaultdict(set)
    sessions: dict[int, set] = defaultdict(set)
    for registration_id, kind, day, session_id in rows:
        if kind == ListKind.entrance:
            days[registration_id].add(day.isoformat())
        elif session_id is not None:
            sessions[registration_id].add(session_id)
    return {rid: {"days": sorted(d), "sessions": sorted(sessions[rid])} for rid, d in days.items()}


@dataclass
class Issued:
    issued: int = 0
    reissued: int = 0
    withdrawn: int = 0
    unchanged: int = 0


def issue_certificates(forum: Forum) -> Issued:
    """Give each person present a certificate; raise the version of those whose attendance was corrected
    since (the earlier paper then verifies as replaced); withdraw those of people no longer present."""
    attendance = attendance_of(forum)
    outcome = Issued()
    existing = {
        c.registration_id: c for c in db.session.scalars(sa.select(Certificate).where(Certificate.forum_id == forum.id))
    }
    for registration_id, certificate in existing.items():
        if registration_id not in attendance:
            storage.delete(certificate.file_key)
            db.session.delete(certificate)
            outcome.withdrawn += 1
    for registration_id, attended in attendance.items():
        certificate = existing.get(registration_id)
        if certificate is None:
            db.session.add(Certificate(forum_id=forum.id, registration_id=registration_id, attendance=attended))
            outcome.issued += 1
        elif certificate.attendance != attended:
            storage.delete(certificate.file_key)
            certificate.version, certificate.attendance = certificate.version + 1, attended
            certificate.file_key, certificate.issued_at = None, utcnow()
            outcome.reissued += 1
        else:
            outcome.unchanged += 1
    db.session.flush()
    return outcome


def request_certificates(forum: Forum, *, send_mail: bool, links: dict[str, str], actor: Any) -> jobs.Job:
    """Issue the certificates, build the PDF of all of them for printing, and (if asked) e-mail each person
    the link to theirs: one tracked job."""
    if not forum.is_past() and not attendance_of(forum):
        raise CertificateError(_l("Nobody has been welcomed at the entrance yet."))
    audit.record("message.certificates", actor=actor, forum=forum, send_mail=send_mail)
    return jobs.enqueue("messages.certificates", forum.id, send_mail, links, forum=forum, user=actor)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="multaqa-certificate")


def code_of(certificate: Certificate) -> str:
    """The signed code the certificate's QR carries: its id and version."""
    return _serializer().dumps([certificate.id, certificate.version])


@dataclass
class Verification:
    #: "valid", "replaced" (an earlier version) or "invalid" (altered, unknown, withdrawn, other forum)
    status: str
    certificate: Certificate | None = None
    registration: Registration | None = None
    #: the days attended, as on record
    days: list[date] = field(default_factory=list)
    #: the titles (per language) of the workshops attended, as on record
    workshops: list[dict[str, str]] = field(default_factory=list)


def verify(forum: Forum, code: str) -> Verification:
    """What a certificate's code says: valid (with the person and attendance on record), replaced, or invalid."""
    try:
        certificate_id, version = _serializer().loads(code)
    except (BadSignature, ValueError, TypeError):
        return Verification("invalid")
    certificate = db.session.get(Certificate, certificate_id) if isinstance(certificate_id, int) else None
    if certificate is None or certificate.forum_id != forum.id:
        return Verification("invalid")
    registration = db.session.get(Registration, certificate.registration_id)
    if certificate.version != version:
        return Verification("replaced")
    days = [date.fromisoformat(day) for day in certificate.attendance.get("days", [])]
    ids = certificate.attendance.get("sessions", [])
    sessions = (
        db.session.scalars(sa.select(Session).where(Session.id.in_(ids)).order_by(Session.starts_at)) if ids else []
    )
    return Verification("valid", certificate, registration, days, [s.title for s in sessions])


def certificate_of(registration: Registration) -> Certificate | None:
    """The person's certificate, once issued."""
    return db.session.scalar(sa.select(Certificate).where(Certificate.registration_id == registration.id))
