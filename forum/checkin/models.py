"""Check-in: desks, lists (the entrance each day, each workshop room), who is in, every scan kept."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from forum.db import TitledEnum, UTCDateTime, utcnow
from forum.extensions import db
from forum.programme.models import Session
from forum.registration.models import Registration


class ListKind(TitledEnum):
    entrance = "entrance"
    session = "session"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.entrance: _l("Venue entrance"), cls.session: _l("Session room")}


class CheckInList(db.Model):
    """Who may come in where: the venue entrance on one day, or one session's room. A person is
    welcomed once per list. A rehearsal list is the twin of a real one (same kind, day, session and
    settings) whose admissions, count and trail never mix with the real ones."""

    __tablename__ = "checkin_list"
    __table_args__ = (
        sa.Index(
            "uq_checkin_list_entrance_day",
            "forum_id",
            "day",
            "is_rehearsal",
            unique=True,
            postgresql_where=sa.text("kind = 'entrance'"),
            sqlite_where=sa.text("kind = 'entrance'"),
        ),
        #: one real list and one rehearsal twin per session
        sa.UniqueConstraint("session_id", "is_rehearsal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ListKind] = mapped_column(sa.Enum(ListKind, native_enum=False, length=10))
    #: the local calendar day the list is valid on
    day: Mapped[date]
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session.id", ondelete="CASCADE"))
    #: a rehearsal twin: its scans answer as the real list's would on its day, and never count
    is_rehearsal: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: someone who went out may be welcomed again (otherwise a second scan is "already checked in")
    allows_reentry: Mapped[bool] = mapped_column(default=False)
    #: desks may record exits, so the list knows who is inside now
    records_exits: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[Session | None] = relationship()

    def __repr__(self) -> str:
        return f"<CheckInList {self.id} {self.kind} {self.day}>"


class Desk(db.Model):
    """A check-in desk (or scanning device) of a forum; devices authenticate with its token."""

    __tablename__ = "checkin_desk"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    #: SHA-256 of the device token (the token itself is shown once, when the desk is created)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Desk {self.id} {self.name}>"

    @hybrid_property
    def is_active(self) -> bool:
        """The desk is open: not closed by an organiser, so its token still scans (the one rule, in
        Python and in SQL: `revoked_at IS NULL`)."""
        return self.revoked_at is None

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls) -> sa.ColumnElement[bool]:
        return cls.revoked_at.is_(None)


class ListCount(db.Model):
    """A desk's part of a list's count of who is inside: what its welcomes, exits and undos on the
    list added and took away (desk 0: a change made with no desk). Each desk moves its own row, so
    desks scanning at once never wait for one another (one row for the whole list made every welcome
    wait for the one before it to commit); the list's count is the sum of its rows, read through
    CheckInList.inside. Desks are not a key here: a removed desk's part still counts."""

    __tablename__ = "checkin_list_count"

    list_id: Mapped[int] = mapped_column(sa.ForeignKey("checkin_list.id", ondelete="CASCADE"), primary_key=True)
    desk_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    inside: Mapped[int] = mapped_column(default=0)


#: who is inside the list now (live admissions not gone out): the sum of its desks' parts, kept by
#: every scan, exit and undo in the same transaction as the change, so reading it costs a few rows
CheckInList.inside = column_property(
    sa.select(sa.func.coalesce(sa.func.sum(ListCount.inside), 0))
    .where(ListCount.list_id == CheckInList.id)
    .correlate_except(ListCount)
    .scalar_subquery()
)


class Admission(db.Model):
    """A person welcomed on a list. At most one live admission per list and person (a partial unique
    index), which is what makes two desks scanning the same badge at once give exactly one welcome.
    Undo marks it undone; nothing is deleted."""

    __tablename__ = "checkin_admission"
    __table_args__ = (
        sa.Index(
            "uq_checkin_admission_live",
            "list_id",
            "registration_id",
            unique=True,
            postgresql_where=sa.text("undone_at IS NULL"),
            sqlite_where=sa.text("undone_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("checkin_list.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    desk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("checkin_desk.id", ondelete="SET NULL"))
    #: no index: nothing looks admissions up by time (the arrivals chart reads a list's admissions)
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: False once an exit is recorded (lists that record exits); True again on re-entry
    is_inside: Mapped[bool] = mapped_column(default=True)
    moved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship()
    desk: Mapped[Desk | None] = relationship()

    @hybrid_property
    def is_live(self) -> bool:
        """The admission counts: it was not undone (the one rule, in Python and in SQL: `undone_at IS
        NULL`, also the condition of the partial unique index above and of the scan's text INSERT)."""
        return self.undone_at is None

    @is_live.inplace.expression
    @classmethod
    def _is_live_expression(cls) -> sa.ColumnElement[bool]:
        return cls.undone_at.is_(None)

    def __repr__(self) -> str:
        return f"<Admission list={self.list_id} registration={self.registration_id}>"


class Outcome(TitledEnum):
    ok = "ok"
    duplicate = "duplicate"
    refused = "refused"
    exit = "exit"
    undone = "undone"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.ok: _l("Welcome"),
            cls.duplicate: _l("Already checked in"),
            cls.refused: _l("Refused"),
            cls.exit: _l("Exit"),
            cls.undone: _l("Undone"),
        }


class CheckIn(db.Model):
    """One scan at one desk, whatever its outcome: the append-only audit trail of check-in."""

    __tablename__ = "checkin"
    #: the forum's trail is found by this unique index alone: a second index on forum_id only led the
    #: planner to read every row of the forum for a nonce's answer (migration 5b1e0c7a9d42)
    __table_args__ = (sa.UniqueConstraint("forum_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    list_id: Mapped[int | None] = mapped_column(sa.ForeignKey("checkin_list.id", ondelete="CASCADE"), index=True)
    desk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("checkin_desk.id", ondelete="SET NULL"), index=True)
    #: the signed-in agent (None for a device using the desk token)
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    admission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("checkin_admission.id", ondelete="SET NULL"))
    outcome: Mapped[Outcome] = mapped_column(sa.Enum(Outcome, native_enum=False, length=10))
    #: machine-readable reason: ok, reentry, already_checked_in, unknown, tampered, revoked, ...
    reason: Mapped[str] = mapped_column(sa.String(30))
    #: the first characters of what was scanned, for the trail (codes are not secrets once printed)
    scanned: Mapped[str | None] = mapped_column(sa.String(80))
    #: the client's idempotency key: a retried request returns the first answer
    nonce: Mapped[str | None] = mapped_column(sa.String(64))
    #: a scan made offline and synced later: "<outcome>:<reason>" the desk answered offline (the server's
    #: own answer is `outcome`; where they differ, the desk and the trail show a conflict)
    offline_reason: Mapped[str | None] = mapped_column(sa.String(30))
    #: the answer given, replayed for a retried nonce
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: no index: the trail is read by forum, list, desk or person, never by time alone
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    desk: Mapped[Desk | None] = relationship()

    def __repr__(self) -> str:
        return f"<CheckIn {self.id} {self.outcome} {self.reason}>"
