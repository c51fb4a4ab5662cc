"""Benchmark of costs that must stay flat as a forum grows: the same requests against a small forum and
a large one, served by the same gunicorn on the same PostgreSQL database, taken in turn (A B A B) so
that whatever else the machine does falls on both alike. Prints each size's p50 and their ratio.

signup:  the real form (GET for the CSRF token, then POST) into a forum holding 1,000 registrations and
         one holding 50,000 (BENCH_GROWTH_LARGE to change it), as a forum holds them while its sign-ups
         are open: one a second, the latest fifth still waiting for their e-mail to be confirmed;
         budget: ratio of p50s <= 1.3.
checkin: a device's scans of distinct badges at the entrance of a forum running today, holding 1,000
         confirmed registrations and one holding 50,000; budget: ratio of p50s <= 1.3.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from bench_checkin import scanner
from bench_registration import make_forum, registrar
from harness import Deployment, closed_loop, report

from forum.extensions import db

NAME = "growth"
SMALL = 1_000
LARGE = int(os.environ.get("BENCH_GROWTH_LARGE", "50000"))
ROUNDS, PER_ROUND = 6, 25


def fill(slug: str, count: int, status_of=None) -> None:
    """`count` registrations at the forum, in bulk (the triggers count their places): confirmed, or
    the status `status_of(n)` gives the n-th."""
    from forum.events.models import Forum
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
                    # the e-mail confirmed but on a sign-up still pending; joined the waiting list now
                    email_confirmed_at=None if status_of(n) == RegistrationStatus.pending else now,
                    waitlisted_at=now if status_of(n) == RegistrationStatus.waitlisted else None,
                    consent_at=now,
                    created_at=now - timedelta(seconds=count - n),  # one a second, the last one now
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


def while_open(count: int):
    """The statuses of a forum's `count` registrations while its sign-ups are open (see `signup`
    above): the latest fifth still waiting for their e-mail to be confirmed, the others confirmed,
    one in eight of them on the waiting list."""
    from forum.registration.models import RegistrationStatus

    def status_of(n: int) -> RegistrationStatus:
        if n >= count * 4 // 5:
            return RegistrationStatus.pending
        return RegistrationStatus.waitlisted if n % 8 == 7 else RegistrationStatus.confirmed

    return status_of


def checkin_forum(slug: str, count: int, scanned: int) -> tuple[str, list[str]]:
    """A forum running today holding `count` confirmed registrations, its entrance list and a desk;
    returns the desk's token and the badge codes of the first `scanned` registrations."""
    from forum.badges.services import badge_code
    from forum.checkin import services
    from forum.events.models import Forum
    from forum.registration.models import Registration

    make_forum(slug, 100_000 + count)
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == slug))
    today = datetime.now(UTC).astimezone(forum.zone).date()
    forum.starts_on, forum.ends_on = today, today
    db.session.commit()
    fill(slug, count)
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == slug))
    _desk, token = services.create_desk(forum, "Growth desk", actor=None)
    services.ensure_lists(forum)
    db.session.commit()
    first = sa.select(Registration).where(Registration.forum_id == forum.id).order_by(Registration.id).limit(scanned)
    return token, [badge_code(registration) for registration in db.session.scalars(first)]


def growth(dep: Deployment, figure: str, runs: dict[str, object]) -> bool:
    """Each run's p50 over ROUNDS rounds of PER_ROUND requests from one client, taken in turn (A B A B),
    and the ratio of the large forum's to the small one's."""
    latencies: dict[str, list[float]] = {name: [] for name in runs}
    errors = 0
    for n in range(ROUNDS):
        for name, request in runs.items():
            result = closed_loop(dep.url, clients=1, total=PER_ROUND, request=request(n))
            if result.errors:
                print(f"# {figure} {name}: {result.error_samples}", file=sys.stderr)
            errors += result.errors
            latencies[name] += result.latencies_ms
    p50 = {name: sorted(values)[len(values) // 2] for name, values in latencies.items()}
    ok = report(NAME, f"{figure}_errors", errors, "errors", budget=0, ok=errors == 0)
    report(NAME, f"{figure}_p50_{SMALL}", p50["small"], "ms", budget="-", ok=True)
    report(NAME, f"{figure}_p50_{LARGE}", p50["large"], "ms", budget="-", ok=True)
    ratio = p50["large"] / p50["small"]
    return ok & report(NAME, f"{figure}_p50", ratio, "ratio", budget=1.3, ok=ratio <= 1.3)


def main() -> int:
    run = secrets.token_hex(3)
    ok = True
    with Deployment(workers=4) as dep:
        with dep.app.app_context():
            for slug, count in (("bench-small", SMALL), ("bench-large", LARGE)):
                make_forum(slug, 100_000 + LARGE)
                fill(slug, count, while_open(count))
            desks = {
                size: checkin_forum(f"bench-scan-{size}", count, ROUNDS * PER_ROUND)
                for size, count in (("small", SMALL), ("large", LARGE))
            }
        signups = {
            size: lambda n, slug=f"bench-{size}": registrar(slug, f"{run}-{slug}-{n}") for size in ("small", "large")
        }
        ok &= growth(dep, "signup", signups)
        scans = {
            size: lambda n, size=size: scanner(f"bench-scan-{size}", [desks[size][0]], desks[size][1], n * PER_ROUND)
            for size in desks
        }
        ok &= growth(dep, "checkin", scans)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
