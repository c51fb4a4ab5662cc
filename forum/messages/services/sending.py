"""Sending a message as a job: one Delivery row per recipient, each person reached once.

The job first lists the recipients the segment names now as pending Delivery rows (the unique
(message, registration, channel) constraint keeps one per person however often the job runs), then
claims them in small chunks (pending → sending, committed) before handing them to the server, and
records each outcome. A retried job sends what is still pending; a row a stopped job left "sending"
is never sent again (it may have gone out), it is marked not sent.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from functools import partial
from typing import Any

import sqlalchemy as sa
import urllib3
from flask_babel import lazy_gettext as _l

from forum import audit, jobs, mail
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.messages.models import Channel, Delivery, DeliveryStatus, Message, MessageKind, MessageStatus
from forum.messages.services.agenda import reminder_extra
from forum.messages.services.channels import EmailSender, Refused
from forum.messages.services.compose import MessageError, Personalised, personalise
from forum.messages.services.segments import reach_of, recipients_of
from forum.messages.services.sms import SmsSender, delivery_of_token, report_token
from forum.registration.models import Registration

#: rows claimed and committed at once: at most this many are in doubt when a job is stopped
CHUNK = 50
#: stands for the person's access key in links built once for a whole sending
_KEY = "ACCESSKEY"


def send_message(message: Message, *, actor: Any) -> jobs.Job:
    """Start sending a message (a draft, or again to whoever joined its segment since) as a tracked job."""
    running = db.session.get(jobs.Job, message.job_id) if message.job_id else None
    if message.status == MessageStatus.sending and running is not None and not running.is_finished:
        raise MessageError(_l("This message is being sent."))
    forum = db.session.get(Forum, message.forum_id)
    if not reach_of(message, forum):
        raise MessageError(_l("Nobody is in this group of people: the message would reach no one."))
    message.status = MessageStatus.sending
    job = jobs.enqueue("messages.send", message.id, links_of(forum), forum=forum, user=actor)
    message.job_id = job.id
    audit.record("message.send", actor=actor, forum=forum, target=message)
    db.session.flush()
    return job


#: the links a message may carry, by the endpoint of each
LINKS = {"personal": "registration.self_service", "stop": "messages.stop", "badge": "badges.my_badge"}
#: stands for a delivery's signed token in the SMS gateway's report address
_REPORT = "REPORTTOKEN"


def links_of(forum: Forum) -> dict[str, str]:
    """The personal page's, the stop link's and the badge's addresses, with a marker for the person's key
    (built in the request, which knows the host; the job fills in each key), and the SMS reports' address."""
    links = {
        name: mail.external_url(endpoint, forum_slug=forum.slug, access_key=_KEY) for name, endpoint in LINKS.items()
    }
    # %d is the gateway's: it puts the report's type there (1 delivered, 2 undelivered, 16 rejected)
    links["report"] = mail.external_url("messages.sms_report", token=_REPORT) + "?status=%d"
    return links


def personal_links(links: dict[str, str], registration: Registration) -> dict[str, str]:
    """The links of one person."""
    return {name: link.replace(_KEY, registration.access_key) for name, link in links.items()}


def letter_for(
    message: Message, forum: Forum, registration: Registration, links: dict[str, str]
) -> tuple[Personalised, str | None]:
    """The message as this person receives it, with their links (and, for a reminder, their agenda)."""
    mine = personal_links(links, registration)
    extra = None
    if message.kind == MessageKind.reminder:
        extra = partial(reminder_extra, registration, forum, badge_link=mine["badge"])
    stop = None if message.is_essential else mine["stop"]
    return personalise(message, registration, forum, link=mine["personal"], stop_link=stop, extra=extra), stop


def list_recipients(message: Message, forum: Forum) -> int:
    """Add a pending Delivery for each person of the segment who has none yet; returns how many."""
    recipients = recipients_of(message, forum).subquery()
    missing = (
        sa.select(
            sa.literal(message.id),
            Registration.id,
            sa.literal(message.channel.value),
            Registration.phone if message.channel == Channel.sms else Registration.email,
            sa.literal(DeliveryStatus.pending.value),
            sa.literal(utcnow(), type_=Delivery.__table__.c.at.type),
        )
        .join(recipients, recipients.c.id == Registration.id)
        .where(
            ~sa.select(Delivery.id)
            .where(
                Delivery.message_id == message.id,
                Delivery.registration_id == Registration.id,
                Delivery.channel == message.channel,
            )
            .exists()
        )
    )
    columns = ["message_id", "registration_id", "channel", "address", "status", "at"]
    result = db.session.execute(sa.insert(Delivery).from_select(columns, missing))
    return result.rowcount or 0


def _claim(message_id: int) -> list[int]:
    ids = db.session.scalars(
        sa.select(Delivery.id)
        .where(Delivery.message_id == message_id, Delivery.status == DeliveryStatus.pending)
        .order_by(Delivery.id)
        .limit(CHUNK)
    ).all()
    if not ids:
        return []
    claimed = db.session.scalars(
        sa.update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.status == DeliveryStatus.pending)
        .values(status=DeliveryStatus.sending, at=utcnow())
        .returning(Delivery.id)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _set(ids: list[int], status: DeliveryStatus, error: str | None = None) -> None:
    # Only rows still claimed by this job: a delivery report may have come back before the job marks
    # its chunk sent (the gateway is that fast), and it says more than "sent".
    if ids:
        db.session.execute(
            sa.update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.status.in_([DeliveryStatus.sending, DeliveryStatus.pending]))
            .values(status=status, error=error, at=utcnow())
        )


def deliver(
    message_id: int, links: dict[str, str], *, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Send the message to everyone of its segment who has not had it yet (the body of the job)."""
    message = db.session.get(Message, message_id)
    forum = db.session.get(Forum, message.forum_id)
    _set(
        list(
            db.session.scalars(
                sa.select(Delivery.id).where(
                    Delivery.message_id == message_id, Delivery.status == DeliveryStatus.sending
                )
            )
        ),
        DeliveryStatus.failed,
        "interrupted",
    )
    list_recipients(message, forum)
    db.session.commit()
    total = db.session.scalar(
        sa.select(sa.func.count()).where(Delivery.message_id == message_id, Delivery.status == DeliveryStatus.pending)
    )
    done = 0
    with SmsSender() if message.channel == Channel.sms else EmailSender() as sender:
        while claimed := _claim(message_id):
            rows = db.session.execute(
                sa.select(Delivery.id, Delivery.address, Registration)
                .join(Registration, Registration.id == Delivery.registration_id)
                .where(Delivery.id.in_(claimed))
                .order_by(Delivery.id)
            ).all()
            _send_chunk(sender, message, forum, rows, links)
            done += len(claimed)
            db.session.commit()
            if progress is not None:
                progress(done, total)
    message.status, message.sent_at = MessageStatus.sent, utcnow()
    db.session.commit()
    return _counts(message_id)


def _send_chunk(sender, message, forum, rows, links) -> None:
    sent, remaining = [], [row[0] for row in rows]
    try:
        for delivery_id, address, registration in rows:
            letter, stop = letter_for(message, forum, registration, links)
            try:
                if message.channel == Channel.sms:
                    report = links["report"].replace(_REPORT, report_token(delivery_id))
                    sender.send(address, letter.text, report_url=report)
                else:
                    sender.send(address, sender.build(address, letter, stop_link=stop))
            except Refused as refusal:
                _set([delivery_id], DeliveryStatus.bounced, str(refusal)[:300])
            else:
                sent.append(delivery_id)
            remaining.remove(delivery_id)
    except (smtplib.SMTPException, OSError, urllib3.exceptions.HTTPError):
        # The connection broke: the message in hand may have gone out (never again), the rest has not.
        _set(sent, DeliveryStatus.sent)
        _set(remaining[:1], DeliveryStatus.failed, "interrupted")
        _set(remaining[1:], DeliveryStatus.pending)
        db.session.commit()
        raise
    _set(sent, DeliveryStatus.sent)


def _counts(message_id: int) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Delivery.status, sa.func.count()).where(Delivery.message_id == message_id).group_by(Delivery.status)
    ).all()
    return {status.value: count for status, count in rows}


def delivery_counts(message: Message) -> dict[str, int]:
    """How many deliveries of the message are in each status."""
    return _counts(message.id)


def mark_failed(message_id: int) -> None:
    """A sending job failed: the message shows as interrupted (it can be sent again: nobody gets it twice)."""
    message = db.session.get(Message, message_id)
    if message is not None and message.status == MessageStatus.sending:
        message.status = MessageStatus.failed
        db.session.commit()


#: the gateway's report types (dlr-mask bits) and what they say of a delivery
REPORTS = {1: DeliveryStatus.delivered, 2: DeliveryStatus.undelivered, 16: DeliveryStatus.undelivered}


def record_report(token: str, kind: int) -> bool:
    """Record the SMS gateway's delivery report for one delivery; false when the token is not ours."""
    delivery_id = delivery_of_token(token)
    delivery = db.session.get(Delivery, delivery_id) if delivery_id is not None else None
    if delivery is None:
        return False
    if kind in REPORTS and delivery.status in (
        DeliveryStatus.sending,
        DeliveryStatus.sent,
        DeliveryStatus.delivered,
        DeliveryStatus.undelivered,
    ):
        delivery.status, delivery.at = REPORTS[kind], utcnow()
        db.session.flush()
    return True
