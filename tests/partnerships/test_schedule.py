"""The automatic schedule against exhaustive search on small random instances, and checked on a large one."""

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
    return Problem(made, slot_ids, {s: rng.choice((0, tables, tables)) for s in slot_ids}, set(), busy, remaining)


def options(problem: Problem, ask: Ask) -> list:
    found = [None]
    for s in problem.slots:
        if all((p, s) not in problem.busy for p in ask.people):
            if problem.tables[s]:
                found.append((s, None))
            found.extend((s, b) for b in ask.booths)
    return found


def feasible(problem: Problem, choice: dict) -> bool:
    people, tables, booths, counts = Counter(), Counter(), Counter(), Counter()
    for ask in problem.asks:
        where = choice.get(ask.id)
        if where is None:
            continue
        slot, booth = where
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


@pytest.mark.parametrize("seed", range(12))
def test_the_schedule_is_as_good_as_exhaustive_search(seed):
    rng = random.Random(seed)
    problem = random_problem(rng, people=5, asks=6, slots=2, tables=1, booths=1 if seed % 2 else 0)
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
    solution = solve(problem)
    assert feasible(problem, solution.placed)
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
