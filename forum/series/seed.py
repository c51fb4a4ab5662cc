"""Demo data of the series (`flask seed-demo`): an analyst of the ministry and the strategy's targets for
the demo forums' regions."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from forum.auth import services as accounts
from forum.extensions import db
from forum.seed import DEMO_PASSWORD
from forum.series.models import Target
from forum.series.services.targets import set_target

ANALYST = "analyst@multaqa.ma"
#: the strategy's targets per region: associations reached (650 per region by 2026, counted over the
#: years of the strategy "Nassij", from 2022), and each year's shares of women and of rural participants
TARGETS = {"associations": 650, "women_share": 40, "rural_share": 30}
#: targets counted from the strategy's first year rather than in their own year alone
STRATEGY_FIRST_YEAR = {"associations": 2022}


def _has_target(region: str, year: int, indicator: str) -> bool:
    found = sa.select(Target.id).where(Target.region == region, Target.year == year, Target.indicator == indicator)
    return db.session.scalar(found) is not None


def seed_series(forums: dict, echo: Callable[[str], None]) -> None:
    """A series analyst account, and targets for each demo forum's region in its year."""
    analyst = accounts.find_user(ANALYST) or accounts.create_user(
        ANALYST, "Nadia El Idrissi", DEMO_PASSWORD, locale="ar"
    )
    analyst.is_series_analyst = True
    for forum in forums.values():
        for indicator, value in TARGETS.items():
            if not _has_target(forum.region, forum.starts_on.year, indicator):
                since = STRATEGY_FIRST_YEAR.get(indicator)
                set_target(forum.region, forum.starts_on.year, indicator, value, from_year=since, actor=None)
    echo(f"Series analyst: {ANALYST} (the demo password), the series dashboard at /series/")
