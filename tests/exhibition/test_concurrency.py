"""Two organisers assigning the same booth at the same moment: one wins, the other is told who did."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from helpers import race

from forum.auth.models import User
from forum.exhibition import services
from forum.exhibition.models import Booth, BoothAssignment, Exhibitor
from forum.extensions import db


@pytest.mark.postgres_only
def test_concurrent_assignments_of_one_booth(app, organiser, make_booths, make_exhibitor, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL")
    forum, user = organiser
    other_organiser = make_user(forum=forum, roles=("organiser",))
    booth_id = make_booths(forum, user, "A1")["A1"].id
    contenders = [
        (make_exhibitor(forum, f"Contender {n}", staff=False).id, actor.id)
        for n, actor in enumerate([user, other_organiser] * 3)
    ]

    def attempt(exhibitor_id: int, actor_id: int) -> None:
        booth = db.session.get(Booth, booth_id)
        services.assign(booth, db.session.get(Exhibitor, exhibitor_id), actor=db.session.get(User, actor_id))

    outcomes = race(app, contenders, attempt, services.BoothTaken)
    winner = db.session.scalar(sa.select(BoothAssignment).where(BoothAssignment.booth_id == booth_id))
    assert outcomes.count("won") == 1
    refusals = [o for o in outcomes if o != "won"]
    assert len(refusals) == len(contenders) - 1
    assert all(f"Booth A1 has just been given to {winner.exhibitor.name}" in o for o in refusals)
