"""Fixtures of the recommendations tests: workshops made directly with the programme models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from forum.events.models import Forum
from forum.programme.models import Room, Session, SessionKind
from forum.recommendations import services
from forum.recommendations.models import Recommendation, RecommendationSettings, TargetActor


@pytest.fixture
def make_workshop(db) -> Callable[..., Session]:
    def make(forum: Forum, *, rapporteur=None, title: str = "Crowdfunding", **overrides: Any) -> Session:
        room = Room(forum_id=forum.id, name={"fr": "Salle A", "ar": "القاعة أ"}, capacity=60)
        db.session.add(room)
        db.session.flush()
        starts = datetime.combine(forum.starts_on, datetime.min.time(), tzinfo=forum.zone).replace(hour=10)
        values: dict[str, Any] = dict(
            forum_id=forum.id,
            kind=SessionKind.workshop,
            title={"fr": f"Atelier : {title}", "ar": "ورشة التمويل الجماعي", "en": f"Workshop: {title}"},
            theme=title,
            room_id=room.id,
            starts_at=starts.astimezone(UTC),
            ends_at=(starts + timedelta(hours=2)).astimezone(UTC),
            rapporteur_id=rapporteur.id if rapporteur else None,
        )
        values.update(overrides)
        session = Session(**values)
        db.session.add(session)
        db.session.commit()
        return session

    return make


@pytest.fixture
def workshop_setup(make_forum, make_user, make_workshop, open_input):
    """A forum open to input, its rapporteur and organiser, and the rapporteur's workshop."""
    forum = make_forum()
    open_input(forum)
    rapporteur = make_user(forum=forum, roles=("rapporteur",))
    organiser = make_user(forum=forum, roles=("organiser",))
    return forum, rapporteur, organiser, make_workshop(forum, rapporteur=rapporteur)


@pytest.fixture
def open_input(db) -> Callable[[Forum], RecommendationSettings]:
    """Open the forum's input window around now."""

    def do(forum: Forum) -> RecommendationSettings:
        now = datetime.now(UTC)
        settings = RecommendationSettings(
            forum_id=forum.id, input_opens_at=now - timedelta(hours=1), input_closes_at=now + timedelta(days=1)
        )
        db.session.add(settings)
        db.session.commit()
        return settings

    return do


@pytest.fixture(autouse=True)
def _postgres_only(request, db) -> None:
    if request.node.get_closest_marker("postgres_only") and db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's write lock serialises these requests anyway")


@pytest.fixture
def make_accepted(db) -> Callable[..., Recommendation]:
    """An accepted recommendation on theme "Financement", supported by `supporters`."""

    def make(workshop: Session, text: str, *, by: Any, supporters=(), target_actor=TargetActor.government):
        recommendation = services.add_recommendation(
            workshop, text=text, theme="Financement", target_actor=target_actor, actor=by
        )
        for person in supporters:
            services.endorse(recommendation, person)
        services.accept(recommendation, actor=by)
        return recommendation

    return make
