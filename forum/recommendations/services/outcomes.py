"""The outcomes figures of a forum: accepted recommendations by workshop, theme and target actor.

The report's page shows the `TOP` most supported recommendations of each workshop, theme and target
actor, with the group's count, and the rest one page away (`outcome_group`); the PDF holds them all. The
counts are read from the recommendations' tally and the most supported of each group from an index in
that order (services.tally): with every recommendation on the page and its supports counted from the
endorsements, the report of a forum of 8,000 recommendations took 2.2 s and weighed 1.5 MB; counted
and ranked in SQL from every accepted recommendation of the forum, it still grew with them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session
from forum.recommendations.models import Recommendation, RecommendationStatus, RecommendationTally, TargetActor
from forum.recommendations.services.access import workshops
from forum.recommendations.services.supports import Ranked
from forum.recommendations.services.tally import accepted_groups, first_of_each, tallied

R = TypeVar("R")

#: recommendations shown for each workshop, theme and target actor on the report's page
TOP = 5
#: recommendations per page of one workshop, theme and target actor
GROUP_PAGE = 50


@dataclass
class ActorGroup:
    """The rows of one theme addressed to one target actor (the most supported ones when `held` says
    the group holds more)."""

    actor: TargetActor
    rows: list[Ranked] = field(default_factory=list)
    #: how many recommendations the group holds, when its rows may show only the most supported
    held: int | None = None

    @property
    def count(self) -> int:
        """How many recommendations the group holds."""
        return len(self.rows) if self.held is None else self.held

    @property
    def more(self) -> bool:
        """Whether the group holds more recommendations than its rows show."""
        return self.count > len(self.rows)


@dataclass
class ThemeGroup:
    """The rows of one theme, by target actor."""

    theme: str
    actors: list[ActorGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many recommendations the theme holds."""
        return sum(group.count for group in self.actors)


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


def _by_support(row: Ranked) -> tuple[int, int, int]:
    return -row.supports, row.recommendation.position, row.recommendation.id


def group(rows: list[Ranked]) -> list[ThemeGroup]:
    """Group by theme, then target actor (in the enum's order); each group ranked by support."""
    return [
        ThemeGroup(theme, [ActorGroup(actor, items) for actor, items in actors])
        for theme, actors in by_theme_and_actor(rows, _by_support)
    ]


@dataclass
class WorkshopOutcome:
    """A workshop's accepted recommendations, grouped, with their count and supports."""

    session: Session
    themes: list[ThemeGroup]
    count: int
    supports: int


def _accepted(forum: Forum) -> list[sa.ColumnElement[bool]]:
    return [Recommendation.forum_id == forum.id, Recommendation.status == RecommendationStatus.accepted]


#: the ranking within a group: most supported first, then as the workshop listed them (the order of
#: the index `ix_recommendation_workshop_ranking`)
_ORDER = (Recommendation.support_count.desc(), Recommendation.position, Recommendation.id)


def _in_group(groups: sa.Subquery) -> list[sa.ColumnElement[bool]]:
    return [
        Recommendation.session_id == groups.c.session_id,
        Recommendation.theme == groups.c.theme,
        Recommendation.target_actor == groups.c.target_actor,
    ]


def accepted_by_workshop(forum: Forum, *, top: int | None = TOP) -> list[WorkshopOutcome]:
    """Each workshop's accepted recommendations, grouped by theme and target actor, ranked by support:
    the `top` of each group (every one with top=None) with the group's count, and each workshop's
    count and supports. The counts come from the tally, the `top` of each group from the index in its
    ranking: a few statements, none reading the forum's recommendations (but the PDF's, top=None)."""
    mine = (RecommendationTally.forum_id == forum.id, RecommendationTally.status == RecommendationStatus.accepted)
    key = (RecommendationTally.session_id, RecommendationTally.theme, RecommendationTally.target_actor)
    held: dict[tuple[int, str, TargetActor], int] = {}
    totals: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for session_id, theme, actor, count, supports in tallied(*key, where=mine):
        held[session_id, theme, actor] = count
        totals[session_id] = (totals[session_id][0] + count, totals[session_id][1] + supports)
    shown = sa.select(Recommendation).where(*_accepted(forum))
    if top is not None:
        groups = accepted_groups(
            "session_id", "theme", "target_actor", where=[RecommendationTally.forum_id == forum.id]
        )
        shown = shown.where(Recommendation.id.in_(first_of_each(groups, top=top, order=_ORDER, scope=_in_group)))
    per_session: dict[int, list[Ranked]] = defaultdict(list)
    for recommendation in db.session.scalars(shown):
        per_session[recommendation.session_id].append(Ranked(recommendation, recommendation.support_count))
    outcomes = []
    for session in workshops(forum):
        if session.id not in per_session:
            continue
        themes = [
            ThemeGroup(theme, [ActorGroup(actor, rows, held[session.id, theme, actor]) for actor, rows in actors])
            for theme, actors in by_theme_and_actor(per_session[session.id], _by_support)
        ]
        outcomes.append(WorkshopOutcome(session, themes, *totals[session.id]))
    return outcomes


@dataclass
class GroupPage:
    """One page of a group of recommendations (`size` a page): where it starts, how many pages."""

    theme: str
    group: Any  #: with a `count` of the group's recommendations and the page's `rows`
    page: int
    size: int

    @property
    def first(self) -> int:
        """The rank of the page's first recommendation in its group (1 on the first page)."""
        return (self.page - 1) * self.size + 1

    @property
    def pages(self) -> int:
        """How many pages the group fills."""
        return max(1, math.ceil(self.group.count / self.size))


@dataclass
class OutcomeGroupPage(GroupPage):
    """One page of the accepted recommendations of a workshop on a theme addressed to a target actor."""

    session: Session | None = None


def outcome_group(
    forum: Forum, session: Session, theme: str, actor: TargetActor, page: int = 1
) -> OutcomeGroupPage | None:
    """A page (`GROUP_PAGE` recommendations, most supported first) of the workshop's accepted
    recommendations on `theme` ("" for none) addressed to `actor`; None when there is no such page."""
    mine = [
        *_accepted(forum),
        Recommendation.session_id == session.id,
        Recommendation.theme == theme,
        Recommendation.target_actor == actor,
    ]
    tally = sa.select(RecommendationTally.recommendations).where(
        RecommendationTally.forum_id == forum.id,
        RecommendationTally.session_id == session.id,
        RecommendationTally.theme == theme,
        RecommendationTally.target_actor == actor,
        RecommendationTally.status == RecommendationStatus.accepted,
    )
    count = db.session.scalar(tally) or 0
    if page < 1 or (page - 1) * GROUP_PAGE >= count:
        return None
    found = db.session.scalars(
        sa.select(Recommendation).where(*mine).order_by(*_ORDER).limit(GROUP_PAGE).offset((page - 1) * GROUP_PAGE)
    )
    rows = [Ranked(recommendation, recommendation.support_count) for recommendation in found]
    return OutcomeGroupPage(theme, ActorGroup(actor, rows, count), page, GROUP_PAGE, session=session)
