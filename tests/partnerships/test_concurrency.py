"""Twenty people booking the last free slot of one partner at the same instant: one gets it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from helpers import race

from forum.extensions import db
from forum.partnerships import services
from forum.partnerships.models import Meeting, MeetingRequest, MeetingSlot
from forum.registration.models import Category, Registration


@pytest.mark.postgres_only
def test_twenty_bookings_of_a_partners_last_slot(app, make_forum, make_partner, make_plan, agreed):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL")
    forum = make_forum()
    slot = make_plan(forum, slots=1, tables=30)[0]
    company = make_partner(forum, offers=("funding",), category=Category.private_sector)
    contenders = [(agreed(make_partner(forum, needs=("funding",)), company).id, None) for _ in range(20)]
    contenders = [(request_id, db.session.get(MeetingRequest, request_id).requester_id) for request_id, _ in contenders]
    slot_id = slot.id

    def attempt(request_id: int, registration_id: int) -> None:
        request = db.session.get(MeetingRequest, request_id)
        services.book(request, db.session.get(MeetingSlot, slot_id), by=db.session.get(Registration, registration_id))

    outcomes = race(app, contenders, attempt, services.PartnershipError)
    assert outcomes.count("won") == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(Meeting.slot_id == slot_id)) == 1
    refusals = [o for o in outcomes if o != "won"]
    assert len(refusals) == 19
    assert all("is busy at this time" in o or "just been taken" in o for o in refusals), refusals
