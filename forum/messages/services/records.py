"""What organisers read: the forum's messages, who got one and when, and a preview as one recipient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import person_name
from forum.messages.models import Delivery, Message, OptOut, SmsConsent
from forum.messages.services.compose import MessageError, Personalised
from forum.messages.services.segments import recipients_of
from forum.messages.services.sending import letter_for, links_of
from forum.registration.models import Registration

PAGE = 100


def messages_of(forum: Forum) -> list[tuple[Message, int]]:
    """The forum's messages, newest first, with how many people each has reached."""
    reached = (
        sa.select(sa.func.count(Delivery.id))
        .where(Delivery.message_id == Message.id, Delivery.status == "sent")
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Message, reached)
        .where(Message.forum_id == forum.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
    )
    return [(message, count) for message, count in rows]


@dataclass
class DeliveryLine:
    delivery: Delivery
    name: str


def deliveries_of(message: Message, *, page: int = 1) -> tuple[list[DeliveryLine], int]:
    """One page of the message's record (who, which address, what happened, when) and the number of pages."""
    total = db.session.scalar(sa.select(sa.func.count()).where(Delivery.message_id == message.id)) or 0
    rows = db.session.execute(
        sa.select(Delivery, Registration.name_ar, Registration.name_latin)
        .join(Registration, Registration.id == Delivery.registration_id)
        .where(Delivery.message_id == message.id)
        .order_by(Delivery.id)
        .limit(PAGE)
        .offset((max(page, 1) - 1) * PAGE)
    ).all()
    lines = [DeliveryLine(d, person_name(ar, latin) or d.address) for d, ar, latin in rows]
    return lines, max(1, -(-total // PAGE))


def sample_recipients(message: Message, forum: Forum, *, limit: int = 200) -> list[Registration]:
    """The first people of the message's segment, to preview it as one of them."""
    ids = recipients_of(message, forum).limit(limit).subquery()
    return list(
        db.session.scalars(sa.select(Registration).join(ids, ids.c.id == Registration.id).order_by(Registration.id))
    )


def preview(message: Message, forum: Forum, registration: Registration) -> Personalised:
    """The message as this person will receive it (their language, their name and links)."""
    return letter_for(message, forum, registration, links_of(forum))[0]


def is_opted_out(registration: Registration) -> bool:
    """Whether the person stopped the non-essential messages."""
    return db.session.get(OptOut, registration.id) is not None


def set_opted_out(registration: Registration, stopped: bool) -> None:
    """Stop (or allow again) the forum's non-essential messages for this person."""
    current = db.session.get(OptOut, registration.id)
    if stopped and current is None:
        db.session.add(OptOut(registration_id=registration.id))
    elif not stopped and current is not None:
        db.session.delete(current)
    db.session.flush()


def has_sms_consent(registration: Registration) -> bool:
    """Whether the person agreed to receive the forum's messages by SMS too."""
    return db.session.get(SmsConsent, registration.id) is not None


def set_sms_consent(registration: Registration, agreed: bool) -> None:
    """Record (or withdraw) the person's agreement to receive the forum's messages by SMS."""
    current = db.session.get(SmsConsent, registration.id)
    if agreed and current is None and registration.phone:
        db.session.add(SmsConsent(registration_id=registration.id))
    elif not agreed and current is not None:
        db.session.delete(current)
    db.session.flush()


def set_preference(registration: Registration, choice: str) -> Any:
    """Apply a person's choice from their messages page ("stop", "resume", "sms-on", "sms-off"); returns
    what to tell them."""
    if choice in ("stop", "resume"):
        set_opted_out(registration, choice == "stop")
        return (
            _l("You will no longer receive the forum's messages.")
            if choice == "stop"
            else _l("You will receive the forum's messages again.")
        )
    if choice == "sms-on" and not registration.phone:
        raise MessageError(_l("Give a mobile number in your registration first."))
    if choice in ("sms-on", "sms-off"):
        set_sms_consent(registration, choice == "sms-on")
        return (
            _l("You will also receive them by SMS.") if choice == "sms-on" else _l("No more SMS will be sent to you.")
        )
    raise MessageError(_l("Choose what you want."))
