"""The national compilation: the accepted recommendations of every public forum of the series.

Its figures are read from the recommendations' tally, and its page shows, for each theme and target
actor, the `TOP` most supported recommendations (read from an index in that order, services.tally), the
rest one page away (`national_group`): with every recommendation on it, the page of 100,000
recommendations weighed 24 MB and took 5 s to build; aggregated and ranked in SQL from every accepted
recommendation of the series, it still took 0.4 s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from forum import hooks
from forum.events.models import Forum, ForumStatus
from forum.extensions import db
from forum.programme.models import Session
from forum.recommendations.models import Recommendation, RecommendationStatus, RecommendationTally, TargetActor
from forum.recommendations.services.outcomes import GroupPage
from forum.recommendations.services.tally import accepted_groups, first_of_each, tallied

#: recommendations shown for each theme and target actor on the compilation's page
TOP = 5
#: recommendations per page of one theme and target actor
GROUP_PAGE = 50


def series_forums() -> list[Forum]:
    """The public forums of the series, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Forum).where(Forum.status != ForumStatus.draft).order_by(Forum.starts_on, Forum.id)
        )
    )


def national_sections() -> list[hooks.ReportSection]:
    """The sections other modules add to the compilation (aggregated figures of the series' public forums)."""
    forums = series_forums()
    return sorted(hooks.national_sections.collect(forums), key=lambda section: section.key) if forums else []


@dataclass
class NationalRow:
    """An accepted recommendation of the series with its supports, forum and workshop."""

    recommendation: Recommendation
    supports: int
    forum: Forum
    workshop: Session


@dataclass
class NationalGroup:
    """The recommendations of one theme addressed to one target actor: how many, their supports, and
    the most supported ones (`TOP` on the compilation, a page of them on the group's own page)."""

    actor: TargetActor
    count: int
    supports: int
    rows: list[NationalRow]

    @property
    def more(self) -> bool:
        """Whether the group holds more recommendations than its rows show."""
        return self.count > len(self.rows)


@dataclass
class NationalTheme:
    """A theme of the national compilation, its groups by target actor (in the enum's order)."""

    theme: str
    actors: list[NationalGroup]

    @property
    def count(self) -> int:
        """How many recommendations the theme holds."""
        return sum(group.count for group in self.actors)

    @property
    def supports(self) -> int:
        """The supports of the theme's recommendations."""
        return sum(group.supports for group in self.actors)


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


def _accepted(forum_ids: list[int]) -> sa.Subquery:
    """The accepted recommendations of these forums with their supports and their forum's first day.

    The supports are the recommendation's own count (`support_count`, kept by triggers); counting the
    endorsements here cost a scan of a million rows at 100,000 recommendations. The reference they
    stand for is `supports.accepted_support_counts` (tests/recommendations/test_national.py)."""
    return (
        sa.select(
            Recommendation.id,
            Recommendation.forum_id,
            Recommendation.theme,
            Recommendation.target_actor,
            Recommendation.support_count.label("supports"),
            Forum.starts_on,
        )
        .join(Forum, Forum.id == Recommendation.forum_id)
        .where(Recommendation.forum_id.in_(forum_ids), Recommendation.status == RecommendationStatus.accepted)
        .subquery()
    )


def _rows(found: list[tuple[int, int]], by_id: dict[int, Forum]) -> list[NationalRow]:
    """NationalRows for (recommendation id, supports) pairs, in their order (two queries)."""
    ids = [recommendation_id for recommendation_id, _ in found]
    recommendations = {r.id: r for r in db.session.scalars(sa.select(Recommendation).where(Recommendation.id.in_(ids)))}
    session_ids = {r.session_id for r in recommendations.values()}
    sessions = {s.id: s for s in db.session.scalars(sa.select(Session).where(Session.id.in_(session_ids)))}
    rows = []
    for recommendation_id, supports in found:
        recommendation = recommendations[recommendation_id]
        forum, workshop = by_id[recommendation.forum_id], sessions[recommendation.session_id]
        rows.append(NationalRow(recommendation, supports, forum, workshop))
    return rows


def _theme_order(theme: str) -> tuple[bool, str]:
    return theme == "", theme.casefold()  # alphabetical, recommendations without a theme last


#: the ranking within a forum's group: most supported first (the order of the index
#: `ix_recommendation_forum_ranking`); across the series, the forum's first day comes before the id
_FORUM_ORDER = (Recommendation.support_count.desc(), Recommendation.id)


def _in_forum_group(groups: sa.Subquery) -> list[sa.ColumnElement[bool]]:
    return [
        Recommendation.forum_id == groups.c.forum_id,
        Recommendation.theme == groups.c.theme,
        Recommendation.target_actor == groups.c.target_actor,
    ]


def _most_supported(by_id: dict[int, Forum]) -> dict[tuple[str, TargetActor], list[tuple[int, int]]]:
    """{(theme, actor): [(recommendation id, supports)]}: the `TOP` most supported of each group of the
    series, read as the `TOP` most supported of each forum's group (among which they are)."""
    groups = accepted_groups("forum_id", "theme", "target_actor", where=[RecommendationTally.forum_id.in_(list(by_id))])
    ids = first_of_each(groups, top=TOP, order=_FORUM_ORDER, scope=_in_forum_group)
    columns = (Recommendation.id, Recommendation.forum_id, Recommendation.theme, Recommendation.target_actor)
    found = db.session.execute(sa.select(*columns, Recommendation.support_count).where(Recommendation.id.in_(ids)))
    candidates = sorted(found, key=lambda row: (-row.support_count, by_id[row.forum_id].starts_on, row.id))
    top: dict[tuple[str, TargetActor], list[tuple[int, int]]] = defaultdict(list)
    for row in candidates:
        if len(top[row.theme, row.target_actor]) < TOP:
            top[row.theme, row.target_actor].append((row.id, row.support_count))
    return top


def national_compilation(forums: list[Forum] | None = None) -> NationalCompilation:
    """The series' accepted recommendations: per forum and per theme and target actor their count and
    supports (from the tally), and the `TOP` most supported of each theme and actor, with region and
    forum (from the index in their order): a few statements, none reading the series' recommendations."""
    forums = forums if forums is not None else series_forums()
    by_id = {forum.id: forum for forum in forums}
    if not by_id:
        return NationalCompilation([], [])
    mine = (RecommendationTally.forum_id.in_(list(by_id)), RecommendationTally.status == RecommendationStatus.accepted)
    key = (RecommendationTally.forum_id, RecommendationTally.theme, RecommendationTally.target_actor)
    per_forum = {forum_id: (0, 0) for forum_id in by_id}
    per_group: dict[tuple[str, TargetActor], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for forum_id, theme, actor, count, supports in tallied(*key, where=mine):
        per_forum[forum_id] = (per_forum[forum_id][0] + count, per_forum[forum_id][1] + supports)
        per_group[theme, actor] = (per_group[theme, actor][0] + count, per_group[theme, actor][1] + supports)
    top = _most_supported(by_id)
    chosen = [pair for pairs in top.values() for pair in pairs]
    rows = dict(zip((recommendation_id for recommendation_id, _ in chosen), _rows(chosen, by_id), strict=True))
    groups: dict[str, dict[TargetActor, NationalGroup]] = defaultdict(dict)
    for (theme, actor), (count, supports) in per_group.items():
        groups[theme][actor] = NationalGroup(actor, count, supports, [rows[i] for i, _ in top[theme, actor]])
    themes = [
        NationalTheme(theme, [groups[theme][actor] for actor in TargetActor if actor in groups[theme]])
        for theme in sorted(groups, key=_theme_order)
    ]
    return NationalCompilation([(by_id[i], n, s) for i, (n, s) in per_forum.items()], themes)


@dataclass
class NationalGroupPage(GroupPage):
    """One page of one theme and target actor of the national compilation."""


def national_group(theme: str, actor: TargetActor, page: int = 1) -> NationalGroupPage | None:
    """A page of the accepted recommendations of the series on `theme` addressed to `actor`, most
    supported first (`GROUP_PAGE` a page); None when there is no such recommendation or page."""
    by_id = {forum.id: forum for forum in series_forums()}
    if not by_id or page < 1:
        return None
    [(count, supports)] = tallied(
        where=(
            RecommendationTally.forum_id.in_(list(by_id)),
            RecommendationTally.status == RecommendationStatus.accepted,
            RecommendationTally.theme == theme,
            RecommendationTally.target_actor == actor,
        )
    )
    if not count or (page - 1) * GROUP_PAGE >= count:
        return None
    accepted = _accepted(list(by_id))
    found = db.session.execute(
        sa.select(accepted.c.id, accepted.c.supports)
        .where(accepted.c.theme == theme, accepted.c.target_actor == actor)
        .order_by(accepted.c.supports.desc(), accepted.c.starts_on, accepted.c.id)
        .limit(GROUP_PAGE)
        .offset((page - 1) * GROUP_PAGE)
    ).all()
    return NationalGroupPage(theme, NationalGroup(actor, count, int(supports), _rows(found, by_id)), page, GROUP_PAGE)
