"""Accounts and their roles in each forum."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from forum.db import TitledEnum, UTCDateTime, utcnow
from forum.events.models import Forum
from forum.extensions import db


class Role(TitledEnum):
    organiser = "organiser"
    checkin_agent = "checkin_agent"
    rapporteur = "rapporteur"
    exhibitor_staff = "exhibitor_staff"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.organiser: _l("Organiser"),
            cls.checkin_agent: _l("Check-in agent"),
            cls.rapporteur: _l("Rapporteur"),
            cls.exhibitor_staff: _l("Exhibitor staff"),
        }


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased; the login name
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    is_admin: Mapped[bool] = mapped_column(default=False)
    #: reads the series dashboard and its exports (the ministry's analysts), nothing else of the forums
    is_series_analyst: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: base32 TOTP secret (two-factor sign-in); set while being set up, in force once totp_enabled_at is
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the last TOTP time step accepted: a code is never accepted twice
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    #: the token of the sign-in this object was loaded for (not a column): Flask-Login stores
    #: `get_id()` in the session and the remember cookie, so both name the sign-in, not just the account
    session_token = None

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}" if self.session_token else str(self.id)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.is_enabled

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def roles_in(self, forum: Forum) -> set[Role]:
        return {m.role for m in self.memberships if m.forum_id == forum.id}

    def has_role(self, forum: Forum, *roles: Role) -> bool:
        return self.is_admin or bool(self.roles_in(forum) & set(roles))


class Membership(db.Model):
    """A user's role in one forum; a user may hold several roles there."""

    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("user_id", "forum_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    forum: Mapped[Forum] = relationship()

    def __repr__(self) -> str:
        return f"<Membership user={self.user_id} forum={self.forum_id} {self.role}>"


class UserSession(db.Model):
    """One sign-in of an account (a browser): its session and remember cookies name it, and they stop
    working the moment it is ended (sign-out, password change or reset, "end this session")."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the random token the cookies carry (a copy of the database opens no session)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: the browser as it names itself, shortened, so the person recognises the session; no address kept
    device: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


class RecoveryCode(db.Model):
    """A one-time code that signs in instead of the authenticator app (kept as a hash; used once)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} of user {self.user_id}>"
