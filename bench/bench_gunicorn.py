"""Benchmark of gunicorn configurations, to choose the README's by measurement: each candidate serves
the same database, and they are measured in turn (A B C … A B C …) with the same two loads, check-in
(8 desks back to back) and sign-ups (8 clients through the real form). Prints each candidate's figures
and its ratio to the README's configuration (4 workers × 2 threads).
"""

from __future__ import annotations

import sys

from bench_checkin import build, scanner
from bench_registration import make_forum, registrar
from harness import Deployment, closed_loop, in_turn, report

NAME = "gunicorn"
#: (workers, threads): the README's first, then the candidates
CANDIDATES = [(4, 2), (2, 1), (4, 1), (2, 2), (3, 1)]
ROUNDS, SCANS, SIGNUPS = 2, 500, 200


def label(workers: int, threads: int) -> str:
    return f"w{workers}t{threads}"


def main() -> int:
    readme = label(*CANDIDATES[0])
    with Deployment(workers=CANDIDATES[0][0], threads=CANDIDATES[0][1]) as dep:
        slug, token, codes = build(dep)
        with dep.app.app_context():
            make_forum("bench-gunicorn", 100_000)
        urls = {readme: dep.url}
        for workers, threads in CANDIDATES[1:]:
            urls[label(workers, threads)] = dep.serve(workers=workers, threads=threads)
        order = list(urls)

        def scans(name: str):
            def run(n: int):
                offset = (n * len(order) + order.index(name)) * SCANS
                return closed_loop(urls[name], clients=8, total=SCANS, request=scanner(slug, token, codes, offset))

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
            ("checkin", checkin[name].throughput, "scans/s", checkin[readme].throughput),
            ("signup", signup[name].throughput, "registrations/s", signup[readme].throughput),
            ("signup_p95", signup[name].percentile(95), "ms", signup[readme].percentile(95)),
        ):
            report(NAME, f"{name}_{figure}", value, unit, budget="-", ok=True)
            report(NAME, f"{name}_{figure}_vs_{readme}", value / base, "ratio", budget="-", ok=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
