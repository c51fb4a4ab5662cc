"""The outcomes figures of a forum: accepted recommendations by workshop, theme and target actor."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session
from forum.recommendations.models import Recommendation, RecommendationStatus, TargetActor
from forum.recommendations.services.access import workshops
from forum.recommendations.services.supports import Ranked, support_counts

R = TypeVar("R")


@dataclass
class ActorGroup:
    """The rows of one theme addressed to one target actor."""

    actor: TargetActor
    rows: list[Ranked] = field(default_factory=list)


@dataclass
class ThemeGroup:
    """The rows of one theme, by target actor."""

    theme: str
    actors: list[ActorGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many recommendations the theme holds."""
        return sum(len(group.rows) for group in self.actors)


def by_theme_and_actor(rows: list[R], rank: Callable[[R], Any]) -> list[tuple[str, list[tuple[TargetActor, list[R]]]]]:
    """Rows grouped by theme (alphabetical, no theme last), then by target actor (in the enum's order);
    each group sorted by `rank`. A row is anything with a `.recommendation`."""
    grouped: dict[str, dict[TargetActor, list[R]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row.recommendation.theme or ""][row.recommendation.target_actor].append(row)
    themes = []
    for theme in sorted(grouped, key=lambda t: (t == "", t.casefold())):
        actors = []
        for actor in TargetActor:
            items = grouped[theme].get(actor)
            if items:
                items.sort(key=rank)
                actors.append((actor, items))
        themes.append((theme, actors))
    return themes


def group(rows: list[Ranked]) -> list[ThemeGroup]:
    """Group by theme, then target actor (in the enum's order); each group ranked by support."""
    return [
        ThemeGroup(theme, [ActorGroup(actor, items) for actor, items in actors])
        for theme, actors in by_theme_and_actor(
            rows, lambda r: (-r.supports, r.recommendation.position, r.recommendation.id)
        )
    ]


@dataclass
class WorkshopOutcome:
    """A workshop's accepted recommendations, grouped, with their count and supports."""

    session: Session
    themes: list[ThemeGroup]
    count: int
    supports: int


def accepted_by_workshop(forum: Forum) -> list[WorkshopOutcome]:
    """Each workshop's accepted recommendations, grouped by theme and target actor, ranked by support."""
    rows = db.session.scalars(
        sa.select(Recommendation).where(
            Recommendation.forum_id == forum.id, Recommendation.status == RecommendationStatus.accepted
        )
    ).all()
    counts = support_counts([forum.id])
    per_session: dict[int, list[Ranked]] = defaultdict(list)
    for recommendation in rows:
        per_session[recommendation.session_id].append(Ranked(recommendation, counts.get(recommendation.id, 0)))
    outcomes = []
    for session in workshops(forum):
        items = per_session.get(session.id, [])
        if items:
            outcomes.append(WorkshopOutcome(session, group(items), len(items), sum(item.supports for item in items)))
    return outcomes
