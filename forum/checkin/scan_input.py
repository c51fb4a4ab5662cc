"""The body of a scan (desk page and devices' API), read and checked before the scan runs.

Whatever a client posts — a list or a string instead of an object, a nonce that is a number, ids too
large for the database, digits of another script — is refused here with a reason (400), so the scan
itself only ever sees values it can use. Nonces are scoped to the desk that sent them: a nonce
answered once is replayed to that desk only, and another desk's same nonce is a scan of its own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from forum.errors import ForumError
from forum.inputs import MAX_ID

#: a nonce is an opaque text of the client's (the desk page sends a UUID, 36 characters)
MAX_NONCE_LENGTH = 48


class BadScanBody(ForumError):
    """A scan body the scan cannot use; `reason` names what is wrong, for the client."""

    message = _l("This scan request cannot be read.")

    def __init__(self, reason: str, message: Any = None) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ScanBody:
    """A scan body's usable values."""

    code: str | None
    list_id: int | None
    registration_id: int | None
    nonce: str | None
    exit: bool

    def nonce_for(self, scope: str) -> str | None:
        """The nonce as the trail keeps it: prefixed by the sending desk's scope, so it replays to it alone."""
        return f"{scope}:{self.nonce}" if self.nonce else None


def _id(value: Any, reason: str, message: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadScanBody(reason, message)
    text = str(value)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise BadScanBody(reason, message)
    return int(text)


def read_scan_body(data: Any) -> ScanBody:
    """The values of a scan's JSON body (`code`, `list`, `registration_id`, `nonce`, `exit` or
    `direction`), or BadScanBody saying which one cannot be used."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadScanBody("body_not_object", _l("The scan must be sent as a JSON object."))
    code = data.get("code")
    if code is not None and not isinstance(code, str):
        raise BadScanBody("code_not_text", _l("The badge code must be text."))
    nonce = data.get("nonce")
    if nonce is not None and (not isinstance(nonce, str) or len(nonce.strip()) > MAX_NONCE_LENGTH):
        raise BadScanBody("bad_nonce", _l("The scan's nonce must be a text of at most 48 characters."))
    direction = data.get("direction")
    if direction not in (None, "in", "out") or not isinstance(data.get("exit", False), bool):
        raise BadScanBody("bad_direction", _l("The direction of a scan is either in or out."))
    return ScanBody(
        code=code,
        list_id=_id(data.get("list"), "bad_list", _l("No such check-in list.")),
        registration_id=_id(data.get("registration_id"), "bad_registration", _l("No such registration.")),
        nonce=(nonce or "").strip() or None,
        exit=bool(data.get("exit")) or direction == "out",
    )


def device_scope(token: str) -> str:
    """The scope of a device's nonces: a few characters of its token's hash (never the token itself)."""
    return "t" + hashlib.sha256(token.encode()).hexdigest()[:10]
