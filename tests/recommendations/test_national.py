"""The national compilation stays small as the series grows: figures aggregated in SQL, the most
supported recommendations of each theme and target actor on the page, the rest on pages of their own."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from helpers import triggers_on

from forum.extensions import db as _db
from forum.recommendations import services
from forum.recommendations.models import Recommendation, TargetActor
from forum.recommendations.services import national


@pytest.fixture
def seven_supported(db, workshop_setup, make_registration, make_accepted, monkeypatch):
    """Seven accepted recommendations to the government on one theme, the n-th with n supports, and one
    to donors; two shown per group on the compilation, three a page on the group's own."""
    monkeypatch.setattr(national, "TOP", 2)
    monkeypatch.setattr(national, "GROUP_PAGE", 3)
    forum, _rapporteur, organiser, workshop = workshop_setup
    people = [make_registration(forum) for _ in range(7)]
    for n in range(7):
        make_accepted(workshop, f"Proposition numéro {n}", by=organiser, supporters=people[:n])
    make_accepted(workshop, "Aux bailleurs", by=organiser, target_actor=TargetActor.donors)
    db.session.commit()
    return forum


def texts(html: str) -> list[str]:
    return re.findall(r"Proposition numéro \d", html)


def test_the_compilation_counts_everything_and_shows_the_most_supported_of_each_group(client, seven_supported):
    compilation = services.national_compilation()
    assert (compilation.count, compilation.supports) == (8, 21)
    [theme] = compilation.themes
    assert [(g.actor, g.count, g.supports, g.more) for g in theme.actors] == [
        (TargetActor.government, 7, 21, True),
        (TargetActor.donors, 1, 0, False),
    ]
    html = client.get("/recommendations/").get_data(as_text=True)
    assert texts(html) == ["Proposition numéro 6", "Proposition numéro 5"]
    assert "See all 7 recommendations" in html and "Aux bailleurs" in html
    link = re.search(r'href="(/recommendations/group\?[^"]+)"', html).group(1).replace("&amp;", "&")
    assert "actor=government" in link


def test_the_rest_of_a_group_is_on_pages_of_its_own_most_supported_first(client, seven_supported):
    base = "/recommendations/group?theme=Financement&actor=government"
    first = client.get(base).get_data(as_text=True)
    assert texts(first) == ["Proposition numéro 6", "Proposition numéro 5", "Proposition numéro 4"]
    assert "Page 1 of 3" in first and "7 recommendations" in first
    last = client.get(base + "&page=3").get_data(as_text=True)
    assert texts(last) == ["Proposition numéro 0"] and '<ol class="rec-list rec-compact" start="7">' in last
    for missing in (base + "&page=4", base + "&page=0", "/recommendations/group?theme=Financement&actor=x"):
        assert client.get(missing).status_code == 404
    assert client.get("/recommendations/group?theme=Autre&actor=government").status_code == 404


def counted(forum) -> dict[int, int]:
    """{recommendation id: support_count} of the forum's supported recommendations, read from the rows."""
    rows = _db.session.execute(
        sa.select(Recommendation.id, Recommendation.support_count).where(
            Recommendation.forum_id == forum.id, Recommendation.support_count != 0
        )
    )
    return dict(rows.tuples().all())


def test_each_recommendations_count_of_supports_follows_every_change_of_its_supports(
    db, workshop_setup, make_registration
):
    forum, _rapporteur, organiser, workshop = workshop_setup
    government = TargetActor.government
    first, second, third = (
        services.add_recommendation(workshop, text=text, theme="T", target_actor=government, actor=organiser)
        for text in ("Un fonds régional", "Une plateforme de financement", "Des formations")
    )
    people = [make_registration(forum) for _ in range(4)]
    for person in people[:3]:
        services.endorse(first, person)
    for person in people[2:]:
        services.endorse(second, person)
    services.endorse(third, people[0])
    db.session.commit()
    assert counted(forum) == services.support_counts([forum.id]) == {first.id: 3, second.id: 2, third.id: 1}
    services.withdraw(first, people[0])
    db.session.commit()
    assert counted(forum) == services.support_counts([forum.id])
    services.merge([second], first, actor=organiser)  # people[3] carried over, people[2] counted once
    db.session.commit()
    assert counted(forum) == services.support_counts([forum.id])
    db.session.delete(people[2])  # a participant's data erased, with their supports
    db.session.commit()
    assert counted(forum) == services.support_counts([forum.id])
    services.accept(first, actor=organiser)
    db.session.commit()
    assert services.national_compilation().supports == services.accepted_support_counts([forum.id])[first.id]


def test_the_triggers_that_count_the_supports_are_in_place(db):
    """A migration that rebuilds `endorsement` on SQLite (batch mode) drops them: it must add them back."""
    if db.engine.dialect.name == "sqlite":
        expected = {f"endorsement_support_count_{event}" for event in ("insert", "delete", "update")}
    else:
        expected = {"endorsement_support_count"}
    assert expected <= triggers_on(db, "endorsement")
