"""Open data: the series' figures per forum and per region, aggregated and anonymised, for anyone.

Counts from 1 to 4 are withheld (primary suppression), and so is a second count wherever a withheld one
could be worked out by subtraction: from the other cells of a breakdown and its total (women and men of
a forum), or from the other forums of a region and the region's total (secondary suppression)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum import spreadsheets
from forum.db import utcnow
from forum.events.models import Forum, ForumStatus
from forum.extensions import db
from forum.registration.models import Area, Gender, Registration
from forum.series.services.dashboard import SeriesForum, series_forums, version
from forum.series.services.figures import BY_FORUM, BY_REGION, PARTICIPANT, Figures, compute_all

#: the smallest count published; below it (and above 0) a count could single a person out
THRESHOLD = 5
#: what a withheld count reads in the CSV (the JSON has null)
WITHHELD = "<5"
UNKNOWN = "unknown"
#: counts that add up from the forums to their region (each registration belongs to one forum)
ADDITIVE = ("participants", "disability", "private_sector_and_donors", "attendance", "workshops_held")


@dataclass(frozen=True)
class Cell:
    level: str  #: "forum" or "region"
    unit: str  #: a forum's slug or a region's code
    measure: str
    breakdown: str  #: "" or "gender=female", "area=rural", "province=errachidia"...


def _measures(figures: Figures) -> dict[str, int]:
    return {
        "participants": figures.registrations,
        "disability": figures.disability,
        "private_sector_and_donors": figures.private_and_donors,
        "attendance": figures.attendance,
        "associations": figures.associations,
        "associations_new": figures.associations_new,
        "associations_returning": figures.associations_returning,
        "workshops_held": figures.workshops,
        "recommendations_accepted": figures.accepted,
    }


def _breakdowns(key: Any) -> dict[tuple[Hashable, str], int]:
    """Participants by gender, area and province, per forum (key Forum.id) or region (Forum.region)."""
    counts: dict[tuple[Hashable, str], int] = {}
    columns = {"gender": Registration.gender, "area": Registration.area, "province": Registration.province}
    for name, column in columns.items():
        rows = db.session.execute(
            sa.select(key, column, sa.func.count())
            .join(Forum, Forum.id == Registration.forum_id)
            .where(PARTICIPANT, Forum.status != ForumStatus.draft)
            .group_by(key, column)
        )
        for unit, value, count in rows:
            value = getattr(value, "value", value) or UNKNOWN
            counts[(unit, f"{name}={value}")] = int(count)
    return counts


def _cells(forums: list[SeriesForum]) -> dict[Cell, int]:
    slugs = {f.id: f.slug for f in forums}
    cells: dict[Cell, int] = {}
    every = compute_all()
    for level, grouping, key, name_of in (
        ("forum", BY_FORUM, Forum.id, slugs.get),
        ("region", BY_REGION, Forum.region, lambda code: code),
    ):
        units = {name_of(k) for k in (slugs if level == "forum" else {f.region for f in forums})}
        for unit_key, figures in every[grouping].items():
            if name_of(unit_key) in units:
                for measure, value in _measures(figures).items():
                    cells[Cell(level, name_of(unit_key), measure, "")] = value
        for (unit_key, breakdown), value in _breakdowns(key).items():
            if name_of(unit_key) in units:
                cells[Cell(level, name_of(unit_key), "participants", breakdown)] = value
    return cells


def _groups(cells: dict[Cell, int], forums: list[SeriesForum]) -> list[tuple[list[Cell], Cell]]:
    """Each set of cells that adds up to a published total: (the cells, the total)."""
    groups: list[tuple[list[Cell], Cell]] = []
    parts: dict[tuple[str, str, str], list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.breakdown:
            parts[(cell.level, cell.unit, cell.breakdown.split("=")[0])].append(cell)
    for (level, unit, _name), members in parts.items():
        groups.append((members, Cell(level, unit, "participants", "")))
    for level, unit in {(c.level, c.unit) for c in cells}:
        new, returning = Cell(level, unit, "associations_new", ""), Cell(level, unit, "associations_returning", "")
        groups.append(([new, returning], Cell(level, unit, "associations", "")))
    by_region: dict[str, list[str]] = defaultdict(list)
    for forum in forums:
        by_region[forum.region].append(forum.slug)
    for cell in [c for c in cells if c.level == "region" and (c.measure in ADDITIVE)]:
        members = [Cell("forum", slug, cell.measure, cell.breakdown) for slug in by_region[cell.unit]]
        groups.append(([m for m in members if m in cells], cell))
    return groups


def suppressed(cells: dict[Cell, int], groups: Iterable[tuple[list[Cell], Cell]]) -> set[Cell]:
    """The cells to withhold: every count from 1 to THRESHOLD - 1, then, until nothing changes, one more
    cell (the smallest count published) of any group where a single cell is withheld — a part found
    from the total and the other parts, or a total found by adding its parts."""
    withheld = {cell for cell, value in cells.items() if 0 < value < THRESHOLD}
    groups = list(groups)
    changed = True
    while changed:
        changed = False
        for members, total in groups:
            group = [*members, total]
            if sum(cell in withheld for cell in group) != 1:
                continue
            others = sorted((cells.get(c, 0), str(c), c) for c in group if c not in withheld and cells.get(c, 0) > 0)
            if others:
                withheld.add(others[0][2])
                changed = True
    return withheld


@dataclass
class OpenData:
    rows: list[dict[str, Any]]
    generated_at: datetime


_cache: dict[str, tuple[tuple, OpenData]] = {}


def open_data() -> OpenData:
    """Every published figure of the series, one row per forum or region, measure and breakdown
    (computed again when the series' data changed)."""
    stamp = version()
    cached = _cache.get("open_data")
    if cached is not None and cached[0] == stamp:
        return cached[1]
    data = _open_data()
    _cache["open_data"] = (stamp, data)
    return data


def _open_data() -> OpenData:
    forums = series_forums()
    cells = _cells(forums)
    withheld = suppressed(cells, _groups(cells, forums))
    about = {f.slug: f for f in forums}
    rows = []
    for cell in sorted(cells, key=lambda c: (c.level != "region", c.unit, c.measure, c.breakdown)):
        forum = about.get(cell.unit) if cell.level == "forum" else None
        rows.append(
            {
                "level": cell.level,
                "forum": cell.unit if forum else None,
                "region": forum.region if forum else cell.unit,
                "year": forum.starts_on.year if forum else None,
                "edition": forum.edition if forum else None,
                "measure": cell.measure,
                "breakdown": cell.breakdown or None,
                "value": None if cell in withheld else cells[cell],
            }
        )
    return OpenData(rows, utcnow())


COLUMNS = ("level", "forum", "region", "year", "edition", "measure", "breakdown", "value")


def as_csv(data: OpenData) -> bytes:
    """The open data as CSV (a withheld count reads "<5")."""
    rows = [[WITHHELD if row["value"] is None and c == "value" else row[c] for c in COLUMNS] for row in data.rows]
    return spreadsheets.to_csv(COLUMNS, rows)


def as_json(data: OpenData) -> str:
    """The open data as JSON (a withheld count is null)."""
    return json.dumps(
        {
            "generated_at": data.generated_at.isoformat(),
            "suppression": f"counts from 1 to {THRESHOLD - 1} are withheld (null), and any count they could be "
            "worked out from",
            "genders": [g.value for g in Gender],
            "areas": [a.value for a in Area],
            "rows": data.rows,
        },
        ensure_ascii=False,
    )
