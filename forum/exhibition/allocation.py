"""Automatic booth allocation as an assignment problem, solved by scipy's linear_sum_assignment.

Each application may receive at most one booth among its (fitting) choices. The value of giving
application i the booth it ranked r is

    value(i, r) = 10 + 10 * priority_i + (4 - r)        (11..13 standard, 21..23 partner, 31..33 sponsor)

so a higher tier always outweighs a better rank for one pair, and any satisfied application is worth
more than none. Ties between allocations of equal total value go to earlier applications:

    gain(i, r) = value(i, r) * T + (n - order_i)        with T = n (n + 1) / 2 + 1

T exceeds any possible sum of time bonuses, so the time bonus only decides among allocations whose total
value is equal. The matrix has one "no booth" column per application (gain 0) so the problem is always
feasible; pairs that are not among an application's fitting choices are forbidden.
All gains are integers far below 2**53, so the floating-point solver compares them exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

RANKS = (1, 2, 3)


@dataclass(frozen=True)
class Request:
    """One application as the solver sees it."""

    key: int
    #: 0 standard, higher is served first
    priority: int
    #: 0 for the earliest application
    order: int
    #: booth key -> best rank under which the application chose it (only booths that fit its needs)
    choices: Mapping[int, int]


def pair_value(priority: int, rank: int) -> int:
    return 10 + 10 * priority + (4 - rank)


def pair_gain(request: Request, rank: int, n: int) -> int:
    """The objective's weight for giving `request` a booth it ranked `rank`, among `n` applications."""
    return pair_value(request.priority, rank) * (n * (n + 1) // 2 + 1) + (n - request.order)


def allocate(requests: list[Request], booths: Iterable[int]) -> dict[int, tuple[int, int]]:
    """The optimal allocation: {request key: (booth key, rank)} for the requests that get a booth."""
    booth_keys = list(dict.fromkeys(booths))
    n, m = len(requests), len(booth_keys)
    if n == 0 or m == 0:
        return {}
    column = {key: j for j, key in enumerate(booth_keys)}
    # Worse than leaving every application without a booth, yet small enough to keep the sums exact.
    forbidden = -float(n * pair_gain(Request(0, max(r.priority for r in requests), 0, {}), 1, n) + 1)
    gain = np.full((n, m + n), forbidden)
    gain[:, m:] = 0.0  # the "no booth" columns
    for i, request in enumerate(requests):
        for booth, rank in request.choices.items():
            if booth in column:
                gain[i, column[booth]] = pair_gain(request, rank, n)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    result: dict[int, tuple[int, int]] = {}
    for i, j in zip(rows, cols, strict=True):
        if j < m and gain[i, j] > 0:
            request = requests[i]
            result[request.key] = (booth_keys[j], request.choices[booth_keys[j]])
    return result


def total_gain(requests: list[Request], allocation: Mapping[int, tuple[int, int]]) -> int:
    """The objective value of an allocation (used to compare solutions)."""
    by_key = {r.key: r for r in requests}
    return sum(pair_gain(by_key[key], rank, len(requests)) for key, (_booth, rank) in allocation.items())
