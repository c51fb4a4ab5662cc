"""One mail service for every module: plain text + HTML, in the recipient's language, sent as a job."""

from __future__ import annotations

import smtplib
import time
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context, render_template, url_for
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
    message = build(to, subject, template, locale=locale, **context)
    jobs.enqueue("mail.deliver", message.as_bytes(policy=policy.SMTP).decode("ascii"), track=False)


def build(to: str, subject: Any, template: str, *, locale: str, **context: Any) -> EmailMessage:
    with force_locale(locale):
        context = {**context, "mail_locale": locale, "mail_dir": text_direction(locale)}
        subject_text = str(subject) % context if "%(" in str(subject) else str(subject)
        text = render_template(f"mail/{template}.txt", subject=subject_text, **context)
        html = render_template(f"mail/{template}.html", subject=subject_text, **context)
    message = EmailMessage()
    message["Subject"] = subject_text
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="multaqa.local")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = locale  # after the content: set_content clears Content-* headers
    return message


@jobs.task("mail.deliver")
def deliver(job: jobs.Job | None, raw: str) -> None:
    """Hand one rendered message to the configured backend."""
    message = message_from_bytes(raw.encode("ascii"), policy=policy.default)
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
    (outbox / name).write_bytes(raw.encode("ascii"))
