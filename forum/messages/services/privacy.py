"""What the messages module holds about a person, for their data export, and its erasure (law 09-08)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum import storage
from forum.db import translated
from forum.extensions import db
from forum.messages.models import Answer, Certificate, Delivery, Message, OptOut, Response, SmsConsent
from forum.registration.models import Registration

PRIVACY_LABELS = {"what": _l("What"), "at": _l("When"), "status": _l("Status"), "details": _l("Details")}


def _record(what: Any, at: datetime, status: Any = "", **details: Any) -> dict[str, Any]:
    return {"what": str(what), "at": at.isoformat(), "status": str(status), "details": details}


def personal_records(registration: Registration) -> list[dict[str, Any]]:
    """Messages sent to the person (subject, channel, address used, outcome), their choices about
    messages, their certificate and their feedback answers."""
    records = [
        _record(_l("Message"), delivery.at, delivery.status.title, subject=translated(subject), to=delivery.address)
        for delivery, subject in db.session.execute(
            sa.select(Delivery, Message.subject)
            .join(Message, Message.id == Delivery.message_id)
            .where(Delivery.registration_id == registration.id)
            .order_by(Delivery.at, Delivery.id)
        )
    ]
    if opt_out := db.session.get(OptOut, registration.id):
        records.append(_record(_l("Stopped messages that are not essential"), opt_out.at))
    if consent := db.session.get(SmsConsent, registration.id):
        records.append(_record(_l("Agreed to receive SMS"), consent.at))
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.registration_id == registration.id))
    if certificate is not None:
        records.append(_record(_l("Certificate of attendance"), certificate.issued_at, version=certificate.version))
    for response in db.session.scalars(sa.select(Response).where(Response.registration_id == registration.id)):
        answers = db.session.scalars(sa.select(Answer).where(Answer.response_id == response.id)).all()
        given = [{"rating": a.rating, "picked": a.picked, "text": a.text} for a in answers]
        records.append(_record(_l("Feedback survey"), response.submitted_at, answers=given))
    return records


def erase_personal_data(registration: Registration, now: datetime) -> None:
    """Deliveries stay counted without the address; the certificate (which names the person) goes with
    its file; free-text answers lose their words, ratings and choices stay in the results."""
    db.session.execute(sa.update(Delivery).where(Delivery.registration_id == registration.id).values(address=""))
    for model in (OptOut, SmsConsent):
        db.session.execute(sa.delete(model).where(model.registration_id == registration.id))
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.registration_id == registration.id))
    if certificate is not None:
        storage.delete(certificate.file_key)
        db.session.delete(certificate)
    responses = sa.select(Response.id).where(Response.registration_id == registration.id)
    db.session.execute(sa.update(Answer).where(Answer.response_id.in_(responses)).values(text=None))
