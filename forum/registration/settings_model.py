"""How one forum takes registrations: the approval and waiting-list modes, and the settings row."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import TitledEnum, UTCDateTime, utcnow
from forum.extensions import db


class ApprovalMode(TitledEnum):
    automatic = "automatic"
    manual = "manual"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.automatic: _l("Automatic, within capacity and quotas"),
            cls.manual: _l("Manual: organisers approve each registration"),
        }


class WaitlistMode(TitledEnum):
    offer = "offer"
    promote = "promote"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.offer: _l("Offer the place by e-mail and hold it for a while"),
            cls.promote: _l("Promote the next person directly"),
        }


class RegistrationSettings(db.Model):
    """How one forum takes registrations: approval, waiting list, delays and quotas."""

    __tablename__ = "registration_settings"
    __table_args__ = (
        sa.CheckConstraint("offer_hold_hours > 0", name="offer_hold_positive"),
        sa.CheckConstraint("confirmation_hours > 0", name="confirmation_positive"),
        sa.CheckConstraint(
            "min_women_percent IS NULL OR (min_women_percent >= 0 AND min_women_percent <= 100)",
            name="women_percent_range",
        ),
        sa.CheckConstraint(
            "min_rural_percent IS NULL OR (min_rural_percent >= 0 AND min_rural_percent <= 100)",
            name="rural_percent_range",
        ),
    )

    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    approval: Mapped[ApprovalMode] = mapped_column(
        sa.Enum(ApprovalMode, native_enum=False, length=12), default=ApprovalMode.automatic
    )
    waitlist: Mapped[WaitlistMode] = mapped_column(
        sa.Enum(WaitlistMode, native_enum=False, length=12), default=WaitlistMode.offer
    )
    #: how long a freed place is held for the waitlisted person it is offered to
    offer_hold_hours: Mapped[int] = mapped_column(default=48)
    #: unconfirmed registrations (e-mail link not followed) expire after this delay
    confirmation_hours: Mapped[int] = mapped_column(default=48)
    #: editing key fields of a confirmed registration sends it back for approval
    reapprove_on_edit: Mapped[bool] = mapped_column(default=True)
    #: {category: maximum confirmed}
    category_quotas: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    #: {province code: maximum confirmed}
    province_quotas: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    #: {category: minimum share of confirmed participants, in percent}: a target shown, never a block
    category_minimums: Mapped[dict[str, int] | None] = mapped_column(sa.JSON, default=dict)
    #: places kept for women, as a share of capacity
    min_women_percent: Mapped[int | None]
    #: places kept for rural associations and cooperatives, as a share of capacity
    min_rural_percent: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<RegistrationSettings forum={self.forum_id} {self.approval}>"
