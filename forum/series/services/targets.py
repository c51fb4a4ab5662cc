"""Targets of the strategy per region, year and indicator, and the accounts of the series analysts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum import audit, geo
from forum.auth.models import User
from forum.errors import ForumError
from forum.extensions import db
from forum.series.models import Target
from forum.series.services.indicators import INDICATORS


class SeriesError(ForumError):
    """A rule of the series was broken."""


def set_target(
    region: str, year: int, indicator: str, value: int, *, from_year: int | None = None, actor: Any
) -> Target:
    """Enter (or replace) what the region should reach that year for the indicator: in that year alone,
    or over the years from `from_year` to it (650 associations reached from 2022 to 2026)."""
    try:
        geo.region(region)
    except KeyError as error:
        raise SeriesError(_l("Unknown region.")) from error
    if indicator not in INDICATORS:
        raise SeriesError(_l("Unknown indicator."))
    if value < 0:
        raise SeriesError(_l("A target cannot be negative."))
    if from_year is not None and from_year > year:
        raise SeriesError(_l("The first year counted cannot come after the target's year."))
    target = db.session.scalar(
        sa.select(Target).where(Target.region == region, Target.year == year, Target.indicator == indicator)
    )
    if target is None:
        target = Target(region=region, year=year, indicator=indicator, value=value)
        db.session.add(target)
    target.value, target.from_year = value, from_year
    db.session.flush()
    audit.record(
        "series.target", actor=actor, target=target, region=region, year=year, indicator=indicator, value=value,
        from_year=from_year,
    )  # fmt: skip
    return target


def remove_target(target: Target, *, actor: Any) -> None:
    """Forget a target."""
    audit.record("series.target_remove", actor=actor, target=target, region=target.region, year=target.year)
    db.session.delete(target)
    db.session.flush()


def analysts() -> list[User]:
    """The accounts that read the series dashboard."""
    return list(db.session.scalars(sa.select(User).where(User.is_series_analyst.is_(True)).order_by(User.email)))


def set_analyst(email: str, is_analyst: bool, *, actor: Any) -> User:
    """Give an existing account the series analyst role, or take it back."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise SeriesError(_l("No account has this e-mail address; create the account first."))
    user.is_series_analyst = is_analyst
    audit.record("series.analyst_grant" if is_analyst else "series.analyst_revoke", actor=actor, target=user)
    db.session.flush()
    return user
