"""The automatic meeting schedule as an integer programme, solved by scipy's `milp` (HiGHS).

A variable says "request r meets in slot s at a table" and, when one party's organisation has its booth
among the meeting places, another says "... at that booth". Constraints:

- a request is placed at most once;
- a person is in at most one meeting per slot (and in none where a session or an earlier meeting holds them);
- a person on duty at their booth in a slot meets there only (no variable puts them elsewhere then);
- a slot holds at most as many table meetings as it has free tables, and a booth one meeting per slot;
- a person gets at most the meetings the organisers allow, minus those they already have.

Placed meetings come first, priorities decide between schedules that place as many:

    weight(r) = (3 n + 1) + priority(r)        priority in 0..3, n requests

so one more meeting always outweighs any sum of priorities. Weights are integers far below 2**53, so the
solver compares them exactly. The answer carries the solver's bound on the objective, from which the
bound on the number of meetings follows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array


@dataclass(frozen=True)
class Ask:
    """An accepted request to place: its two people, its priority, the booths it may use."""

    id: int
    people: tuple[int, int]
    priority: int = 0
    booths: tuple[int, ...] = ()


@dataclass
class Problem:
    asks: list[Ask]
    slots: list[int]
    #: free tables per slot (tables less those already taken by booked meetings)
    tables: Mapping[int, int]
    #: (booth place, slot) pairs already taken
    booths_taken: set[tuple[int, int]] = field(default_factory=set)
    #: (person, slot) pairs in which the person is not free
    busy: set[tuple[int, int]] = field(default_factory=set)
    #: meetings each person may still have (absent: no limit)
    remaining: Mapping[int, int] = field(default_factory=dict)
    #: (person, slot) -> the booth place they keep then (None: their booth is not a meeting place)
    duty: Mapping[tuple[int, int], int | None] = field(default_factory=dict)


@dataclass
class Solution:
    #: request id -> (slot, booth place or None for a table)
    placed: dict[int, tuple[int, int | None]]
    #: the solver's upper bound on the number of meetings that can be placed
    bound: int


def weight(ask: Ask, n: int) -> int:
    """What placing this request is worth (one more meeting outweighs all priorities)."""
    return 3 * n + 1 + ask.priority


def on_duty_allows(problem: Problem, ask: Ask, slot: int, booth: int | None) -> bool:
    """Whoever of the two keeps a booth in this slot would meet at that very booth (a table is None)."""
    return all(
        (p, slot) not in problem.duty or (booth is not None and problem.duty[p, slot] == booth) for p in ask.people
    )


def candidates(problem: Problem) -> list[tuple[int, int, int | None]]:
    """Every (request index, slot, booth or None) a variable stands for."""
    found = []
    for i, ask in enumerate(problem.asks):
        if any(problem.remaining.get(p, 1) <= 0 for p in ask.people):
            continue
        for slot in problem.slots:
            if any((p, slot) in problem.busy for p in ask.people):
                continue
            if problem.tables.get(slot, 0) > 0 and on_duty_allows(problem, ask, slot, None):
                found.append((i, slot, None))
            found.extend(
                (i, slot, b)
                for b in ask.booths
                if (b, slot) not in problem.booths_taken and on_duty_allows(problem, ask, slot, b)
            )
    return found


def solve(problem: Problem, *, time_limit: float = 30.0) -> Solution:
    """The schedule that places the most requests (then the most important ones)."""
    variables = candidates(problem)
    if not variables:
        return Solution({}, 0)
    n = len(problem.asks)
    rows: dict[tuple, int] = {}
    entries: list[tuple[int, int]] = []
    upper: list[float] = []

    def add(key: tuple, column: int, bound: float) -> None:
        if key not in rows:
            rows[key] = len(upper)
            upper.append(bound)
        entries.append((rows[key], column))

    for column, (i, slot, booth) in enumerate(variables):
        ask = problem.asks[i]
        add(("ask", i), column, 1)
        for person in ask.people:
            add(("person", person, slot), column, 1)
            if person in problem.remaining:
                add(("limit", person), column, problem.remaining[person])
        if booth is None:
            add(("tables", slot), column, problem.tables.get(slot, 0))
        else:
            add(("booth", booth, slot), column, 1)
    matrix = coo_array(
        (np.ones(len(entries)), ([r for r, _ in entries], [c for _, c in entries])),
        shape=(len(upper), len(variables)),
    ).tocsr()
    gains = np.array([weight(problem.asks[i], n) for i, _, _ in variables], dtype=float)
    result = milp(
        -gains,
        constraints=LinearConstraint(matrix, -np.inf, np.array(upper)),
        integrality=np.ones(len(variables)),
        bounds=Bounds(0, 1),
        # HiGHS's presolve took two thirds of the time on the benchmark's instance (800 people, 3,000
        # requests: 20 s of 28 s under load) and removes little here; the root LP is near-integral.
        options={"time_limit": time_limit, "presolve": False},
    )
    chosen = np.round(result.x).astype(int) if result.x is not None else np.zeros(len(variables), dtype=int)
    placed = {problem.asks[i].id: (slot, booth) for (i, slot, booth), x in zip(variables, chosen, strict=True) if x}
    dual = getattr(result, "mip_dual_bound", None)
    bound = len(placed) if dual is None or not np.isfinite(dual) else int(-dual // (3 * n + 1))
    return Solution(placed, max(bound, len(placed)))


def why_not(problem: Problem, solution: Solution) -> dict[int, tuple[str, int | None]]:
    """For each request left out: ("limit" | "no_common_slot" | "on_duty" | "no_place", the person concerned)."""
    counts: dict[int, int] = defaultdict(int)
    for ask in problem.asks:
        if ask.id in solution.placed:
            for person in ask.people:
                counts[person] += 1
    reasons: dict[int, tuple[str, int | None]] = {}
    for ask in problem.asks:
        if ask.id in solution.placed:
            continue
        full = [p for p in ask.people if p in problem.remaining and counts[p] >= problem.remaining[p]]
        common = [s for s in problem.slots if all((p, s) not in problem.busy for p in ask.people)]
        if full:
            reasons[ask.id] = ("limit", full[0])
        elif not common:
            reasons[ask.id] = ("no_common_slot", None)
        elif not any(on_duty_allows(problem, ask, s, b) for s in common for b in (None, *ask.booths)):
            keeper = next(p for s in common for p in ask.people if (p, s) in problem.duty)
            reasons[ask.id] = ("on_duty", keeper)
        else:
            reasons[ask.id] = ("no_place", None)
    return reasons
