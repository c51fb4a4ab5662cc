"""The version of the list of organisations: one row whose number moves, in the same transaction, with
every change to the organisations (added, merged, edited, removed), kept so by triggers on the table
(migration 5c2d8e0a7f13).

The sign-up form shows its region's organisations and is rendered once per process while the list is
unchanged: the number is how a process knows, in one row whatever the number of organisations. Counting
them for that read every organisation of the region on each visit of the form."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db

#: the one row (the triggers make it again if the table was emptied)
ROW_ID = 1


class OrganisationListVersion(db.Model):
    __tablename__ = "organisation_list_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
