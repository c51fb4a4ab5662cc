"""Print batches of badges, and which badge version of whom went to the printer."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import TitledEnum, UTCDateTime, utcnow
from forum.extensions import db


class PrintLayout(TitledEnum):
    a6 = "a6"
    a4 = "a4"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.a6: _l("A6 pages, one badge a page"), cls.a4: _l("A4 pages, four badges with crop marks")}


class PrintSelection(TitledEnum):
    unprinted = "unprinted"
    confirmed = "confirmed"
    category = "category"
    listed = "listed"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.unprinted: _l("Confirmed and not printed yet"),
            cls.confirmed: _l("All confirmed"),
            cls.category: _l("One category"),
            cls.listed: _l("A list of e-mail addresses"),
        }


class PrintBatch(db.Model):
    """A PDF of badges asked for by an organiser, built by a job."""

    __tablename__ = "badge_print_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job.id", ondelete="SET NULL"))
    layout: Mapped[PrintLayout] = mapped_column(sa.Enum(PrintLayout, native_enum=False, length=4))
    #: how the organiser chose the set, for the list of batches
    selection: Mapped[PrintSelection] = mapped_column(sa.Enum(PrintSelection, native_enum=False, length=12))
    #: the registrations of the batch, fixed when it was asked for
    registration_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    #: storage key of the finished PDF
    file_key: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PrintBatch {self.id} forum={self.forum_id} {len(self.registration_ids)} badges>"


class BadgePrint(db.Model):
    """One badge version of one registration printed (in a batch or at a desk)."""

    __tablename__ = "badge_print"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("badge_print_batch.id", ondelete="SET NULL"))
    #: the badge version printed; a reissued badge counts as not printed yet
    badge_version: Mapped[int]
    printed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<BadgePrint registration={self.registration_id} v{self.badge_version}>"


class BadgeScheme(TitledEnum):
    hmac = "hmac"
    ed25519 = "ed25519"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.hmac: _l("Version 1: checked by the server only"),
            cls.ed25519: _l("Version 2: signed, desks can check it offline"),
        }


class BadgeSettings(db.Model):
    """How a forum's badge codes are signed. Without a row, version 1 (HMAC)."""

    __tablename__ = "badge_settings"

    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    #: the scheme of codes issued from now on; codes of the other scheme keep working online until reissued
    scheme: Mapped[BadgeScheme] = mapped_column(sa.Enum(BadgeScheme, native_enum=False, length=10))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<BadgeSettings forum={self.forum_id} {self.scheme}>"
