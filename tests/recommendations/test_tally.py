"""The recommendations' tally (count and supports of each workshop's group of one theme, target actor
and status, kept by triggers) against a recount from the rows after every kind of change, and the
report's and the compilation's figures, read from the tally and the ranking indexes, against the same
figures counted and ranked by hand from every recommendation and support."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from helpers import FORUM_ROW, REGISTRATION_ROW, triggers_on

from forum.events.models import Forum
from forum.extensions import db as _db
from forum.privacy.services import erase
from forum.programme.services.sessions import delete_session
from forum.recommendations import services
from forum.recommendations.models import (
    Endorsement,
    Recommendation,
    RecommendationStatus,
    RecommendationTally,
    TargetActor,
)
from forum.recommendations.services import national

KEY = ("forum_id", "session_id", "theme", "target_actor", "status")


def kept() -> dict[tuple, tuple[int, int]]:
    """The tally as the triggers kept it: {group: (recommendations, supports)}."""
    columns = [getattr(RecommendationTally, name) for name in KEY]
    rows = _db.session.execute(sa.select(*columns, RecommendationTally.recommendations, RecommendationTally.supports))
    return {tuple(row[:5]): (row[5], row[6]) for row in rows}


def supports_counted() -> dict[int, int]:
    """{recommendation id: its supports}, counted from the endorsements."""
    rows = _db.session.execute(
        sa.select(Endorsement.recommendation_id, sa.func.count()).group_by(Endorsement.recommendation_id)
    )
    return dict(rows.tuples().all())


def recounted() -> dict[tuple, tuple[int, int]]:
    """The tally counted from every recommendation and support."""
    supports = supports_counted()
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    columns = [getattr(Recommendation, name) for name in KEY]
    for row in _db.session.execute(sa.select(Recommendation.id, *columns)):
        groups[tuple(row[1:])][0] += 1
        groups[tuple(row[1:])][1] += supports.get(row.id, 0)
    return {group: (count, total) for group, (count, total) in groups.items()}


def assert_tally_right() -> None:
    _db.session.commit()
    assert kept() == recounted()


def test_the_tally_follows_every_change_of_recommendations_and_supports(
    db, workshop_setup, make_workshop, make_registration, open_input
):
    forum, rapporteur, organiser, workshop = workshop_setup
    other = make_workshop(forum, title="RSE")
    people = [make_registration(forum) for _ in range(5)]
    government, donors = TargetActor.government, TargetActor.donors

    def add(text: str, theme: str = "Financement", actor: TargetActor = government, session=workshop):
        return services.add_recommendation(session, text=text, theme=theme, target_actor=actor, actor=organiser)

    first, second, third = add("Un fonds régional"), add("Une plateforme"), add("Des formations", "RSE", donors)
    submitted = services.add_recommendation(
        workshop, text="Un guichet unique", target_actor=government, theme="Financement", registration=people[0]
    )
    assert_tally_right()
    assert kept()[forum.id, workshop.id, "Financement", government, RecommendationStatus.submitted] == (3, 0)
    for person in people[:4]:  # supports given, one taken back
        services.endorse(first, person)
    for person in people[2:]:
        services.endorse(second, person)
    services.endorse(third, people[0])
    services.withdraw(first, people[3])
    assert_tally_right()
    services.accept(first, actor=organiser)  # decisions
    services.accept(second, actor=organiser)
    services.reject(third, "Hors du champ", actor=organiser)
    assert_tally_right()
    assert kept()[forum.id, workshop.id, "Financement", government, RecommendationStatus.accepted] == (2, 6)
    services.edit_recommendation(  # another theme and actor
        second,
        text="Une plateforme régionale",
        target_actor=donors,
        theme="Cadre",
        priority=second.priority,
        actor=organiser,
    )
    services.move(first, 1, actor=organiser)
    assert_tally_right()
    services.merge([submitted], first, actor=organiser)  # its supports carried over, it counts as merged
    services.add_merged_into(first, other, text="Un fonds", target_actor=government, actor=organiser)
    assert_tally_right()
    erase(people[2], reason="asked by the person")  # supports are kept: they name no one
    assert_tally_right()
    _db.session.delete(people[3])  # a registration removed with its supports
    assert_tally_right()
    _db.session.execute(sa.update(Recommendation).where(Recommendation.id == third.id).values(session_id=other.id))
    _db.session.execute(
        sa.update(Recommendation)
        .where(Recommendation.forum_id == forum.id)
        .values(position=Recommendation.position + 1)
    )
    _db.session.execute(
        sa.insert(Recommendation),
        [
            dict(forum_id=forum.id, session_id=other.id, text=f"En nombre {n}", theme="", target_actor=donors)
            for n in range(3)
        ],
    )
    assert_tally_right()
    _db.session.execute(sa.delete(Recommendation).where(Recommendation.id == first.id))  # its merged ones with it
    assert_tally_right()
    delete_session(other, actor=organiser)  # a workshop deleted with its recommendations
    assert_tally_right()
    assert {group[1] for group in kept()} == {workshop.id}
    _db.session.execute(sa.delete(Forum).where(Forum.id == forum.id))
    assert_tally_right()
    assert kept() == {}


def test_the_triggers_that_keep_the_tally_are_in_place(db):
    """A migration that rebuilds `recommendation` on SQLite (batch mode) drops them: it must add them back."""
    if db.engine.dialect.name == "sqlite":
        expected = {f"recommendation_tally_{event}" for event in ("insert", "delete", "update", "supports")}
    else:
        expected = {"recommendation_tally", "recommendation_tally_update"}
    assert expected <= triggers_on(db, "recommendation")


@pytest.fixture
def series(db, make_forum, make_workshop, make_user, make_registration, open_input, monkeypatch):
    """Two forums, three workshops, 60 recommendations on four themes (one none) and three actors, of
    every status, with 0 to 2 supports each (many ties); two shown per group of the compilation."""
    monkeypatch.setattr(national, "TOP", 2)
    rng = random.Random(19)
    later = make_forum(starts_on=date.today() + timedelta(days=40), ends_on=date.today() + timedelta(days=41))
    earlier = make_forum(starts_on=date.today() + timedelta(days=10), ends_on=date.today() + timedelta(days=11))
    organiser = make_user(forum=later, roles=("organiser",))
    organiser_earlier = make_user(forum=earlier, roles=("organiser",))
    workshops = [make_workshop(later), make_workshop(later, title="RSE"), make_workshop(earlier)]
    people = {forum.id: [make_registration(forum) for _ in range(4)] for forum in (later, earlier)}
    for forum in (later, earlier):
        open_input(forum)
    actors = [TargetActor.government, TargetActor.donors, TargetActor.associations]
    made = []
    for n in range(60):
        workshop = workshops[n // 20]  # the earlier forum's last: the forums' days, not the ids, order them
        actor = organiser if workshop.forum_id == later.id else organiser_earlier
        recommendation = services.add_recommendation(
            workshop,
            text=f"Recommandation {n}",
            theme=rng.choice(["Financement", "RSE", "", "cadre juridique"]),
            target_actor=rng.choice(actors),
            actor=actor,
        )
        for person in rng.sample(people[workshop.forum_id], rng.randrange(3)):
            services.endorse(recommendation, person)
        made.append((recommendation, actor))
    # the workshops' lists in an order of their own (as their rapporteurs set it), not the ids'
    db.session.execute(sa.update(Recommendation).values(position=Recommendation.id * 7 % 11))
    for n, (recommendation, actor) in enumerate(made):
        if n % 7 == 3:
            services.reject(recommendation, "Non retenue", actor=actor)
        elif n % 7 == 5 and n % 20 >= 6:
            services.merge([recommendation], made[n - 6][0], actor=actor)
        elif n % 7 != 6:
            services.accept(recommendation, actor=actor)
    db.session.commit()
    return later, earlier


def _theme_order(theme: str) -> tuple[bool, str]:
    return theme == "", theme.casefold()


def recounted_report(forum: Forum, accepted: list[Recommendation], supports: dict[int, int], top: int) -> list:
    """The report's workshops counted and ranked by hand: (workshop, count, supports, themes), each theme
    (theme, groups), each group (actor, count, its `top` (id, supports))."""
    report = []
    for workshop in services.workshops(forum):
        held = [r for r in accepted if r.session_id == workshop.id]
        themes = []
        for theme in sorted({r.theme for r in held}, key=_theme_order):
            groups = []
            for actor in TargetActor:
                group = sorted(
                    (r for r in held if r.theme == theme and r.target_actor == actor),
                    key=lambda r: (-supports.get(r.id, 0), r.position, r.id),
                )
                if group:
                    groups.append((actor, len(group), [(r.id, supports.get(r.id, 0)) for r in group[:top]]))
            themes.append((theme, groups))
        if held:
            report.append((workshop.id, len(held), sum(supports.get(r.id, 0) for r in held), themes))
    return report


def shown_report(forum: Forum, top: int) -> list:
    """The same figures as `accepted_by_workshop` gives them."""
    return [
        (
            outcome.session.id,
            outcome.count,
            outcome.supports,
            [
                (
                    theme.theme,
                    [(g.actor, g.count, [(r.recommendation.id, r.supports) for r in g.rows]) for g in theme.actors],
                )
                for theme in outcome.themes
            ],
        )
        for outcome in services.accepted_by_workshop(forum, top=top)
    ]


def recounted_themes(accepted: list[Recommendation], supports: dict[int, int], starts: dict[int, date]) -> list:
    """The compilation's themes counted and ranked by hand: (theme, groups), each group (actor, count,
    supports, its two most supported (id, supports, forum))."""
    themes = []
    for theme in sorted({r.theme for r in accepted}, key=_theme_order):
        groups = []
        for actor in TargetActor:
            group = sorted(
                (r for r in accepted if r.theme == theme and r.target_actor == actor),
                key=lambda r: (-supports.get(r.id, 0), starts[r.forum_id], r.id),
            )
            if group:
                total = sum(supports.get(r.id, 0) for r in group)
                groups.append(
                    (actor, len(group), total, [(r.id, supports.get(r.id, 0), r.forum_id) for r in group[:2]])
                )
        themes.append((theme, groups))
    return themes


def test_the_report_and_the_compilation_match_a_recount_of_every_recommendation(db, series):
    later, earlier = series
    supports = supports_counted()
    every = list(db.session.scalars(sa.select(Recommendation)))
    accepted = [r for r in every if r.status == RecommendationStatus.accepted]
    assert kept() == recounted()
    for forum in (later, earlier):
        by_status = {
            status: sum(r.forum_id == forum.id and r.status == status for r in every) for status in RecommendationStatus
        }
        assert services.status_counts(forum) == by_status
        for top in (1, 2):
            assert shown_report(forum, top) == recounted_report(forum, accepted, supports, top)
    compilation = services.national_compilation()
    per_forum = {forum.id: [r for r in accepted if r.forum_id == forum.id] for forum in (earlier, later)}
    assert [(f.id, n, s) for f, n, s in compilation.forums] == [
        (forum_id, len(rows), sum(supports.get(r.id, 0) for r in rows)) for forum_id, rows in per_forum.items()
    ]
    themes = recounted_themes(accepted, supports, {later.id: later.starts_on, earlier.id: earlier.starts_on})
    assert [
        (
            theme.theme,
            [
                (g.actor, g.count, g.supports, [(row.recommendation.id, row.supports, row.forum.id) for row in g.rows])
                for g in theme.actors
            ],
        )
        for theme in compilation.themes
    ] == themes
    for theme, groups in themes:  # each group's own pages count the same
        for actor, count, total, _ in groups:
            page = services.national_group(theme, actor)
            assert (page.group.count, page.group.supports) == (count, total)


def test_a_group_page_of_the_report_counts_from_the_tally(db, series):
    later, _earlier = series
    supports = supports_counted()
    accepted = list(
        db.session.scalars(
            sa.select(Recommendation).where(
                Recommendation.forum_id == later.id, Recommendation.status == RecommendationStatus.accepted
            )
        )
    )
    workshop = services.workshops(later)[0]
    theme, actor = next((r.theme, r.target_actor) for r in accepted if r.session_id == workshop.id)
    group = [r for r in accepted if (r.session_id, r.theme, r.target_actor) == (workshop.id, theme, actor)]
    group.sort(key=lambda r: (-supports.get(r.id, 0), r.position, r.id))
    page = services.outcome_group(later, workshop, theme, actor)
    assert page.group.count == len(group)
    assert [row.recommendation.id for row in page.group.rows] == [r.id for r in group]


SESSION_ROW = (
    "INSERT INTO session (id, forum_id, kind, title, description, starts_at, ends_at, is_signup_required,"
    " is_cancelled, created_at, updated_at) VALUES (1, 1, 'workshop', '{}', '{}', :at, :later, false, false, :at, :at)"
)
RECOMMENDATION_ROW = (
    "INSERT INTO recommendation (id, forum_id, session_id, text, theme, target_actor, priority, status, position,"
    " created_at, updated_at) VALUES (:id, 1, 1, 'x', :theme, 'government', 'medium', :status, 0, :at, :at)"
)
ENDORSEMENT_ROW = (
    "INSERT INTO endorsement (recommendation_id, registration_id, created_at)"
    " SELECT :recommendation, id, :at FROM registration"
)


def test_the_migration_tallies_the_recommendations_already_there(scratch_app):
    """Upgraded with recommendations and supports in place, the tally starts from their recount; on
    SQLite, triggers a batch rebuild dropped are made again by the last migration."""
    from flask_migrate import downgrade, upgrade

    at = datetime(2026, 12, 1)
    with scratch_app.app_context():
        upgrade(revision="d8b3a6c1e5f4")
        with _db.engine.begin() as conn:
            conn.execute(sa.text(FORUM_ROW), {"at": at})
            conn.execute(sa.text(SESSION_ROW), {"at": at, "later": at + timedelta(hours=2)})
            for n in range(2):
                values = {"email": f"p{n}@example.ma", "status": "confirmed", "category": "association", "holds": False}
                conn.execute(sa.text(REGISTRATION_ROW), {**values, "at": at})
            for n, (theme, status) in enumerate([("A", "accepted"), ("A", "accepted"), ("B", "submitted")], start=1):
                conn.execute(sa.text(RECOMMENDATION_ROW), {"id": n, "theme": theme, "status": status, "at": at})
            conn.execute(sa.text(ENDORSEMENT_ROW), {"recommendation": 1, "at": at})
        upgrade(revision="98ad23be3315")
        tally = "SELECT theme, status, recommendations, supports FROM recommendation_tally ORDER BY theme"
        with _db.engine.begin() as conn:
            assert conn.execute(sa.text(tally)).all() == [("A", "accepted", 2, 2), ("B", "submitted", 1, 0)]
            if _db.engine.dialect.name == "sqlite":
                for event in ("insert", "delete", "update", "supports"):  # what rebuilding the table does to them
                    conn.execute(sa.text(f"DROP TRIGGER recommendation_tally_{event}"))
            conn.execute(sa.text("UPDATE recommendation SET status = 'accepted' WHERE id = 3"))
        upgrade()
        with _db.engine.begin() as conn:
            conn.execute(sa.text(ENDORSEMENT_ROW), {"recommendation": 2, "at": at})  # counted by the triggers
            assert conn.execute(sa.text(tally)).all() == [("A", "accepted", 2, 4), ("B", "accepted", 1, 0)]
        downgrade(revision="d8b3a6c1e5f4")
        with _db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM recommendation"))
            assert "recommendation_tally" not in sa.inspect(conn).get_table_names()
        _db.engine.dispose()
