"""The automatic reminder: N days before the forum, each confirmed person gets their agenda, their badge
and the practical information. One reminder message per forum (a partial unique index), sent with the
messages' job, so cron may run as often as it likes: nobody gets it twice, and whoever is confirmed after
it went out gets it at the next run, until the forum begins."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from forum import audit, jobs
from forum.db import translated, utcnow
from forum.events.models import Forum, ForumStatus
from forum.extensions import db
from forum.messages.models import Channel, Delivery, Message, MessageKind, MessageStatus, ReminderSettings
from forum.messages.services.segments import Segment, recipients_of
from forum.messages.services.sending import send_message

LANGUAGES = ("ar", "fr", "en")


def reminder_settings(forum: Forum) -> ReminderSettings:
    """The forum's reminder settings (a transient default row when none was saved: off, one day before)."""
    return db.session.get(ReminderSettings, forum.id) or ReminderSettings(
        forum_id=forum.id, is_enabled=False, days_before=1, practical_info={}
    )


def save_reminder_settings(
    forum: Forum, *, is_enabled: bool, days_before: int, practical_info: dict[str, str], actor: Any
) -> ReminderSettings:
    """Turn the reminder on or off, choose how many days before the forum and its practical information."""
    settings = db.session.get(ReminderSettings, forum.id)
    if settings is None:
        settings = ReminderSettings(forum_id=forum.id)
        db.session.add(settings)
    settings.is_enabled, settings.days_before, settings.practical_info = is_enabled, days_before, practical_info
    db.session.flush()
    audit.record("message.reminder_settings", actor=actor, forum=forum, days_before=days_before, on=is_enabled)
    return settings


def reminder_of(forum: Forum) -> Message | None:
    """The forum's reminder message, once it has been started."""
    query = sa.select(Message).where(Message.forum_id == forum.id, Message.kind == MessageKind.reminder)
    return db.session.scalar(query)


def reminder_day(forum: Forum, settings: ReminderSettings):
    """The local day the reminder goes out."""
    return forum.starts_on - timedelta(days=settings.days_before)


def _new_reminder(forum: Forum, settings: ReminderSettings) -> Message | None:
    subject = {}
    for locale in LANGUAGES:
        with force_locale(locale):
            subject[locale] = _("See you soon at %(forum)s", forum=translated(forum.title, locale))
    message = Message(
        forum_id=forum.id,
        kind=MessageKind.reminder,
        channel=Channel.email,
        segment=Segment(statuses=["confirmed"]).as_dict(),
        subject=subject,
        body={locale: settings.practical_info.get(locale, "") for locale in LANGUAGES},
        is_essential=True,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # another run started it at the same moment
        return reminder_of(forum)
    return message


def _unreached(message: Message, forum: Forum) -> int:
    recipients = recipients_of(message, forum).subquery()
    reached = sa.select(Delivery.registration_id).where(Delivery.message_id == message.id)
    return db.session.scalar(sa.select(sa.func.count()).where(recipients.c.id.not_in(reached))) or 0


def send_due_reminders(*, now: datetime | None = None) -> list[Message]:
    """Start (or continue, for people confirmed since) every reminder whose day has come, until its forum
    begins; returns the messages whose sending started."""
    now = now or utcnow()
    started = []
    rows = db.session.execute(
        sa.select(Forum, ReminderSettings)
        .join(ReminderSettings, ReminderSettings.forum_id == Forum.id)
        .where(ReminderSettings.is_enabled.is_(True), Forum.status.in_([ForumStatus.open, ForumStatus.closed]))
    ).all()
    for forum, settings in rows:
        today = now.astimezone(forum.zone).date()
        if not reminder_day(forum, settings) <= today <= forum.starts_on:
            continue
        message = reminder_of(forum) or _new_reminder(forum, settings)
        if message is None or message.status == MessageStatus.sending or not _unreached(message, forum):
            continue
        message.body = {locale: settings.practical_info.get(locale, "") for locale in LANGUAGES}
        send_message(message, actor=None)
        started.append(message)
    return started


def run_due_reminders(*, now: datetime | None = None) -> list[Message]:
    """Cron's entry point: start what is due, commit, and wait for the sending (in this process or RQ)."""
    started = send_due_reminders(now=now)
    db.session.commit()
    jobs.wait_for_threads()
    return started
