"""Suggestions stay cheap: scoring on precomputed bit masks gives `match`'s figures, and the partners
page runs four statements (forum, registration, its facts, its requests) whatever the number of profiles,
requests and meetings, while its cards still show each profile as last edited."""

from __future__ import annotations

import random
import re

from forum.partnerships import services
from forum.partnerships.models import Outcome
from forum.partnerships.services import matching
from forum.partnerships.vocabulary import Support
from forum.registration.models import Category


def test_scores_on_bit_masks_equal_the_set_match():
    rng = random.Random(15)
    supports = [s.value for s in Support]
    themes, provinces = ["water", "youth", "oases", "crafts"], ["errachidia", "midelt", "tinghir", "zagora"]
    facts = [
        matching.Facts(
            n,
            100 + n,
            frozenset(rng.sample(supports, rng.randint(0, 4))),
            frozenset(rng.sample(supports, rng.randint(0, 3))),
            frozenset(rng.sample(themes, rng.randint(0, 2))),
            frozenset(rng.sample(provinces, rng.randint(0, 2))),
            rng.choice(list(Category)),
        )  # fmt: skip
        for n in range(60)
    ]
    listed = matching._listed(facts[:50])  # the last ten are not listed: their own themes may be unknown
    outsider = matching.Facts(
        999, 999, frozenset({"funding"}), frozenset({"skills"}), frozenset({"unheard"}), frozenset(), Category.donor
    )
    pairs = [(a, b) for a in facts + [outsider] for b in facts[:50]]
    assert all(matching._points(listed.vector(a), listed.vector(b)) == matching.match(a, b)[0] for a, b in pairs)
    assert sum(matching.match(a, b)[0] > 0 for a, b in pairs) > 500  # the comparison is not vacuous


def _hub(client, profile) -> str:
    return client.get(f"/f/{profile.registration.forum.slug}/me/{profile.registration.access_key}/partners/").get_data(
        as_text=True
    )


def test_the_partners_page_runs_a_fixed_number_of_queries(
    client, db, make_forum, make_partner, make_plan, agreed, count_queries
):
    forum = make_forum()
    slots = make_plan(forum, slots=8, tables=8)
    me = make_partner(forum, needs=("funding",), offers=("volunteers",))

    def grow(n: int, slot_from: int) -> None:
        for i in range(n):
            other = make_partner(forum, offers=("funding",), needs=("volunteers",), category=Category.donor)
            make_partner(forum, offers=("funding", "skills"), category=Category.private_sector)
            meeting = services.book(agreed(me, other), slots[slot_from + i], by=me.registration)
            db.session.commit()
            services.record_outcome(meeting, by=me.registration, outcome=Outcome.intended, now=meeting.slot.starts_at)
            db.session.commit()

    grow(1, 0)
    _hub(client, me)
    with count_queries() as small:
        html = _hub(client, me)
    assert len(re.findall(r'id="meeting-\d+"', html)) == 1
    grow(4, 1)
    _hub(client, me)
    with count_queries() as large:
        html = _hub(client, me)
    assert len(re.findall(r'id="meeting-\d+"', html)) == 5 and "which you need." in html
    assert large.count == small.count == 4, large.statements


def test_a_suggested_card_shows_the_profile_as_last_edited(client, db, make_forum, make_partner):
    forum = make_forum()
    me = make_partner(forum, needs=("funding",))
    bank = make_partner(forum, offers=("funding",), category=Category.private_sector, pitch={"en": "Loans for oases"})
    assert "Loans for oases" in _hub(client, me)
    assert "Loans for oases" in _hub(client, me)  # the card as kept
    edited = {"offers": ["funding"], "needs": [], "provinces": ["errachidia"], "pitch": {"en": "Grants for oases"}}
    services.save_profile(bank.registration, edited, consent=True)
    db.session.commit()
    html = _hub(client, me)
    assert "Grants for oases" in html and "Loans for oases" not in html
    bank.registration.name_latin = "Atlas Grants"
    db.session.commit()
    assert "Atlas Grants" in _hub(client, me)
