"""SMS: how many parts a text takes, and the sender that hands each SMS to Kannel's sendsms interface
(or, without a gateway configured, writes it to the development outbox)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import urllib3
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from forum.messages.services.channels import Refused

#: GSM 03.38's default alphabet (and its extension table, whose characters count twice)
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass
class SmsCount:
    #: characters as the network counts them (an extended GSM character counts two)
    length: int
    parts: int
    #: characters a part holds: 160 / 153 in the GSM alphabet, 70 / 67 in UCS-2 (Arabic)
    per_part: int
    #: characters left before one more part is needed
    left: int
    is_unicode: bool


def sms_count(text: str) -> SmsCount:
    """How the network will carry the text: alphabet, length, number of parts and what is left in the last."""
    is_unicode = any(c not in GSM_BASIC and c not in GSM_EXTENDED for c in text)
    if is_unicode:
        length = sum(2 if ord(c) > 0xFFFF else 1 for c in text)  # UTF-16 code units
        single, multi = 70, 67
    else:
        length = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, multi = 160, 153
    per_part = single if length <= single else multi
    parts = max(1, -(-length // per_part))
    return SmsCount(length, parts, per_part, parts * per_part - length, is_unicode)


def _reports() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="multaqa-sms-report")


def report_token(delivery_id: int) -> str:
    """The signed token of a delivery in its report address (the gateway calls it back)."""
    return _reports().dumps(delivery_id)


def delivery_of_token(token: str) -> int | None:
    """The delivery a report's token names, or None if the token was not made here."""
    try:
        value = _reports().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


class SmsSender:
    """Hands SMS to Kannel's sendsms over one kept-alive HTTP connection; Arabic (any text outside the
    GSM alphabet) goes as UCS-2 (coding=2), and the gateway splits and concatenates long texts."""

    def __init__(self) -> None:
        self.config = current_app.config
        self.http: urllib3.PoolManager | None = None

    def __enter__(self) -> SmsSender:
        if self.config["SMS_GATEWAY_URL"]:
            self.http = urllib3.PoolManager(maxsize=1, retries=False, timeout=15)
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self.http is not None:
            self.http.clear()

    def send(self, to: str, text: str, *, report_url: str | None = None) -> None:
        """Send one SMS; raises Refused when the gateway refuses it (a bad number, say)."""
        if self.http is None:
            outbox = Path(self.config["SMS_OUTBOX"])
            outbox.mkdir(parents=True, exist_ok=True)
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.txt"
            (outbox / name).write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
            return
        fields = {
            "username": self.config["SMS_GATEWAY_USER"],
            "password": self.config["SMS_GATEWAY_PASSWORD"],
            "from": self.config["SMS_SENDER"],
            "to": to,
            "text": text,
            "charset": "UTF-8",
            "coding": "2" if sms_count(text).is_unicode else "0",
        }
        if report_url:
            fields.update({"dlr-mask": "19", "dlr-url": report_url})  # delivered, undelivered, rejected
        answer = self.http.request("GET", self.config["SMS_GATEWAY_URL"], fields=fields)
        if answer.status >= 400:
            raise Refused(f"{answer.status} {answer.data.decode(errors='replace')[:200]}")
