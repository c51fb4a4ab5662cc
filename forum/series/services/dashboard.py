"""What the series dashboard shows: the figures of every forum, region and year (cached per version of
the series' data), the tile map of the twelve regions and the targets with their progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from forum import geo
from forum.checkin.models import Admission
from forum.db import utcnow
from forum.events.models import Forum, ForumStatus
from forum.extensions import db
from forum.recommendations.models import FollowUp, Recommendation
from forum.registration.models import Registration
from forum.series.models import Target
from forum.series.services.figures import (
    BY_FORUM,
    BY_REGION,
    BY_REGION_YEAR,
    Figures,
    associations_between,
    compute_all,
    provinces_of,
)
from forum.series.services.indicators import Indicator

#: where each region's tile sits (column, row), roughly as on the map: the north at the top, the
#: Saharan regions down the Atlantic coast; a map is not mirrored for right-to-left languages
TILES: dict[str, tuple[int, int]] = {
    "tanger-tetouan-al-hoceima": (2, 0),
    "oriental": (3, 0),
    "rabat-sale-kenitra": (1, 1),
    "fes-meknes": (2, 1),
    "casablanca-settat": (1, 2),
    "beni-mellal-khenifra": (2, 2),
    "draa-tafilalet": (3, 2),
    "marrakech-safi": (1, 3),
    "souss-massa": (2, 3),
    "guelmim-oued-noun": (1, 4),
    "laayoune-sakia-el-hamra": (0, 5),
    "dakhla-oued-ed-dahab": (0, 6),
}
#: five classes, light to dark (ColorBrewer "Blues"), and the tiles without a figure
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#e5e5e5"
#: the figures are recomputed when the series' data changed, and at least this often
MAX_AGE_SECONDS = 60


@dataclass(frozen=True)
class SeriesForum:
    """What the dashboard needs of a forum, kept apart from the session (the overview is cached)."""

    id: int
    slug: str
    region: str
    edition: int | None
    starts_on: date
    title: dict[str, str]


@dataclass
class Overview:
    forums: list[SeriesForum]
    by_forum: dict[Hashable, Figures]
    by_region_year: dict[Hashable, Figures]
    by_region: dict[Hashable, Figures]
    years: list[int]
    computed_at: datetime

    def of_forum(self, forum_id: int) -> Figures:
        """One forum's figures (empty when nothing was counted there)."""
        return self.by_forum.get(forum_id) or Figures()

    def of_region(self, region: str, year: int | None = None) -> Figures:
        """One region's figures, over every year or in one."""
        found = self.by_region.get(region) if year is None else self.by_region_year.get((region, year))
        return found or Figures()


def figures_of_year(data: Overview, year: int | None) -> dict[Hashable, Figures]:
    """Each region's figures over every year (year None) or in one year, keyed by region code."""
    if year is None:
        return data.by_region
    return {region: figures for (region, of_year), figures in data.by_region_year.items() if of_year == year}


_cache: dict[str, tuple[Any, float, Overview]] = {}
_cache_lock = threading.Lock()


def version() -> tuple:
    """A stamp of the series' data read from indexes and small tables in one statement: new forums,
    registrations, admissions, recommendations and follow-ups change it. Changes that leave it as it
    was (a registration confirmed) show within MAX_AGE_SECONDS."""
    return tuple(
        db.session.execute(
            sa.select(
                sa.select(sa.func.max(Registration.id)).scalar_subquery(),
                sa.select(sa.func.max(Admission.id)).scalar_subquery(),
                sa.select(sa.func.max(Recommendation.updated_at)).scalar_subquery(),
                sa.select(sa.func.max(FollowUp.updated_at)).scalar_subquery(),
                sa.select(sa.func.max(Forum.updated_at)).scalar_subquery(),
            )
        ).one()
    )


_rendered: dict[tuple, Markup] = {}


def rendered(key: tuple, build: Callable[[], str]) -> Markup:
    """A part of a page built once per key (which holds the overview's time, so new figures build it
    again): the dashboard's tables and tiles cost a template's thousands of calls, the same for all."""
    with _cache_lock:
        found = _rendered.get(key)
    if found is None:
        found = Markup(build())  # noqa: S704  (a rendered template, escaped by Jinja)
        with _cache_lock:
            if len(_rendered) > 1000:
                _rendered.clear()
            _rendered[key] = found
    return found


def series_forums() -> list[SeriesForum]:
    """The forums of the series that were announced (drafts aside), by region then date."""
    order = {r.code: n for n, r in enumerate(geo.REGIONS)}
    columns = (Forum.id, Forum.slug, Forum.region, Forum.edition, Forum.starts_on, Forum.title)
    rows = db.session.execute(sa.select(*columns).where(Forum.status != ForumStatus.draft)).all()
    forums = [SeriesForum(*row) for row in rows]
    return sorted(forums, key=lambda f: (order.get(f.region, 99), f.starts_on, f.id))


def overview(*, now: datetime | None = None) -> Overview:
    """The series' figures per forum, per region and year and per region; computed again when the
    data changed or after MAX_AGE_SECONDS, else served from this process's cache."""
    version_now = version()
    with _cache_lock:
        cached = _cache.get("series")
    if cached and cached[0] == version_now and time.monotonic() - cached[1] < MAX_AGE_SECONDS and now is None:
        return cached[2]
    forums = series_forums()
    figures = compute_all(now=now)
    result = Overview(
        forums=forums,
        by_forum=figures[BY_FORUM],
        by_region_year=figures[BY_REGION_YEAR],
        by_region=figures[BY_REGION],
        years=sorted({f.starts_on.year for f in forums}),
        computed_at=now or utcnow(),
    )
    with _cache_lock:
        _cache["series"] = (version_now, time.monotonic(), result)
    return result


@dataclass
class Tile:
    region: geo.Region
    x: int
    y: int
    value: float | int | None
    colour: str
    #: dark tiles carry light text
    is_dark: bool


@dataclass
class LegendClass:
    colour: str
    low: float
    high: float


def tile_map(indicator: Indicator, figures: dict[Hashable, Figures]) -> tuple[list[Tile], list[LegendClass]]:
    """The twelve regions' tiles coloured by the indicator's value (five classes of equal width between
    the lowest and the highest value; grey where there is none) and the legend of the classes."""
    values = {r.code: indicator.value(figures[r.code]) if r.code in figures else None for r in geo.REGIONS}
    known = [v for v in values.values() if v is not None]
    low, high = (min(known), max(known)) if known else (0, 0)
    width = (high - low) / len(PALETTE) or 1
    legend = [LegendClass(c, round(low + n * width, 1), round(low + (n + 1) * width, 1)) for n, c in enumerate(PALETTE)]

    def colour_of(value: float | int | None) -> int | None:
        return None if value is None else min(len(PALETTE) - 1, int((value - low) / width))

    tiles = []
    for region in geo.REGIONS:
        value, x_y = values[region.code], TILES[region.code]
        n = colour_of(value)
        tiles.append(Tile(region, *x_y, value, NO_DATA if n is None else PALETTE[n], n is not None and n >= 3))
    return tiles, legend if known else []


@dataclass
class Progress:
    target: Target
    indicator: Indicator
    reached: float | int | None

    @property
    def percent(self) -> int:
        """How much of the target is reached, 0 to 100 (a target of nothing is reached)."""
        if not self.target.value:
            return 100
        return min(100, int(100 * (self.reached or 0) / self.target.value))


def targets_of(
    region: str, by_region_year: dict[Hashable, Figures], indicators: dict[str, Indicator]
) -> list[Progress]:
    """The region's targets, by year, each with what its forums reached in that year, or over the years
    from the target's first year counted to its year."""
    targets = db.session.scalars(
        sa.select(Target).where(Target.region == region).order_by(Target.year, Target.indicator)
    ).all()
    return [
        Progress(t, indicators[t.indicator], indicators[t.indicator].value(_counted(t, by_region_year)))
        for t in targets
        if t.indicator in indicators
    ]


def _counted(target: Target, by_region_year: dict[Hashable, Figures]) -> Figures:
    """The region's figures of the target's year, or of its years added up: the associations distinct
    over them, the new ones new to the series in one of them."""
    if target.from_year is None:
        return by_region_year.get((target.region, target.year), Figures())
    total = Figures(provinces_total=len(provinces_of(target.region)))
    for year in range(target.from_year, target.year + 1):
        of_year = by_region_year.get((target.region, year), Figures())
        total.add(of_year)
        total.associations_new += of_year.associations_new
    total.associations = associations_between(target.region, target.from_year, target.year)
    return total
