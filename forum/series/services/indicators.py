"""The indicators of the strategy read from the series' figures: counts and shares, with their names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from forum.series.services.figures import Figures


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole` (one decimal), or None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Indicator:
    key: str
    title: Any
    value: Callable[[Figures], float | int | None]
    #: a percentage (0-100) rather than a count
    is_share: bool = False


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("registrations", _l("Registrations"), lambda f: f.registrations),
        Indicator("attendance", _l("Attendance"), lambda f: f.attendance),
        Indicator("associations", _l("Associations reached"), lambda f: f.associations),
        Indicator("associations_new", _l("New associations"), lambda f: f.associations_new),
        Indicator("associations_returning", _l("Returning associations"), lambda f: f.associations_returning),
        Indicator("rural_share", _l("Rural share"), lambda f: share(f.rural, f.registrations), is_share=True),
        Indicator("women_share", _l("Women share"), lambda f: share(f.women, f.registrations), is_share=True),
        Indicator("disability", _l("People with disabilities"), lambda f: f.disability),
        Indicator(
            "provinces_covered",
            _l("Provinces covered"),
            lambda f: share(len(f.provinces), f.provinces_total),
            is_share=True,
        ),
        Indicator(
            "private_donor_share",
            _l("Private sector and donors share"),
            lambda f: share(f.private_and_donors, f.registrations),
            is_share=True,
        ),
        Indicator("workshops", _l("Workshops held"), lambda f: f.workshops),
        Indicator("recommendations_accepted", _l("Recommendations accepted"), lambda f: f.accepted),
        Indicator("follow_up_done", _l("Recommendations carried out"), lambda f: f.follow_up.get("done", 0)),
    )
}


def add_indicator(indicator: Indicator) -> None:
    """Let another module show one more indicator (its count registered with figures.register_count)."""
    INDICATORS[indicator.key] = indicator


def indicator_or_default(key: str | None) -> Indicator:
    """The indicator of this key, or associations reached when the key is unknown."""
    return INDICATORS.get(key or "", INDICATORS["associations"])
