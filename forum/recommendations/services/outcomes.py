"""The outcomes figures of a forum: accepted recommendations by workshop, theme and target actor.

The report's page shows the `TOP` most supported recommendations of each workshop, theme and target
actor, with the group's count, and the rest one page away (`outcome_group`); the PDF holds them all. The
counts and ranks are taken in SQL from each recommendation's kept count of supports: with every
recommendation on the page and its supports counted from the endorsements, the report of a forum of
8,000 recommendations took 2.2 s and weighed 1.5 MB.
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
from forum.recommendations.models import Recommendation, RecommendationStatus, TargetActor
from forum.recommendations.services.access import workshops
from forum.recommendations.services.supports import Ranked

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


#: the ranking within a group: most supported first, then as the workshop listed them
_ORDER = (Recommendation.support_count.desc(), Recommendation.position, Recommendation.id)


def accepted_by_workshop(forum: Forum, *, top: int | None = TOP) -> list[WorkshopOutcome]:
    """Each workshop's accepted recommendations, grouped by theme and target actor, ranked by support:
    the `top` of each group (every one with top=None) with the group's count, and each workshop's
    count and supports, in two statements (the ranking, then the rows shown)."""
    theme = sa.func.coalesce(Recommendation.theme, "")
    ranked = (
        sa.select(
            Recommendation.id,
            sa.func.row_number()
            .over(partition_by=(Recommendation.session_id, theme, Recommendation.target_actor), order_by=_ORDER)
            .label("rank"),
            sa.func.count()
            .over(partition_by=(Recommendation.session_id, theme, Recommendation.target_actor))
            .label("held"),
            sa.func.count().over(partition_by=Recommendation.session_id).label("workshop_count"),
            sa.func.sum(Recommendation.support_count).over(partition_by=Recommendation.session_id).label("supports"),
        )
        .where(*_accepted(forum))
        .subquery()
    )
    query = sa.select(ranked.c.id, ranked.c.held, ranked.c.workshop_count, ranked.c.supports)
    if top is not None:
        query = query.where(ranked.c.rank <= top)
    found = db.session.execute(query).all()
    # the rows shown, by their keys (joined to the ranking, the planner read the whole table)
    shown = sa.select(Recommendation).where(*_accepted(forum))
    if top is not None:
        shown = shown.where(Recommendation.id.in_([row.id for row in found]))
    by_id = {recommendation.id: recommendation for recommendation in db.session.scalars(shown)}
    per_session: dict[int, list[Ranked]] = defaultdict(list)
    held: dict[tuple[int, str, TargetActor], int] = {}
    totals: dict[int, tuple[int, int]] = {}
    for row in found:
        recommendation = by_id[row.id]
        per_session[recommendation.session_id].append(Ranked(recommendation, recommendation.support_count))
        held[recommendation.session_id, recommendation.theme or "", recommendation.target_actor] = row.held
        totals[recommendation.session_id] = (row.workshop_count, int(row.supports))
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
        sa.func.coalesce(Recommendation.theme, "") == theme,
        Recommendation.target_actor == actor,
    ]
    count = db.session.scalar(sa.select(sa.func.count()).where(*mine))
    if page < 1 or (page - 1) * GROUP_PAGE >= count:
        return None
    found = db.session.scalars(
        sa.select(Recommendation).where(*mine).order_by(*_ORDER).limit(GROUP_PAGE).offset((page - 1) * GROUP_PAGE)
    )
    rows = [Ranked(recommendation, recommendation.support_count) for recommendation in found]
    return OutcomeGroupPage(theme, ActorGroup(actor, rows, count), page, GROUP_PAGE, session=session)
