"""The partnerships of every forum of the series, for the platform admins and series analysts (read-only).

Parties are shown by their organisation's name only: no person's name, e-mail or phone leaves a forum here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from forum import spreadsheets
from forum.db import translated
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import province_name, region_name
from forum.partnerships.models import Partnership, PartnershipStatus
from forum.partnerships.services.national import SIGNED
from forum.partnerships.vocabulary import Support
from forum.registration.models import Organisation, Registration

#: rows on one page of the series tracker
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """What the tracker is narrowed to (None: everything)."""

    status: PartnershipStatus | None = None
    kind: str | None = None
    region: str | None = None
    forum_id: int | None = None

    @classmethod
    def parse(cls, args: Any) -> Filters:
        """Filters from a query string; unknown values are ignored rather than refused."""
        status = args.get("status") or None
        kind = args.get("kind") or None
        return cls(
            status=PartnershipStatus(status) if status in {s.value for s in PartnershipStatus} else None,
            kind=kind if kind in {k.value for k in Support} else None,
            region=args.get("region") or None,
            forum_id=args.get("forum", type=int),
        )

    def as_args(self) -> dict[str, Any]:
        """The filters as query-string arguments (for the pages' and exports' links)."""
        values = {"status": self.status.value if self.status else None, "kind": self.kind}
        values |= {"region": self.region, "forum": self.forum_id}
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class Row:
    """One partnership as the series tracker shows it."""

    id: int
    forum: Forum
    first: str
    first_category: str
    second: str
    second_category: str
    kind: str | None
    province: str | None
    area: str | None
    status: PartnershipStatus
    amount: int | None


def _query(filters: Filters) -> sa.Select:
    first, second = aliased(Registration), aliased(Registration)
    first_org, second_org = aliased(Organisation), aliased(Organisation)
    query = (
        sa.select(Partnership, Forum, first_org.name, first.category, second_org.name, second.category)
        .join(Forum, Forum.id == Partnership.forum_id)
        .join(first, first.id == Partnership.first_party_id)
        .join(second, second.id == Partnership.second_party_id)
        .outerjoin(first_org, first_org.id == first.organisation_id)
        .outerjoin(second_org, second_org.id == second.organisation_id)
    )
    if filters.status:
        query = query.where(Partnership.status == filters.status)
    if filters.kind:
        query = query.where(Partnership.kind == filters.kind)
    if filters.region:
        query = query.where(Forum.region == filters.region)
    if filters.forum_id:
        query = query.where(Partnership.forum_id == filters.forum_id)
    return query.order_by(Partnership.created_at.desc(), Partnership.id.desc())


def _row(partnership: Partnership, forum: Forum, first: str | None, first_cat, second: str | None, second_cat) -> Row:
    return Row(
        id=partnership.id, forum=forum, first=first or "—", first_category=first_cat.title,
        second=second or "—", second_category=second_cat.title, kind=partnership.kind,
        province=partnership.province, area=partnership.area.title if partnership.area else None,
        status=partnership.status, amount=partnership.amount,
    )  # fmt: skip


@dataclass(frozen=True)
class Page:
    """One page of the tracker: its rows, the total matching the filters, the page number and count."""

    rows: list[Row]
    total: int
    number: int
    pages: int


def series_partnerships(filters: Filters, page: int = 1) -> Page:
    """One bounded page of the series' partnerships matching the filters, newest first, in one query."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(_query(filters).order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(page, 1), pages)
    found = db.session.execute(_query(filters).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE))
    return Page([_row(*line) for line in found], total, number, pages)


def forums_with_partnerships() -> list[Forum]:
    """The forums that have at least one partnership (the tracker's forum filter)."""
    has = sa.select(Partnership.id).where(Partnership.forum_id == Forum.id).exists()
    return list(db.session.scalars(sa.select(Forum).where(has).order_by(Forum.starts_on.desc(), Forum.id)))


def export_series_partnerships(filters: Filters, fmt: str, *, right_to_left: bool = False) -> bytes:
    """Every partnership matching the filters as CSV or XLSX (through the one spreadsheet writer)."""
    headings = [
        _l("Forum"), _l("Region"), _l("First party"), _l("Category"), _l("Second party"), _l("Category"),
        _l("Kind"), _l("Province"), _l("Area"), _l("Status"), _l("Amount"),
    ]  # fmt: skip
    rows = [
        [
            translated(r.forum.title),
            region_name(r.forum.region),
            r.first,
            r.first_category,
            r.second,
            r.second_category,
            Support(r.kind).title if r.kind else "",
            province_name(r.province) if r.province else "",
            r.area or "",
            r.status.title,
            r.amount,
        ]  # fmt: skip
        for r in (_row(*line) for line in db.session.execute(_query(filters)))
    ]
    if fmt == "csv":
        return spreadsheets.to_csv(headings, rows)
    return spreadsheets.to_xlsx(headings, rows, title=_l("Partnerships"), right_to_left=right_to_left)


def partnerships_per_forum() -> sa.Select:
    """(forum id, partnerships recorded there, whatever their status) for the series' figures."""
    return sa.select(Partnership.forum_id, sa.func.count()).group_by(Partnership.forum_id)


def signed_per_forum() -> sa.Select:
    """(forum id, partnerships signed there, under way or not) for the series' figures."""
    signed = Partnership.status.in_(SIGNED)
    return sa.select(Partnership.forum_id, sa.func.count()).where(signed).group_by(Partnership.forum_id)
