"""The series' figures as a table (one line per forum, one column per indicator), for CSV and XLSX."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from forum import spreadsheets
from forum.db import translated
from forum.i18n import region_name
from forum.recommendations.models import FollowUpStatus
from forum.series.services.dashboard import Overview, Progress
from forum.series.services.figures import Figures
from forum.series.services.indicators import INDICATORS


def table(overview: Overview, region: str | None = None) -> tuple[list[Any], list[list[Any]]]:
    """Headings and rows: each forum of the series (of one region if given) with every indicator and its
    accepted recommendations by follow-up status."""
    headings = [
        _l("Region"), _l("Edition"), _l("Year"), _l("Forum"), *(i.title for i in INDICATORS.values()),
        *(_l("Accepted recommendations: %(status)s", status=status.title) for status in FollowUpStatus),
    ]  # fmt: skip
    rows = []
    for forum in overview.forums:
        if region and forum.region != region:
            continue
        figures = overview.by_forum.get(forum.id, Figures())
        values = [i.value(figures) for i in INDICATORS.values()]
        follow_up = [figures.follow_up.get(status.value, 0) for status in FollowUpStatus]
        about = [region_name(forum.region), forum.edition, forum.starts_on.year, translated(forum.title)]
        rows.append([*about, *values, *follow_up])
    return headings, rows


def _written(headings: list[Any], rows: list[list[Any]], fmt: str, title: Any, right_to_left: bool) -> bytes:
    if fmt == "csv":
        return spreadsheets.to_csv(headings, rows)
    return spreadsheets.to_xlsx(headings, rows, title=title, right_to_left=right_to_left)


def export(overview: Overview, fmt: str, *, region: str | None = None, right_to_left: bool = False) -> bytes:
    """The table as CSV or XLSX (through the one spreadsheet writer)."""
    headings, rows = table(overview, region)
    return _written(headings, rows, fmt, _l("Series indicators"), right_to_left)


def export_targets(progress: list[Progress], fmt: str, *, right_to_left: bool = False) -> bytes:
    """A region's targets with what was reached and the progress (in per cent), as CSV or XLSX."""
    headings = [_l("Year"), _l("Indicator"), _l("Target"), _l("Reached"), _l("Progress")]
    rows = [
        [
            _l("%(first)s to %(last)s", first=item.target.from_year, last=item.target.year)
            if item.target.from_year
            else item.target.year,
            item.indicator.title,
            item.target.value,
            item.reached,
            item.percent,
        ]
        for item in progress
    ]
    return _written(headings, rows, fmt, _l("Targets"), right_to_left)
