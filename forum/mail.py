"""One mail service for every module: plain text + HTML, in the recipient's language, sent as a job."""

from __future__ import annotations

import smtplib
import time
import uuid
from collections.abc import Sequence
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any, NamedTuple

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale

from forum import jobs
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
) -> EmailMessage:
    """The one MIME builder: text and HTML alternatives in base64, files attached (multipart/mixed) if any.

    The subject is put on one line (a line break cannot start a header of its own), and the stdlib's
    SMTP policy encodes non-ASCII subjects and sender names (RFC 2047) and ends lines in CRLF.
    """
    mime = EmailMessage(policy=policy.SMTP)
    mime["Subject"] = " ".join(subject.splitlines())
    mime["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    mime["To"] = to
    mime["Date"] = formatdate(localtime=False)
    mime["Message-ID"] = make_msgid(domain="multaqa.local")
    mime.set_content(text, cte="base64")
    mime.add_alternative(html, subtype="html", cte="base64")
    for attachment in attachments:
        maintype, subtype = attachment.content_type.split("/")
        mime.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    # Last: making the message multipart moves the Content-* headers already set into its first part.
    mime["Content-Language"] = locale
    return mime


@jobs.task("mail.deliver")
def deliver(job: jobs.Job | None, to: str, subject: str, text: str, html: str, locale: str) -> None:
    """Build one rendered mail (plain texts, as queued by `send`) and hand it to the configured backend."""
    _hand_over(to, message(to, subject, text, html, locale=locale))


def _hand_over(to: str, mime: EmailMessage) -> None:
    """Send a built message by SMTP, or keep it as a file of the development outbox."""
    config = current_app.config
    raw = mime.as_bytes()
    if config["MAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.sendmail(parseaddr(config["MAIL_DEFAULT_SENDER"])[1], [to], raw)
        return
    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
    (outbox / name).write_bytes(raw)
