"""One mail service for every module: plain text + HTML, in the recipient's language, sent as a job."""

from __future__ import annotations

import base64
import smtplib
import time
import uuid
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any

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
    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    jobs.enqueue("mail.deliver", raw, sender, to, track=False)


def build(to: str, subject: Any, template: str, *, locale: str, **context: Any) -> str:
    """The whole message (text and HTML alternatives), ready for SMTP: CRLF lines, bodies in base64.

    Written out directly rather than through email.message: registration sends one per sign-up, and
    the stdlib's policy machinery cost several times the rendering of the two templates.
    """
    with force_locale(locale):
        context = {**context, "mail_locale": locale, "mail_dir": text_direction(locale)}
        subject_text = str(subject) % context if "%(" in str(subject) else str(subject)
        # Straight from the Jinja environment: mail templates use none of the pages' context
        # processors (language switch, current user...), which cost more than the templates.
        jinja = current_app.jinja_env
        text = jinja.get_template(f"mail/{template}.txt").render(subject=subject_text, **context)
        html = jinja.get_template(f"mail/{template}.html").render(subject=subject_text, **context)
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
