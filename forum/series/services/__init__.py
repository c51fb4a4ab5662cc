"""The series' services, one file per concern: `figures` (the SQL aggregates), `indicators` (what is
read from them), `dashboard` (the cached overview, tile map, targets' progress), `targets` (targets and
analysts), `exports` (CSV and XLSX), `opendata` (anonymised figures for anyone), `people` (organisations
and people across forums), `suggestions` (while typing: a fast path), `duplicates` (likely duplicates),
`merge` (merging organisations)."""

from forum.series.services.dashboard import (
    Overview,
    figures_of_year,
    overview,
    rendered,
    series_forums,
    targets_of,
    tile_map,
)
from forum.series.services.exports import export, export_targets
from forum.series.services.indicators import INDICATORS, Indicator, add_indicator, indicator_or_default
from forum.series.services.merge import merge, merges_of
from forum.series.services.people import (
    find_person,
    forget_person,
    organisation_history,
    own_history,
    pairs_of,
    person_history,
    search_organisations,
)
from forum.series.services.suggestions import suggest
from forum.series.services.targets import SeriesError, analysts, remove_target, set_analyst, set_target

__all__ = [
    "forget_person",
    "INDICATORS",
    "Overview",
    "Indicator",
    "SeriesError",
    "add_indicator",
    "analysts",
    "export",
    "export_targets",
    "find_person",
    "merge",
    "merges_of",
    "organisation_history",
    "own_history",
    "pairs_of",
    "person_history",
    "search_organisations",
    "suggest",
    "figures_of_year",
    "indicator_or_default",
    "overview",
    "remove_target",
    "rendered",
    "series_forums",
    "set_analyst",
    "set_target",
    "targets_of",
    "tile_map",
]
