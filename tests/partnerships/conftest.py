"""Partnership factories: participants with a published profile, a meeting plan of slots and tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest

from forum.events.models import Forum
from forum.partnerships import services
from forum.partnerships.models import MeetingRequest, PartnershipProfile
from forum.registration.models import Category


@pytest.fixture(autouse=True)
def english(app):
    """Service messages are read in English here (outside a request the default language is Arabic)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def make_partner(db, make_registration, make_organisation) -> Callable[..., PartnershipProfile]:
    def make(
        forum: Forum,
        *,
        offers: tuple[str, ...] = (),
        needs: tuple[str, ...] = (),
        category: Category = Category.association,
        organisation: str | None = None,
        **profile: Any,
    ) -> PartnershipProfile:
        extra = {"organisation_id": make_organisation(name=organisation).id} if organisation else {}
        registration = make_registration(forum, category=category, **extra)
        data = {"offers": list(offers), "needs": list(needs), "provinces": ["errachidia"], **profile}
        saved = services.save_profile(registration, data, consent=True)
        db.session.commit()
        return saved

    return make


@pytest.fixture
def make_plan(db) -> Callable[..., list]:
    """`make_plan(forum, slots=3, tables=2)`: 20-minute slots from 14:00 on the forum's first day."""

    def make(forum: Forum, *, slots: int = 3, tables: int = 2) -> list:
        end = (datetime.combine(forum.starts_on, time(14)) + timedelta(minutes=25 * slots)).time()
        made = services.generate_slots(forum, day=forum.starts_on, start=time(14), end=end, minutes=20, pause=5)
        services.add_tables(forum, tables)
        db.session.commit()
        return made

    return make


@pytest.fixture
def agreed(db) -> Callable[[PartnershipProfile, PartnershipProfile], MeetingRequest]:
    """A request from the first profile's owner to the second's, accepted."""

    def make(a: PartnershipProfile, b: PartnershipProfile) -> MeetingRequest:
        request = services.request_meeting(a.registration, b, message="Let us talk")
        services.accept(request, by=b.registration)
        db.session.commit()
        return request

    return make
