"""The national compilation: the accepted recommendations of every public forum of the series."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from forum.events.models import Forum, ForumStatus
from forum.extensions import db
from forum.programme.models import Session
from forum.recommendations.models import Recommendation, RecommendationStatus, TargetActor
from forum.recommendations.services.outcomes import by_theme_and_actor
from forum.recommendations.services.supports import accepted_support_counts


def series_forums() -> list[Forum]:
    """The public forums of the series, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Forum).where(Forum.status != ForumStatus.draft).order_by(Forum.starts_on, Forum.id)
        )
    )


@dataclass
class NationalRow:
    """An accepted recommendation of the series with its supports, forum and workshop."""

    recommendation: Recommendation
    supports: int
    forum: Forum
    workshop: Session


@dataclass
class NationalTheme:
    """A theme of the national compilation, its rows by target actor."""

    theme: str
    actors: list[tuple[TargetActor, list[NationalRow]]]

    @property
    def count(self) -> int:
        """How many recommendations the theme holds."""
        return sum(len(rows) for _, rows in self.actors)

    @property
    def supports(self) -> int:
        """The supports of the theme's recommendations."""
        return sum(row.supports for _, rows in self.actors for row in rows)


@dataclass
class NationalCompilation:
    """The national compilation: per forum its accepted count and supports, and the themes."""

    forums: list[tuple[Forum, int, int]]  # forum, accepted recommendations, their supports
    themes: list[NationalTheme]

    @property
    def count(self) -> int:
        """How many accepted recommendations the series holds."""
        return sum(n for _, n, _ in self.forums)

    @property
    def supports(self) -> int:
        """The supports of the series' accepted recommendations."""
        return sum(s for _, _, s in self.forums)


def national_compilation(forums: list[Forum] | None = None) -> NationalCompilation:
    """All accepted recommendations of the series, by theme and target actor, with region and forum."""
    forums = forums if forums is not None else series_forums()
    by_id = {forum.id: forum for forum in forums}
    if not by_id:
        return NationalCompilation([], [])
    recommendations = db.session.scalars(
        sa.select(Recommendation).where(
            Recommendation.forum_id.in_(by_id), Recommendation.status == RecommendationStatus.accepted
        )
    ).all()
    sessions = {
        s.id: s
        for s in db.session.scalars(sa.select(Session).where(Session.id.in_({r.session_id for r in recommendations})))
    }
    counts = accepted_support_counts(list(by_id))
    per_forum: dict[int, list[int]] = {forum_id: [0, 0] for forum_id in by_id}
    rows = []
    for r in recommendations:
        supports = counts.get(r.id, 0)
        per_forum[r.forum_id][0] += 1
        per_forum[r.forum_id][1] += supports
        rows.append(NationalRow(r, supports, by_id[r.forum_id], sessions[r.session_id]))
    themes = [
        NationalTheme(theme, actors)
        for theme, actors in by_theme_and_actor(
            rows, lambda row: (-row.supports, row.forum.starts_on, row.recommendation.id)
        )
    ]
    return NationalCompilation([(by_id[i], n, s) for i, (n, s) in per_forum.items()], themes)
