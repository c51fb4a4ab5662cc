"""Account rules: creation, authentication, password reset tokens, memberships."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

from forum import audit, mail
from forum.auth.models import Membership, Role, User
from forum.auth.sessions import end_sessions
from forum.db import utcnow
from forum.errors import ForumError
from forum.extensions import db

RESET_SALT = "multaqa.password-reset"


class AccountError(ForumError):
    message = _l("This account action is not possible.")


def normalise_email(email: str) -> str:
    """An e-mail address as accounts store it: trimmed and lower-cased."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The account with this e-mail (in any case), or None."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str, name: str, password: str | None = None, *, is_admin: bool = False, locale: str | None = None
) -> User:
    """A new account; without a password it gets a random one (the person sets theirs by reset link)."""
    if find_user(email) is not None:
        raise AccountError(_l("An account with this e-mail already exists."))
    user = User(email=normalise_email(email), name=name.strip(), is_admin=is_admin, locale=locale)
    user.set_password(password or secrets.token_urlsafe(24))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The enabled user with these credentials, or None (same answer for unknown e-mail and bad password)."""
    user = find_user(email)
    if user is None:
        # Spend the same time as a real check, so response time does not reveal which e-mails exist.
        User(password_hash=_dummy_hash()).check_password(password)
        return None
    if not user.check_password(password) or not user.is_enabled:
        return None
    user.last_login_at = utcnow()
    return user


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(generate_password_hash(secrets.token_urlsafe(16)))
    return _DUMMY[0]


def send_password_reset(email: str, *, fallback_locale: str) -> None:
    """Mail a reset link to the enabled account with this e-mail, in its language (else `fallback_locale`);
    nothing for an unknown or disabled one (the page answers the same either way)."""
    user = find_user(email)
    if user is None or not user.is_enabled:
        return
    link = mail.external_url("auth.password_reset", token=password_reset_token(user))
    locale = user.locale or fallback_locale
    mail.send(user.email, _l("Reset your Multaqa password"), "password_reset", locale=locale, user=user, link=link)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def password_reset_token(user: User) -> str:
    """A signed, expiring token; it dies as soon as the password changes (it signs the hash's tail)."""
    return _serializer().dumps({"user": user.id, "pw": user.password_hash[-12:]})


def user_from_reset_token(token: str) -> User:
    """The enabled user a reset token was made for; AccountError when it has expired, is forged or was used."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as error:
        raise AccountError(_l("This reset link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise AccountError(_l("This reset link is not valid.")) from error
    user = db.session.get(User, data.get("user"))
    if user is None or user.password_hash[-12:] != data.get("pw") or not user.is_enabled:
        raise AccountError(_l("This reset link has already been used or is no longer valid."))
    return user


def reset_password(token: str, password: str) -> User:
    """Set the password of the user a valid reset token names (which kills the token) and end every
    sign-in of the account: whoever held a session or remember cookie must sign in with the new one."""
    user = user_from_reset_token(token)
    user.set_password(password)
    end_sessions(user)
    audit.record("user.password_reset", actor=user, target=user)
    return user


def change_password(user: User, current: str, password: str) -> User:
    """Set a new password for a signed-in user who gave the current one; every other sign-in ends."""
    if not user.check_password(current):
        raise AccountError(_l("This is not your current password."))
    user.set_password(password)
    end_sessions(user, keep_current=True)
    audit.record("user.password_change", actor=user, target=user)
    return user


def appoint(user: User, forum, role: Role, *, actor: User | None) -> Membership:
    """Give a user a role in a forum (idempotent)."""
    existing = db.session.scalar(sa.select(Membership).filter_by(user_id=user.id, forum_id=forum.id, role=role))
    if existing is not None:
        return existing
    membership = Membership(user=user, forum_id=forum.id, role=role)
    db.session.add(membership)
    db.session.flush()
    audit.record("membership.add", actor=actor, forum=forum, target=user, role=role.value)
    return membership


def dismiss(membership: Membership, *, actor: User | None) -> None:
    """Take a role in a forum away from its holder."""
    audit.record(
        "membership.remove", actor=actor, forum=membership.forum, target=membership.user, role=membership.role.value
    )
    db.session.delete(membership)


def members_of(forum) -> list[Membership]:
    """The forum's team: every membership with its user, by role."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .where(Membership.forum_id == forum.id)
            .options(sa.orm.joinedload(Membership.user))
            .order_by(Membership.role, Membership.id)
        )
    )


def invite(email: str, name: str | None, forum, role: Role, *, actor: User, locale: str) -> Membership:
    """Appoint by e-mail; a person without an account gets one and a link to choose a password."""
    user = find_user(email)
    if user is None:
        if not (name or "").strip():
            raise AccountError(_l("This person has no account yet: give their full name."))
        user = create_user(email, name, locale=locale)
        link = mail.external_url("auth.password_reset", token=password_reset_token(user))
        mail.send(
            user.email,
            _l("You have been invited to Multaqa"),
            "invitation",
            locale=locale,
            user=user,
            forum=forum,
            role=role,
            link=link,
        )
    return appoint(user, forum, role, actor=actor)


def names_by_id(user_ids: set[int]) -> dict[int, str]:
    """The names of these users, by id (one query)."""
    if not user_ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids))).all())
