"""The automatic schedule against exhaustive search on small random instances, and checked on a large one,
with people busy in sessions and exhibitor staff on duty at their booths."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from forum.partnerships.schedule import Ask, Problem, solve, weight, why_not


def random_problem(rng: random.Random, *, people: int, asks: int, slots: int, tables: int, booths: int = 0) -> Problem:
    pairs = rng.sample(list(itertools.combinations(range(people), 2)), asks)
    slot_ids = list(range(100, 100 + slots))
    booth_ids = list(range(500, 500 + booths))
    made = [
        Ask(
            n,
            pair,
            priority=rng.choice((0, 0, 1, 3)),
            booths=tuple(rng.sample(booth_ids, min(len(booth_ids), rng.choice((0, 1))))),
        )
        for n, pair in enumerate(pairs)
    ]
    busy = {(p, s) for p in range(people) for s in slot_ids if rng.random() < 0.2}
    remaining = {p: rng.choice((1, 2, 3)) for p in range(people) if rng.random() < 0.5}
    # some people keep a booth in some slots: one of the booths, or one that is not a meeting place (None)
    keepers = rng.sample(range(people), max(1, people // 4))
    duty = {(p, s): rng.choice([*booth_ids, None]) for p in keepers for s in slot_ids if rng.random() < 0.6}
    tables_free = {s: rng.choice((0, tables, tables)) for s in slot_ids}
    return Problem(made, slot_ids, tables_free, set(), busy, remaining, duty)


def kept_away(problem: Problem, people: tuple[int, int], slot: int, booth: int | None) -> bool:
    """Someone of the two is on duty at a booth in the slot, and the meeting would be elsewhere."""
    for p in people:
        if (p, slot) in problem.duty and (problem.duty[p, slot] is None or problem.duty[p, slot] != booth):
            return True
    return False


def options(problem: Problem, ask: Ask) -> list:
    found = [None]
    for s in problem.slots:
        if all((p, s) not in problem.busy for p in ask.people):
            if problem.tables[s]:
                found.append((s, None))
            found.extend((s, b) for b in ask.booths)
    return [w for w in found if w is None or not kept_away(problem, ask.people, *w)]


def feasible(problem: Problem, choice: dict) -> bool:
    people, tables, booths, counts = Counter(), Counter(), Counter(), Counter()
    for ask in problem.asks:
        where = choice.get(ask.id)
        if where is None:
            continue
        slot, booth = where
        if kept_away(problem, ask.people, slot, booth) or any((p, slot) in problem.busy for p in ask.people):
            return False
        for p in ask.people:
            people[p, slot] += 1
            counts[p] += 1
        if booth is None:
            tables[slot] += 1
        else:
            booths[booth, slot] += 1
    return (
        all(v <= 1 for v in people.values())
        and all(v <= problem.tables[s] for s, v in tables.items())
        and all(v <= 1 for v in booths.values())
        and all(counts[p] <= limit for p, limit in problem.remaining.items())
    )


def best_by_search(problem: Problem) -> int:
    n, best = len(problem.asks), 0
    for combo in itertools.product(*(options(problem, a) for a in problem.asks)):
        choice = {a.id: w for a, w in zip(problem.asks, combo, strict=True)}
        if feasible(problem, choice):
            best = max(best, sum(weight(a, n) for a in problem.asks if choice[a.id] is not None))
    return best


@pytest.mark.parametrize("seed", range(16))
def test_the_schedule_is_as_good_as_exhaustive_search(seed):
    rng = random.Random(seed)
    problem = random_problem(rng, people=5, asks=6, slots=2, tables=1, booths=(0, 1, 1, 2)[seed % 4])
    solution = solve(problem)
    assert feasible(problem, solution.placed)
    n = len(problem.asks)
    value = sum(weight(a, n) for a in problem.asks if a.id in solution.placed)
    assert value == best_by_search(problem)
    assert solution.bound >= len(solution.placed)
    assert set(why_not(problem, solution)) == {a.id for a in problem.asks} - set(solution.placed)


def test_a_large_schedule_never_puts_a_person_or_a_place_twice_in_a_slot():
    rng = random.Random(7)
    problem = random_problem(rng, people=120, asks=400, slots=8, tables=15, booths=6)
    assert len(problem.duty) > 100
    solution = solve(problem)
    assert feasible(problem, solution.placed)  # nobody on duty is placed away from their booth either
    assert len(solution.placed) >= 0.99 * solution.bound
    asks = {a.id: a for a in problem.asks}
    assert all(where[1] is None or where[1] in asks[a].booths for a, where in solution.placed.items())


def test_why_a_request_is_left_out():
    problem = Problem(
        [Ask(1, (1, 2)), Ask(2, (1, 3)), Ask(3, (4, 5)), Ask(4, (6, 7))],
        [10, 11],
        {10: 2, 11: 2},
        busy={(4, 10), (4, 11)},
        remaining={1: 1},
    )
    solution = solve(problem)
    reasons = why_not(problem, solution)
    assert len(solution.placed) == 2 and 4 in solution.placed
    assert reasons[3] == ("no_common_slot", None)
    left = {1, 2} - set(solution.placed)
    assert reasons[left.pop()] == ("limit", 1)


def test_a_person_on_booth_duty_meets_at_their_booth_only():
    problem = Problem(
        [Ask(1, (1, 2), booths=(50,)), Ask(2, (3, 4)), Ask(3, (5, 6), booths=(51,))],
        [10, 11],
        {10: 2, 11: 2},
        # 1 keeps booth 50 in both slots; 3 keeps a booth that is no meeting place; 5 keeps booth 52
        duty={(1, 10): 50, (1, 11): 50, (3, 10): None, (3, 11): None, (5, 10): 52, (5, 11): 52},
    )
    solution = solve(problem)
    assert solution.placed[1][1] == 50
    assert set(solution.placed) == {1} and solution.bound == 1
    reasons = why_not(problem, solution)
    assert reasons == {2: ("on_duty", 3), 3: ("on_duty", 5)}


def test_the_organisers_run_review_and_publish_a_schedule(as_role, client, db, make_partner, make_plan, agreed):
    from forum.partnerships import services
    from forum.registration.models import Category

    _, forum, _ = as_role("organiser")
    slots = make_plan(forum, slots=2, tables=1)
    company = make_partner(forum, offers=("funding",), category=Category.private_sector)
    first, second, third = (make_partner(forum, needs=("funding",), organisation=f"Oasis {n}") for n in range(3))
    for association in (first, second, third):
        agreed(association, company)
    services.book(agreed(first, second), slots[0], by=first.registration)  # already booked by hand
    db.session.commit()
    base = f"/f/{forum.slug}/manage/meetings/schedule"
    page = client.post(base, data={"favour_sectors": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "The schedule places 1 meeting: review it, then publish." in page
    assert page.count("has all the meetings allowed") == 0
    assert "Every slot free for both is full" in page
    proposal = services.proposal_of(forum)
    ((request, slot, place),) = proposal.placed
    assert slot == slots[1] and request.recipient_id == company.registration_id
    assert len(proposal.unplaced) == 2 and proposal.schedule.bound == 1
    client.post(f"{base}/publish", data={"keep": [str(request.id)]})
    assert [m.request for m in services.meetings_of(company.registration)] == [request]
