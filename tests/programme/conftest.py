"""A small programme to test with: rooms, speakers and published sessions of a two-day forum."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from helpers import local

from forum.events.models import Forum
from forum.programme import services
from forum.programme.models import Room, Session, SessionKind, Speaker


@pytest.fixture
def forum(make_forum) -> Forum:
    return make_forum(starts_on=date(2026, 2, 13), ends_on=date(2026, 2, 14))


@pytest.fixture
def make_room(db) -> Callable[..., Room]:
    def make(forum: Forum, name: str = "Salle A", capacity: int = 50, **extra: Any) -> Room:
        room = services.save_room(
            forum, None, {"name": {"fr": name, "ar": "قاعة " + name}, "capacity": capacity, **extra}, actor=None
        )
        db.session.commit()
        return room

    return make


@pytest.fixture
def make_speaker(db) -> Callable[..., Speaker]:
    def make(forum: Forum, name: str = "Nadia Idrissi", **extra: Any) -> Speaker:
        speaker = services.save_speaker(forum, None, {"name_latin": name, "name_ar": "نادية", **extra}, actor=None)
        db.session.commit()
        return speaker

    return make


@pytest.fixture
def make_session(db) -> Callable[..., Session]:
    """make_session(forum, room, day, (9, 30), (11, 0), published=True, **fields)"""

    def make(
        forum: Forum,
        room: Room | None,
        day: date,
        start: tuple[int, int],
        end: tuple[int, int],
        *,
        published: bool = True,
        **fields: Any,
    ) -> Session:
        data = {
            "kind": SessionKind.workshop,
            "title": {
                "ar": "ورشة التمويل التشاركي",
                "fr": "Atelier financement participatif",
                "en": "Crowdfunding workshop",
            },
            "room_id": room.id if room else None,
            "starts_at": local(forum, day, *start),
            "ends_at": local(forum, day, *end),
            "is_signup_required": True,
            **fields,
        }
        session, _warnings = services.save_session(forum, None, data, actor=None)
        if published:
            session.published_at = datetime.now(UTC)
        db.session.commit()
        return session

    return make


@pytest.fixture
def english(app):
    """Service tests read messages in English, as a request with Accept-Language: en would."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield
