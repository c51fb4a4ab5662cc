"""The partnerships section of the national compilation: meetings requested and held, partnerships intended
and signed, by kind, sector (the parties' categories), province and urban/rural share, per forum and in
total. Every figure is counted in SQL (grouped by forum or by value), never by loading partnerships."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db
from forum.partnerships.models import Meeting, MeetingRequest, Partnership, PartnershipStatus
from forum.registration.models import Area, Category, Registration

#: statuses counted as signed (a partnership under way was signed first), as in the forum's report
SIGNED = (PartnershipStatus.signed, PartnershipStatus.active)


@dataclass
class NationalLine:
    """One forum's figures (or the total's, with no forum)."""

    forum: Forum | None
    requested: int = 0
    held: int = 0
    intended: int = 0
    signed: int = 0
    located: int = 0
    rural: int = 0

    @property
    def rural_share(self) -> int | None:
        """The rural partnerships in percent of those whose area is known (None when none is)."""
        return round(100 * self.rural / self.located) if self.located else None


def _grouped(query: sa.Select) -> dict:
    return {key: value for key, value in db.session.execute(query)}


def national_figures(forums: list[Forum]) -> dict | None:
    """The section's figures for these forums (None when none of them had a meeting request)."""
    ids = [forum.id for forum in forums]
    requested = _grouped(
        sa.select(MeetingRequest.forum_id, sa.func.count())
        .where(MeetingRequest.forum_id.in_(ids))
        .group_by(MeetingRequest.forum_id)
    )
    if not requested:
        return None
    held = _grouped(
        sa.select(Meeting.forum_id, sa.func.count(Meeting.held_at))
        .where(Meeting.forum_id.in_(ids))
        .group_by(Meeting.forum_id)
    )
    count_if = lambda condition: sa.func.count(sa.case((condition, 1)))  # noqa: E731
    per_forum = {
        row[0]: row[1:]
        for row in db.session.execute(
            sa.select(
                Partnership.forum_id,
                count_if(Partnership.status == PartnershipStatus.intended),
                count_if(Partnership.status.in_(SIGNED)),
                sa.func.count(Partnership.area),
                count_if(Partnership.area == Area.rural),
            )
            .where(Partnership.forum_id.in_(ids))
            .group_by(Partnership.forum_id)
        )
    }
    lines = []
    for forum in forums:
        if forum.id not in requested:
            continue
        lines.append(
            NationalLine(forum, requested[forum.id], held.get(forum.id, 0), *per_forum.get(forum.id, (0, 0, 0, 0)))
        )
    total = NationalLine(
        None,
        *(
            sum(getattr(line, name) for line in lines)
            for name in ("requested", "held", "intended", "signed", "located", "rural")
        ),
    )
    by_kind = _counted(Partnership.kind, ids)
    by_province = _counted(Partnership.province, ids)
    by_sector = _by_sector(ids)
    return {"lines": lines, "total": total, "by_kind": by_kind, "by_province": by_province, "by_sector": by_sector}


def _counted(column: sa.ColumnElement, ids: list[int]) -> list[tuple[str | None, int]]:
    """(value, partnerships) for one column of the forums' partnerships, most frequent first."""
    count = sa.func.count(Partnership.id)
    query = sa.select(column, count).where(Partnership.forum_id.in_(ids)).group_by(column)
    return [(value, n) for value, n in db.session.execute(query.order_by(count.desc(), column))]


def _by_sector(ids: list[int]) -> list[tuple[Category, int]]:
    """(category, partnerships with at least one party of it), most frequent first."""
    parties = sa.union(
        sa.select(Partnership.id.label("pid"), Registration.category.label("category"))
        .join(Registration, Registration.id == Partnership.first_party_id)
        .where(Partnership.forum_id.in_(ids)),
        sa.select(Partnership.id, Registration.category)
        .join(Registration, Registration.id == Partnership.second_party_id)
        .where(Partnership.forum_id.in_(ids)),
    ).subquery()
    count = sa.func.count(sa.distinct(parties.c.pid))
    query = sa.select(parties.c.category, count).group_by(parties.c.category).order_by(count.desc(), parties.c.category)
    return [(Category(category), n) for category, n in db.session.execute(query)]
