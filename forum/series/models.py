"""What the series keeps beyond its forums: the targets of the strategy and the organisations' merges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.db import UTCDateTime, utcnow
from forum.extensions import db
from forum.registration.models import Organisation


class Target(db.Model):
    """What the strategy expects of one region in one year for one indicator (entered by the admin)."""

    __tablename__ = "series_target"
    __table_args__ = (
        #: one value per region, year and indicator: entering it again replaces it
        sa.UniqueConstraint("region", "year", "indicator"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
        #: a target counted over several years starts before (or in) its year
        sa.CheckConstraint("from_year IS NULL OR from_year <= year", name="from_year_not_after_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a region code of forum.geo
    region: Mapped[str] = mapped_column(sa.String(40))
    year: Mapped[int]
    #: a key of series.indicators.INDICATORS
    indicator: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[int]
    #: the first year counted: the target is to be reached over the years from it to `year` (650
    #: associations reached from 2022 to 2026); None: in `year` alone
    from_year: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        since = f"{self.from_year}-" if self.from_year else ""
        return f"<Target {self.region} {since}{self.year} {self.indicator}={self.value}>"


class OrganisationMerge(db.Model):
    """One organisation merged into another by a platform admin, with every row that was moved, so the
    merge can be told apart (and its rows found) later."""

    __tablename__ = "organisation_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    merged_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: {"<table>.<column>": [ids of the rows moved from the merged organisation to the kept one]}
    moved: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: the merged organisation as it was (name, kind, province, area, registration number)
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    kept: Mapped[Organisation] = relationship(foreign_keys=[kept_id])
    merged: Mapped[Organisation] = relationship(foreign_keys=[merged_id])
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<OrganisationMerge {self.merged_id} into {self.kept_id}>"
