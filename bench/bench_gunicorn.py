"""Benchmark of gunicorn configurations, to choose the recommended one by measurement: each candidate
serves the same database, and they are measured in turn (A B C … A B C …) with the same two loads,
check-in (8 desks back to back) and sign-ups (8 clients through the real form).

The candidates, for the N cores the bench may use: gunicorn.conf.py's choice (the recommended one), N
sync workers, N + 1 sync workers, N workers x 2 threads and 2N workers x 2 threads. Prints each one's
figures and their ratios to the recommended one, and which is best on each load; the recommended must
stay within 10 % of the best candidate's capacity on both.
"""

from __future__ import annotations

import os
import sys

from bench_checkin import build, scanner
from bench_registration import make_forum, registrar
from harness import GUNICORN, Deployment, closed_loop, in_turn, report

NAME = "gunicorn"
CORES = len(os.sched_getaffinity(0))
#: (workers, threads): the recommended first, then the candidates
CANDIDATES = list(
    dict.fromkeys([(GUNICORN["workers"], GUNICORN["threads"]), (CORES, 1), (CORES + 1, 1), (CORES, 2), (2 * CORES, 2)])
)
ROUNDS, SCANS, SIGNUPS = 2, 500, 200
#: the recommended configuration's capacity, at least this share of the best candidate's
WITHIN = 0.9


def label(workers: int, threads: int) -> str:
    return f"w{workers}t{threads}"


def main() -> int:
    recommended = label(*CANDIDATES[0])
    with Deployment() as dep:
        slug, tokens, codes = build(dep)
        with dep.app.app_context():
            make_forum("bench-gunicorn", 100_000)
        urls = {recommended: dep.url}
        for workers, threads in CANDIDATES[1:]:
            urls[label(workers, threads)] = dep.serve(workers=workers, threads=threads)
        order = list(urls)

        def scans(name: str):
            def run(n: int):
                offset = (n * len(order) + order.index(name)) * SCANS
                return closed_loop(urls[name], clients=8, total=SCANS, request=scanner(slug, tokens, codes, offset))

            return run

        def signups(name: str):
            def run(n: int):
                request = registrar("bench-gunicorn", f"{name}{n}")
                return closed_loop(urls[name], clients=8, total=SIGNUPS, request=request)

            return run

        checkin = in_turn(ROUNDS, **{name: scans(name) for name in order})
        signup = in_turn(ROUNDS, **{name: signups(name) for name in order})
    ok = True
    for name in order:
        errors = checkin[name].errors + signup[name].errors
        ok &= report(NAME, f"{name}_errors", errors, "errors", budget=0, ok=errors == 0)
        for figure, value, unit, base in (
            ("checkin", checkin[name].throughput, "scans/s", checkin[recommended].throughput),
            ("signup", signup[name].throughput, "registrations/s", signup[recommended].throughput),
            ("signup_p95", signup[name].percentile(95), "ms", signup[recommended].percentile(95)),
        ):
            report(NAME, f"{name}_{figure}", value, unit, budget="-", ok=True)
            if name != recommended:
                report(NAME, f"{name}_{figure}_vs_{recommended}", value / base, "ratio", budget="-", ok=True)
    for figure, results in (("checkin", checkin), ("signup", signup)):
        best = max(order, key=lambda name: results[name].throughput)
        ratio = results[recommended].throughput / results[best].throughput
        print(f"# best {figure} capacity: {best}", flush=True)
        ok &= report(NAME, f"{recommended}_{figure}_vs_best", ratio, "ratio", budget=f">={WITHIN}", ok=ratio >= WITHIN)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
