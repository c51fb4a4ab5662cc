"""One mail service for every module: plain text + HTML, in the recipient's language, sent as a job."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from email import encoders, policy
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any, NamedTuple

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale

from forum import jobs, mail_relay
from forum.i18n import text_direction


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for e-mails and feeds, also outside a request (jobs, CLI, hooks run by services):
    the request's host, else BASE_URL (which sets SERVER_NAME), else http://localhost."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context():
        return url_for(endpoint, _external=True, **values)


def send(to: str, subject: Any, template: str, *, locale: str, **context: Any) -> None:
    """Render templates/mail/<template>.txt and .html in the recipient's locale and queue delivery.

    `subject` may be a lazy string; it is rendered in the recipient's language. The request only renders
    (the context may hold rows, which a job could not be given); the job is given plain texts and builds
    the MIME message. The delivery runs after the current transaction commits, so a rolled-back action
    sends nothing.
    """
    subject_text, text, html = _render(subject, template, locale, context)
    jobs.enqueue("mail.deliver", to, subject_text, text, html, locale, track=False)


class Attachment(NamedTuple):
    filename: str
    #: e.g. "image/png"
    content_type: str
    data: bytes


def send_from_job(
    to: str, subject: Any, template: str, *, locale: str, attachments: Sequence[Attachment], **context: Any
) -> None:
    """Render a message with attachments and deliver it at once: for a job, which has already left the
    request and has just made the attachments (a badge image, say)."""
    subject_text, text, html = _render(subject, template, locale, context)
    _hand_over(to, message(to, subject_text, text, html, locale=locale, attachments=attachments))


def _render(subject: Any, template: str, locale: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """The subject, text and HTML of templates/mail/<template>, in the recipient's language."""
    with force_locale(locale):
        context = {**context, "mail_locale": locale, "mail_dir": text_direction(locale)}
        subject_text = str(subject) % context if "%(" in str(subject) else str(subject)
        # Straight from the Jinja environment: mail templates use none of the pages' context
        # processors (language switch, current user...), which cost more than the templates.
        jinja = current_app.jinja_env
        text = jinja.get_template(f"mail/{template}.txt").render(subject=subject_text, **context)
        html = jinja.get_template(f"mail/{template}.html").render(subject=subject_text, **context)
    return subject_text, text, html


def message(
    to: str, subject: str, text: str, html: str, *, locale: str, attachments: Sequence[Attachment] = ()
) -> Message:
    """The one MIME builder: text and HTML alternatives in base64, files attached (multipart/mixed) if any.

    Built with the standard library's `email.mime` classes: `EmailMessage` gives the same message but
    parses every header it is given through its header registry, which made building a mail cost three
    times as much (about 3 ms against 1 ms, measured on the confirmation mail) on the processes that
    serve sign-ups. The subject is put on one line; non-ASCII subjects and sender names are encoded
    (RFC 2047); a header value that would start a header of its own is refused when the mail is written.
    """
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(text, "plain", "utf-8"))
    body.attach(MIMEText(html, "html", "utf-8"))
    mime = body
    if attachments:
        mime = MIMEMultipart("mixed")
        mime.attach(body)
        for attachment in attachments:
            maintype, subtype = attachment.content_type.split("/")
            part = MIMEBase(maintype, subtype)
            part.set_payload(attachment.data)
            encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
            mime.attach(part)
    mime["Subject"] = Header(" ".join(subject.splitlines()), "utf-8")
    mime["From"] = _address(current_app.config["MAIL_DEFAULT_SENDER"])
    mime["To"] = _address(to)
    mime["Date"] = formatdate(localtime=False)
    mime["Message-ID"] = make_msgid(domain="multaqa.local")
    mime["Content-Language"] = locale
    return mime


def _address(value: str) -> str:
    """An address header's value, its display name encoded when it is not ASCII."""
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


@jobs.task("mail.deliver")
def deliver(job: jobs.Job | None, to: str, subject: str, text: str, html: str, locale: str) -> None:
    """Build one rendered mail (plain texts, as queued by `send`) and hand it to the configured backend."""
    _hand_over(to, message(to, subject, text, html, locale=locale))


#: Lines end in CRLF, as SMTP wants them.
_WIRE = policy.compat32.clone(linesep="\r\n")


def _hand_over(to: str, mime: Message) -> None:
    """Send a built message by SMTP, or keep it as a file of the development outbox."""
    config = current_app.config
    raw = mime.as_bytes(policy=_WIRE)
    if config["MAIL_BACKEND"] == "smtp":
        mail_relay.send(config, parseaddr(config["MAIL_DEFAULT_SENDER"])[1], to, raw)
        return
    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
    (outbox / name).write_bytes(raw)
