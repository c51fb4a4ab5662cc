"""Suggestions: ranked by complementarity, with reasons in words, without people already asked."""

from __future__ import annotations

from forum.partnerships import services
from forum.registration.models import Category


def test_suggestions_rank_by_complementarity_with_reasons(db, make_forum, make_partner):
    forum = make_forum()
    me = make_partner(forum, offers=("volunteers",), needs=("skills", "funding"))
    bank = make_partner(forum, offers=("funding", "skills"), needs=("volunteers",), category=Category.private_sector)
    trainer = make_partner(forum, offers=("training",), category=Category.expert)
    cousin = make_partner(forum, offers=("skills",), needs=("premises",))
    found = services.suggestions(me)
    assert [s.card.id for s in found] == [bank.id, cousin.id]  # the trainer offers nothing I need
    assert trainer.id not in [s.card.id for s in found]
    reasons = found[0].reasons
    assert reasons[0] == "Offers Funding and Skills-based sponsorship, which you need."
    assert reasons[1] == "Needs Volunteers, which you offer."
    assert "Active in Errachidia, where you are too." in reasons
    assert "A meeting between Association and Private company." in reasons
    assert services.suggestions(me) == found  # deterministic


def test_people_asked_or_declined_drop_out(db, make_forum, make_partner):
    forum = make_forum()
    me = make_partner(forum, needs=("funding",))
    donor = make_partner(forum, offers=("funding",), category=Category.donor)
    bank = make_partner(forum, offers=("funding",), category=Category.private_sector)
    request = services.request_meeting(me.registration, donor, message="Hello")
    assert [s.card.id for s in services.suggestions(me)] == [bank.id]
    services.decline(request, by=donor.registration, reason="Not this year")
    assert [s.card.id for s in services.suggestions(me)] == [bank.id]
    services.request_meeting(bank.registration, me, message="Shall we meet?")
    assert services.suggestions(me) == []
