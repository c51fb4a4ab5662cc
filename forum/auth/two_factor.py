"""Two-factor sign-in: a TOTP authenticator app (pyotp) and one-time recovery codes.

Optional for everyone, required for platform admins and organisers when TWO_FACTOR_REQUIRED is set.
A code is accepted once (the last accepted time step is kept), a recovery code once (kept as a hash).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from io import BytesIO
from typing import Any

import pyotp
import qrcode
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from qrcode.image.svg import SvgPathImage

from forum import audit
from forum.auth.models import Membership, RecoveryCode, Role, User
from forum.db import utcnow
from forum.errors import ForumError
from forum.extensions import db

RECOVERY_CODES = 10
ISSUER = "Multaqa"


class TwoFactorError(ForumError):
    message = _l("This code is not valid. Check the time on your phone and try again.")


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def is_required(user: User) -> bool:
    """Whether this account must use two-factor sign-in (TWO_FACTOR_REQUIRED, admins and organisers)."""
    if not current_app.config["TWO_FACTOR_REQUIRED"] or user.totp_enabled_at is not None:
        return False
    return user.is_admin or any(m.role == Role.organiser for m in user.memberships)


def start_setup(user: User) -> str:
    """A new secret for the user to scan (not in force until a code from it is confirmed)."""
    if user.totp_enabled_at is not None:
        raise TwoFactorError(_l("Two-factor sign-in is already on."))
    user.totp_secret = pyotp.random_base32()
    db.session.flush()
    return user.totp_secret


def qr_svg(user: User) -> Markup:
    """The secret as a QR code (SVG) that authenticator apps scan."""
    uri = pyotp.TOTP(user.totp_secret or "").provisioning_uri(name=user.email, issuer_name=ISSUER)
    out = BytesIO()
    qrcode.make(uri, image_factory=SvgPathImage, box_size=8).save(out)
    svg = out.getvalue().decode()
    return Markup(svg[svg.index("<svg") :])  # noqa: S704  (built here from the QR library's own output)


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    code = code.replace(" ", "")
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    totp = pyotp.TOTP(user.totp_secret or "")
    for offset in (0, -1, 1):  # the phone's clock may be a step off
        step = totp.timecode(now) + offset
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def enable(user: User, code: str, *, now: datetime | None = None) -> list[str]:
    """Turn two-factor sign-in on once a code from the new secret is right; the recovery codes, shown once."""
    if not user.totp_secret or user.totp_enabled_at is not None or not _accept_totp(user, code, now or utcnow()):
        raise TwoFactorError()
    user.totp_enabled_at = now or utcnow()
    codes = new_recovery_codes(user)
    audit.record("user.two_factor_on", actor=user, target=user)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new ones (returned in clear once, kept as hashes)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return codes


def verify(user: User, code: Any, *, now: datetime | None = None) -> bool:
    """Whether a sign-in code is right: a TOTP code not used before, or an unused recovery code (then used)."""
    if user.totp_enabled_at is None or not isinstance(code, str) or not code.strip():
        return False
    now = now or utcnow()
    if code.strip().replace(" ", "").isdigit():
        return _accept_totp(user, code.strip(), now)
    used = db.session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None))
        .values(used_at=now)
    )
    return bool(used.rowcount)


def disable(user: User, code: str, *, now: datetime | None = None) -> None:
    """Turn two-factor sign-in off (a current code is needed); refused when the account requires it."""
    if not verify(user, code, now=now):
        raise TwoFactorError()
    if current_app.config["TWO_FACTOR_REQUIRED"] and (
        user.is_admin or db.session.scalar(sa.select(Membership.id).filter_by(user_id=user.id, role=Role.organiser))
    ):
        raise TwoFactorError(_l("Your role requires two-factor sign-in: it cannot be turned off."))
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("user.two_factor_off", actor=user, target=user)


def remaining_recovery_codes(user: User) -> int:
    """How many recovery codes the user has left."""
    return db.session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
