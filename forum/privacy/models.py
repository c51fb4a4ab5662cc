"""The wordings of the consent people give at registration, each kept as it was shown."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import UTCDateTime, utcnow
from forum.extensions import db


class ConsentText(db.Model):
    """One wording of the consent, in every language; a registration points at the one it accepted."""

    __tablename__ = "consent_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the texts: the same wording is the same version, a changed one a new version
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: {"ar": ..., "fr": ..., "en": ...} as shown next to the box people tick
    texts: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ConsentText {self.id} {self.digest[:8]}>"
