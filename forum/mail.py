"""One mail service for every module: plain text + HTML, in the recipient's language, sent as a job."""

from __future__ import annotations

import base64
import smtplib
import time
import uuid
from collections.abc import Sequence
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
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

    `subject` may be a lazy string; it is rendered in the recipient's language. The delivery runs
    after the current transaction commits, so a rolled-back action sends nothing.
    """
    raw = build(to, subject, template, locale=locale, **context)
    jobs.enqueue("mail.deliver", raw, _sender(), to, track=False)


class Attachment(NamedTuple):
    filename: str
    #: e.g. "image/png"
    content_type: str
    data: bytes


def send_from_job(
    to: str, subject: Any, template: str, *, locale: str, attachments: Sequence[Attachment], **context: Any
) -> None:
    """Build a message with attachments and deliver it at once: for a job, which has already left the
    request and has just made the attachments (a badge image, say)."""
    deliver(
        None,
        build_with_attachments(to, subject, template, locale=locale, attachments=attachments, **context),
        _sender(),
        to,
    )


def _sender() -> str:
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]


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


def build(to: str, subject: Any, template: str, *, locale: str, **context: Any) -> str:
    """The whole message (text and HTML alternatives), ready for SMTP: CRLF lines, bodies in base64.

    Written out directly rather than through email.message: registration sends one per sign-up, and
    the stdlib's policy machinery cost several times the rendering of the two templates.
    """
    subject_text, text, html = _render(subject, template, locale, context)
    boundary = f"=_multaqa_{uuid.uuid4().hex}"
    headers = (
        ("Subject", _header(subject_text)),
        ("From", _address(current_app.config["MAIL_DEFAULT_SENDER"])),
        ("To", _address(to)),
        ("Date", formatdate(localtime=False)),
        ("Message-ID", make_msgid(domain="multaqa.local")),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        ("Content-Language", locale),
    )
    lines = [f"{name}: {value}" for name, value in headers]
    for subtype, body in (("plain", text), ("html", html)):
        lines += [
            "",
            f"--{boundary}",
            f'Content-Type: text/{subtype}; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(body.encode("utf-8")).decode("ascii").rstrip("\n").replace("\n", "\r\n"),
        ]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines)


def build_with_attachments(
    to: str, subject: Any, template: str, *, locale: str, attachments: Sequence[Attachment], **context: Any
) -> str:
    """The message of `build` with files attached (multipart/mixed), through the stdlib's EmailMessage:
    rarer mail, where its cost does not matter. Same headers, same base64 bodies."""
    subject_text, text, html = _render(subject, template, locale, context)
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = " ".join(subject_text.splitlines())
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="multaqa.local")
    message.set_content(text, cte="base64")
    message.add_alternative(html, subtype="html", cte="base64")
    for attachment in attachments:
        maintype, subtype = attachment.content_type.split("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    # Last: making the message multipart moves the Content-* headers already set into its first part.
    message["Content-Language"] = locale
    return message.as_string()


def _header(value: str) -> str:
    """A header value on one logical line, folded, and RFC 2047-encoded when it is not plain ASCII."""
    value = " ".join(value.splitlines())
    return Header(value, "us-ascii" if value.isascii() else "utf-8").encode()


def _address(value: str) -> str:
    """A "Name <address>" header, its name encoded when it is not ASCII."""
    name, address = parseaddr(value)
    if not name:
        return address
    return formataddr((name, address), charset="utf-8")


@jobs.task("mail.deliver")
def deliver(job: jobs.Job | None, raw: str, sender: str, to: str) -> None:
    """Hand one rendered message to the configured backend, as it is (no parsing back)."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.sendmail(sender, [to], raw.encode("utf-8"))
        return
    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
    (outbox / name).write_bytes(raw.encode("utf-8"))
