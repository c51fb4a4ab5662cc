"""The audit trail: who did what, to what, in which forum. Written by services, read by organisers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import UTCDateTime, utcnow
from forum.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    #: dotted verb, e.g. "registration.approve", "forum.update"
    action: Mapped[str] = mapped_column(sa.String(80))
    #: "<kind>:<id>" of the thing acted upon, e.g. "registration:42"
    target: Mapped[str | None] = mapped_column(sa.String(80), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.target} by {self.actor_id}>"


def record(action: str, *, actor: Any = None, forum: Any = None, target: Any = None, **data: Any) -> AuditEntry:
    """Add one audit entry to the session (the caller commits)."""
    if target is not None and not isinstance(target, str):
        target = f"{type(target).__name__.lower()}:{target.id}"
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        forum_id=getattr(forum, "id", None),
        action=action,
        target=target,
        data=data,
        at=utcnow(),
    )
    db.session.add(entry)
    return entry


def entries_for(forum: Any, *, target: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """The forum's latest audit entries (of one target if given), newest first."""
    query = sa.select(AuditEntry).where(AuditEntry.forum_id == forum.id)
    if target:
        query = query.where(AuditEntry.target == target)
    return list(db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))
