"""Demo data: the 6th forum's four workshops collect recommendations and supports, the 3rd forum's are decided and
followed up, once."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from forum.auth.models import Membership, Role
from forum.events.models import ForumStatus
from forum.recommendations import services
from forum.recommendations.models import Endorsement, Recommendation, RecommendationStatus
from forum.recommendations.seed import seed_recommendations


def test_seed_fills_the_workshops_once(db, make_forum, make_user, make_workshop, make_registration):
    days = dict(starts_on=date(2026, 2, 13), ends_on=date(2026, 2, 14), status=ForumStatus.closed)
    draa, guelmim = make_forum(**days), make_forum(region="guelmim-oued-noun", **days)
    organiser = make_user("organiser@multaqa.ma", forum=draa, roles=("organiser",))
    db.session.add(Membership(user_id=organiser.id, forum_id=guelmim.id, role=Role.organiser))  # as seed-demo does
    for title in ("Études comparatives", "Activités génératrices de revenus", "Financement participatif", "RSE"):
        make_workshop(draa, title=title)
    for forum in (draa, guelmim):
        for _ in range(12):
            make_registration(forum)
    messages: list[str] = []
    for _ in range(2):
        seed_recommendations({"draa": draa, "guelmim": guelmim}, messages.append)
        db.session.commit()
    counts = services.status_counts(draa)  # the workshops are under way: nothing decided yet
    assert counts[RecommendationStatus.submitted] == 20
    assert counts[RecommendationStatus.accepted] == 0
    assert counts[RecommendationStatus.merged] == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Endorsement)) > 60
    compilation = services.national_compilation()
    assert {forum.id for forum, count, _ in compilation.forums if count} == {guelmim.id}
    assert len(messages) == 2  # the second run added nothing
    guelmim_rows = db.session.scalars(sa.select(Recommendation).where(Recommendation.forum_id == guelmim.id)).all()
    assert len(guelmim_rows) == 4
