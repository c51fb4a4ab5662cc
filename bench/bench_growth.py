"""Benchmark of costs that must stay flat as a forum grows: the same requests against a small forum and
a large one, served by the same gunicorn on the same PostgreSQL database, taken in turn (A B A B) so
that whatever else the machine does falls on both alike. Prints each size's p50 and their ratio.

signup: the real form (GET for the CSRF token, then POST) into a forum holding 1,000 registrations and
        one holding 50,000 (BENCH_GROWTH_LARGE to change it); budget: ratio of p50s <= 1.3.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import UTC, datetime

import sqlalchemy as sa
from bench_registration import make_forum, registrar
from harness import Deployment, closed_loop, report

NAME = "growth"
SMALL = 1_000
LARGE = int(os.environ.get("BENCH_GROWTH_LARGE", "50000"))
ROUNDS, PER_ROUND = 6, 25


def fill(slug: str, count: int, status_of=None) -> None:
    """`count` registrations at the forum, in bulk (the triggers count their places): confirmed, or
    the status `status_of(n)` gives the n-th."""
    from forum.events.models import Forum
    from forum.extensions import db
    from forum.registration.models import Area, Category, Gender, Registration, RegistrationStatus

    status_of = status_of or (lambda _n: RegistrationStatus.confirmed)

    forum_id = db.session.scalar(sa.select(Forum.id).where(Forum.slug == slug))
    now = datetime.now(UTC)
    # committed by the thousand: each row's trigger adds its place to the forum row, and PostgreSQL
    # walks that row's versions made by the open transaction on each update (quadratic in one go)
    for start in range(0, count, 1_000):
        db.session.execute(
            sa.insert(Registration),
            [
                dict(
                    forum_id=forum_id,
                    name_latin=f"Participant {n}",
                    email=f"p{n}@{slug}.bench.ma",
                    category=Category.association,
                    gender=Gender.female if n % 2 else Gender.male,
                    province="errachidia",
                    area=Area.rural if n % 3 else Area.urban,
                    status=status_of(n),
                    consent_at=now,
                    created_at=now,
                    updated_at=now,
                    access_key=f"k{n}-{slug}",
                    badge_secret=f"s{n}-{slug}",
                )
                for n in range(start, min(count, start + 1_000))
            ],
        )
        db.session.commit()
    db.session.execute(sa.text("ANALYZE registration"))
    db.session.commit()


def main() -> int:
    run = secrets.token_hex(3)
    ok = True
    with Deployment(workers=4) as dep:
        with dep.app.app_context():
            for slug, count in (("bench-small", SMALL), ("bench-large", LARGE)):
                make_forum(slug, 100_000 + LARGE)
                fill(slug, count)
        latencies: dict[str, list[float]] = {"bench-small": [], "bench-large": []}
        for n in range(ROUNDS):
            for slug in latencies:
                result = closed_loop(dep.url, clients=1, total=PER_ROUND, request=registrar(slug, f"{run}-{slug}-{n}"))
                if result.errors:
                    print(f"# {slug}: {result.error_samples}", file=sys.stderr)
                ok &= result.errors == 0
                latencies[slug] += result.latencies_ms
        p50 = {slug: sorted(values)[len(values) // 2] for slug, values in latencies.items()}
        report(NAME, f"signup_p50_{SMALL}", p50["bench-small"], "ms", budget="-", ok=True)
        report(NAME, f"signup_p50_{LARGE}", p50["bench-large"], "ms", budget="-", ok=True)
        ratio = p50["bench-large"] / p50["bench-small"]
        ok &= report(NAME, "signup_p50", ratio, "ratio", budget=1.3, ok=ratio <= 1.3)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
