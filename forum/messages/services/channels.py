"""How a personalised message leaves: one SMTP connection for a whole sending (or the dev outbox)."""

from __future__ import annotations

import smtplib
import time
import uuid
from email import policy
from email.message import Message as MimeMessage
from email.utils import parseaddr
from pathlib import Path
from types import TracebackType

from flask import current_app

from forum import mail, mail_relay
from forum.messages.services.compose import Personalised

#: lines end in CRLF, as SMTP wants them
_WIRE = policy.compat32.clone(linesep="\r\n")


class Refused(Exception):
    """The server refused this one address (a bounce at sending time); the others can go on."""


class EmailSender:
    """Sends many mails over one SMTP connection (opened once: a sending of thousands would otherwise
    spend most of its time connecting), built by the platform's one MIME builder."""

    def __init__(self) -> None:
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None
        self.sender = parseaddr(self.config["MAIL_DEFAULT_SENDER"])[1]

    def __enter__(self) -> EmailSender:
        if self.config["MAIL_BACKEND"] == "smtp":
            self.smtp = mail_relay.connect(self.config, timeout=30)
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except smtplib.SMTPException:
                self.smtp.close()

    def build(self, to: str, letter: Personalised, *, stop_link: str | None) -> MimeMessage:
        """The MIME message, with a List-Unsubscribe header when the person may stop such messages."""
        mime = mail.message(to, letter.subject, letter.text, letter.html, locale=letter.locale)
        if stop_link:
            mime["List-Unsubscribe"] = f"<{stop_link}>"
        return mime

    def send(self, to: str, mime: MimeMessage) -> None:
        """Hand one message over; raises Refused when the server refuses the address."""
        raw = mime.as_bytes(policy=_WIRE)
        if self.smtp is None:
            outbox = Path(self.config["MAIL_OUTBOX"])
            outbox.mkdir(parents=True, exist_ok=True)
            (outbox / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml").write_bytes(raw)
            return
        try:
            self.smtp.sendmail(self.sender, [to], raw)
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()))
            raise Refused(
                f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"
            ) from error
