"""Figures of groups of recommendations read from their tally, and the first few of each group read
from an index that holds the group in its ranking.

`RecommendationTally` keeps, per workshop, theme, target actor and status, how many recommendations
there are and the supports they hold (triggers, in the same transaction as each change); the indexes
`ix_recommendation_forum_ranking` and `ix_recommendation_workshop_ranking` hold each forum's and each
workshop's groups most supported first. So the report and the compilation read a few rows per group,
however many recommendations the forum or the series holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa

from forum.extensions import db
from forum.recommendations.models import Recommendation, RecommendationStatus, RecommendationTally


def tallied(*by: sa.ColumnElement, where: Sequence[sa.ColumnElement[bool]]) -> list[sa.Row]:
    """The tally's rows that meet `where`, added up by the columns `by`: each row is (*by, count, supports)."""
    return list(
        db.session.execute(
            sa.select(
                *by,
                sa.func.sum(RecommendationTally.recommendations).label("count"),
                sa.func.sum(RecommendationTally.supports).label("supports"),
            )
            .where(*where)
            .group_by(*by)
        )
    )


def accepted_groups(*key: str, where: Sequence[sa.ColumnElement[bool]]) -> sa.Subquery:
    """The groups (`key`: columns of the tally) holding accepted recommendations among those that meet `where`."""
    columns = [getattr(RecommendationTally, name) for name in key]
    return (
        sa.select(*columns)
        .where(RecommendationTally.status == RecommendationStatus.accepted, *where)
        .group_by(*columns)
        .subquery()
    )


def first_of_each(
    groups: sa.Subquery, *, top: int, order: Sequence[sa.ColumnElement], scope: Callable[[sa.Subquery], list]
) -> list[int]:
    """The ids of the first `top` accepted recommendations of each of the `groups` in `order`: one
    statement, each a short walk of the index in that order (`scope(groups)`: a group's conditions)."""

    def nth(n: int) -> sa.ScalarSelect:
        return (
            sa.select(Recommendation.id)
            .where(Recommendation.status == RecommendationStatus.accepted, *scope(groups))
            .order_by(*order)
            .limit(1)
            .offset(n)
            .scalar_subquery()
        )

    rows = db.session.execute(sa.select(*(nth(n) for n in range(top))).select_from(groups))
    return [found for row in rows for found in row if found is not None]
