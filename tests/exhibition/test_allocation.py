"""The automatic allocation: optimal (checked against brute force), priorities, ranks, needs, zones."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from forum.exhibition import allocation, services
from forum.exhibition.allocation import Request
from forum.exhibition.models import ExhibitorTier


def brute_force(requests: list[Request], booths: list[int]) -> int:
    """The best objective over every way of giving each request one of its booths or none."""
    best = 0

    def search(i: int, used: frozenset, total: int) -> None:
        nonlocal best
        if i == len(requests):
            best = max(best, total)
            return
        search(i + 1, used, total)
        for booth, rank in requests[i].choices.items():
            if booth in booths and booth not in used:
                search(i + 1, used | {booth}, total + allocation.pair_gain(requests[i], rank, len(requests)))

    search(0, frozenset(), 0)
    return best


def random_instance(rng: random.Random) -> tuple[list[Request], list[int]]:
    booths = list(range(100, 100 + rng.randint(1, 6)))
    requests = []
    for key in range(rng.randint(1, 7)):
        picked = rng.sample(booths + [999], k=min(len(booths) + 1, rng.randint(1, 3)))  # 999: not offered
        choices = {booth: rank for rank, booth in enumerate(picked, start=1)}
        requests.append(Request(key=key, priority=rng.randint(0, 2), order=key, choices=choices))
    rng.shuffle(requests)
    return requests, booths


def test_allocation_is_optimal_against_brute_force_on_random_instances():
    for seed in range(400):
        rng = random.Random(seed)
        requests, booths = random_instance(rng)
        result = allocation.allocate(requests, booths)
        by_key = {r.key: r for r in requests}
        # Feasible: each booth once, only offered and chosen booths, at the rank they were chosen.
        given = [booth for booth, _rank in result.values()]
        assert len(given) == len(set(given)) and set(given) <= set(booths), seed
        assert all(by_key[key].choices[booth] == rank for key, (booth, rank) in result.items()), seed
        assert allocation.total_gain(requests, result) == brute_force(requests, booths), seed


def test_priority_outweighs_a_better_rank_and_time_breaks_ties():
    sponsor = Request(key=1, priority=2, order=5, choices={10: 3})
    standard = Request(key=2, priority=0, order=0, choices={10: 1})
    assert allocation.allocate([standard, sponsor], [10]) == {1: (10, 3)}
    early = Request(key=3, priority=0, order=0, choices={10: 1})
    late = Request(key=4, priority=0, order=1, choices={10: 1})
    assert allocation.allocate([late, early], [10]) == {3: (10, 1)}


def test_first_choices_are_preferred_when_everyone_can_be_served():
    a = Request(key=1, priority=0, order=0, choices={10: 2, 11: 1})
    b = Request(key=2, priority=0, order=1, choices={10: 1, 11: 2})
    assert allocation.allocate([a, b], [10, 11]) == {1: (11, 1), 2: (10, 1)}


def test_more_applicants_served_beats_one_better_rank():
    # Giving A its first choice would leave B with nothing; the optimum serves both.
    a = Request(key=1, priority=0, order=0, choices={10: 1, 11: 2})
    b = Request(key=2, priority=0, order=1, choices={10: 1})
    assert allocation.allocate([a, b], [10, 11]) == {1: (11, 2), 2: (10, 1)}


def test_service_expands_zones_respects_needs_and_keeps_hand_assignments(
    organiser, make_booths, make_exhibitor, apply, db
):
    forum, user = organiser
    booths = make_booths(forum, user, "A1", "A2", zone="A", power=False)
    booths |= make_booths(forum, user, "B1", "B2", zone="B", power=True)
    zone_b = booths["B1"].zone
    t0 = datetime(2026, 1, 10, 9, tzinfo=UTC)
    needs_power = make_exhibitor(forum, "Needs Power")
    sponsor = make_exhibitor(forum, "Sponsor", tier=ExhibitorTier.sponsor)
    early = make_exhibitor(forum, "Early Bird")
    late = make_exhibitor(forum, "Late Comer")
    by_hand = make_exhibitor(forum, "By Hand")
    apply(needs_power, booths["A1"], zone_b, power=True, now=t0)  # A1 has no power: only zone B fits
    apply(sponsor, booths["B1"], now=t0 + timedelta(hours=5))
    apply(early, booths["A2"], now=t0 + timedelta(hours=1))
    apply(late, booths["A2"], now=t0 + timedelta(hours=2))
    apply(by_hand, booths["A1"], now=t0 + timedelta(hours=3))
    services.assign(booths["A1"], by_hand, actor=user)
    db.session.commit()

    result = services.run_allocation(forum, actor=user)
    db.session.commit()
    assert result == {
        needs_power.id: (booths["B2"].id, 2),
        sponsor.id: (booths["B1"].id, 1),
        early.id: (booths["A2"].id, 1),
    }
    rows = {row.exhibitor.name: row for row in services.proposal(forum)}
    assert rows["Late Comer"].assignment is None and rows["Late Comer"].reason == "taken"
    assert rows["By Hand"].assignment.booth.code == "A1" and not rows["By Hand"].assignment.is_automatic
    assert rows["Needs Power"].assignment.choice_rank == 2

    # Running it again replaces the unpublished proposal, with the same answer.
    again = services.run_allocation(forum, actor=user)
    db.session.commit()
    assert again == result


def test_an_application_whose_choices_never_fit_is_told_why(organiser, make_booths, make_exhibitor, apply, db):
    forum, user = organiser
    booths = make_booths(forum, user, "A1", power=False, area=9)
    big = make_exhibitor(forum, "Big Stand")
    apply(big, booths["A1"], area=20)
    assert services.run_allocation(forum, actor=user) == {}
    db.session.commit()
    [row] = services.proposal(forum)
    assert row.reason == "no_fit"


def test_publishing_mails_every_applicant_and_shows_the_booth(
    app, organiser, make_booths, make_exhibitor, apply, mailbox, db, client
):
    forum, user = organiser
    booths = make_booths(forum, user, "A1")
    winner, loser = make_exhibitor(forum, "Winner Co"), make_exhibitor(forum, "Loser Co")
    apply(winner, booths["A1"], now=datetime(2026, 1, 1, tzinfo=UTC))
    apply(loser, booths["A1"], now=datetime(2026, 1, 2, tzinfo=UTC))
    services.run_allocation(forum, actor=user)
    db.session.commit()
    html = client.get(f"/f/{forum.slug}/exhibition/").get_data(as_text=True)
    assert 'data-status="free"' in html and 'data-status="offered"' not in html  # proposals stay private
    assert services.publish_allocation(forum, actor=user) == 1
    db.session.commit()
    messages = mailbox.wait_for(4)  # contact + staff of each
    winner_mail = [m for m in messages if m["To"] == winner.contact_email][0]
    assert "A1" in winner_mail.get_body(preferencelist=("plain",)).get_content()
    loser_text = [m for m in messages if m["To"] == loser.contact_email][0].get_body(("plain",)).get_content()
    assert "Loser Co" in loser_text and "A1" not in loser_text
    html = client.get(f"/f/{forum.slug}/exhibition/").get_data(as_text=True)
    assert 'data-booth="A1" data-status="assigned"' in html
