"""Writing a message: its texts per language with placeholders, its segment, and how one person reads it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from forum import audit
from forum.db import translated, utcnow
from forum.errors import ForumError
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import person_name, text_direction
from forum.messages.models import Channel, Message, MessageKind
from forum.messages.services.segments import Segment
from forum.registration.models import Registration

#: what a text may hold, replaced for each person: their name, the forum's title, their personal link
PLACEHOLDERS = ("name", "forum", "link")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


class MessageError(ForumError):
    message = _l("This message cannot be changed.")


def unknown_placeholders(text: str) -> list[str]:
    """The {words} of a text that are not placeholders (so a typo is caught before anyone receives it)."""
    return [word for word in _PLACEHOLDER.findall(text or "") if word not in PLACEHOLDERS]


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the placeholders of a text by this person's values."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def save_message(
    forum: Forum,
    message: Message | None,
    *,
    segment: Segment,
    subject: dict[str, str],
    body: dict[str, str],
    is_essential: bool,
    actor: Any,
    channel: Channel = Channel.email,
) -> Message:
    """Create or change a draft message (a message already sent is kept as it went out)."""
    if message is not None and not message.is_draft:
        raise MessageError(_l("This message has been sent: it can no longer be changed."))
    if set(subject) != set(body):
        raise MessageError(_l("Give the subject and the text in the same languages."))
    if message is None:
        message = Message(forum_id=forum.id, kind=MessageKind.announcement, channel=Channel.email)
        message.created_by_id = getattr(actor, "id", None)
        db.session.add(message)
    message.segment, message.subject, message.body = segment.as_dict(), subject, body
    message.channel = channel
    message.is_essential = is_essential
    message.updated_at = utcnow()
    db.session.flush()
    audit.record("message.save", actor=actor, forum=forum, target=message)
    return message


@dataclass
class Personalised:
    """A message as one person receives it."""

    locale: str
    subject: str
    text: str
    html: str


def language_for(message_texts: dict[str, str], registration: Registration, forum: Forum) -> str:
    """The person's language if the message has it, else the forum's, else any the message has."""
    for locale in (registration.locale, forum.default_locale, "ar", "fr", "en"):
        if message_texts.get(locale):
            return locale
    return next(iter(message_texts), forum.default_locale)


def personalise(
    message: Message,
    registration: Registration,
    forum: Forum,
    *,
    link: str,
    stop_link: str | None,
    extra: Callable[[str], dict[str, Any]] | None = None,
) -> Personalised:
    """The subject, text and HTML of the message for one person, in their language, placeholders filled;
    `extra(locale)` gives what a reminder adds (agenda, badge)."""
    locale = language_for(message.subject, registration, forum)
    name = person_name(registration.name_ar, registration.name_latin, locale) or registration.email
    values = {"name": name, "forum": translated(forum.title, locale), "link": link}
    subject = " ".join(fill(message.subject.get(locale, ""), values).splitlines())
    body = fill(message.body.get(locale, ""), values)
    if message.channel == Channel.sms:  # the text as written, nothing around it: every character is paid for
        return Personalised(locale, subject, body, "")
    template = "reminder" if message.kind == MessageKind.reminder else "message"
    jinja = current_app.jinja_env
    with force_locale(locale):
        context = {
            "subject": subject,
            "name": name,
            "paragraphs": [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()],
            "link": link,
            "stop_link": stop_link,
            "mail_locale": locale,
            "mail_dir": text_direction(locale),
            **(extra(locale) if extra else {}),
        }
        text = jinja.get_template(f"mail/{template}.txt").render(**context)
        html = jinja.get_template(f"mail/{template}.html").render(**context)
    return Personalised(locale, subject, text, html)
