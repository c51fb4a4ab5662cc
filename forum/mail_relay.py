"""The SMTP connection e-mails go out on: one per thread, kept open from one e-mail to the next.

A connection of its own for every e-mail costs a TCP handshake, the server's greeting, EHLO and QUIT
and, with a provider, STARTTLS, a TLS handshake and AUTH: round trips that a server 20 ms away turns
into 150 ms an e-mail and more, against 90 on a kept connection. The worker sends its e-mails one
after another in one thread, so a burst of them (a morning's sign-up confirmations) shares one.

A connection idle for longer than KEEP_SECONDS is dropped rather than reused: servers end idle sessions
(Postfix after 300 s), and a network that forgot one silently would leave the next e-mail waiting for
the timeout. A kept connection the server has closed anyway (a restart) is found on the next e-mail,
which then goes out once more on a new connection; a new connection that fails is the job's failure.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import threading
import time
from typing import Any

#: how long an unused connection is kept for the next e-mail
KEEP_SECONDS = 30.0

#: what a connection the server or the network has ended raises on its next command
_GONE = (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError)


class _Kept(threading.local):
    smtp: smtplib.SMTP | None = None
    #: the process and settings the connection was opened with (a fork's child must not use its parent's)
    opened_for: tuple[Any, ...] | None = None
    used_at = 0.0


_kept = _Kept()


def send(config: Any, sender: str, to: str, raw: bytes) -> None:
    """Hand one message to the SMTP server of `config` (an app's config)."""
    settings = (os.getpid(), *(config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME")))
    for again in (False, True):  # again: the server had ended the kept connection, once more on a new one
        fresh = again or not _kept_for(settings)
        if fresh:
            _open(config, settings)
        try:
            _kept.smtp.sendmail(sender, [to], raw)
        except _GONE:
            _drop()
            if fresh:
                raise
            continue
        except smtplib.SMTPException:
            close()  # a refusal: the next e-mail starts on a clean session
            raise
        _kept.used_at = time.monotonic()
        return


def _kept_for(settings: tuple[Any, ...]) -> bool:
    """Whether this thread holds a connection it may send on; drops one it may not."""
    if _kept.smtp is None:
        return False
    if _kept.opened_for[0] != settings[0]:
        _kept.smtp = _kept.opened_for = None  # a forked child's copy of its parent's: left to the parent
        return False
    if _kept.opened_for != settings or time.monotonic() - _kept.used_at > KEEP_SECONDS:
        _drop()
        return False
    return True


def connect(config: Any, *, timeout: float = 15) -> smtplib.SMTP:
    """A new connection to the SMTP server of `config`, in TLS and signed in when it says so."""
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _open(config: Any, settings: tuple[Any, ...]) -> None:
    _kept.smtp, _kept.opened_for = connect(config), settings


def _drop() -> None:
    """End the connection without a word to the server (it may no longer be listening)."""
    smtp, _kept.smtp, _kept.opened_for = _kept.smtp, None, None
    if smtp is not None:
        smtp.close()


def close() -> None:
    """End this thread's connection, with a QUIT when the server still listens."""
    if _kept.smtp is not None:
        with contextlib.suppress(OSError):  # smtplib's errors included: the server has gone; closed below
            _kept.smtp.quit()
    _drop()
