"""Benchmark of registration through the real form (GET for the CSRF token, then POST), under gunicorn
on PostgreSQL, with a fresh e-mail per registration.

capacity: 2,000 registrations from 8 clients that send the next as soon as the last is answered;
          throughput, errors, and how many got a place or the waiting list (never more than capacity).
latency:  20 registrations a second for 60 s, each measured from its scheduled time; p50/p95/p99.
floor:    8 clients through the form of Multaqa and of the floor (bench/floor.py: read the choices, one
          INSERT) in turn, A B A B; Multaqa's throughput must be >= 0.5 x the floor's, and the CPU time its
          gunicorn spends a sign-up (GET and POST, all processes) <= 10 ms (the floor's printed beside it).
"""

from __future__ import annotations

import secrets
import sys
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from harness import (
    Client,
    Deployment,
    client_address,
    closed_loop,
    csrf_token,
    in_turn,
    open_loop,
    report,
    report_ratio,
)

from forum.events.models import Forum, ForumStatus
from forum.extensions import db
from forum.registration.models import Registration, RegistrationStatus

NAME = "registration"
CAPACITY = 1500  # below the 2,000 sent: the last ones must end on the waiting list, none over capacity
FLOOR_ROUNDS, FLOOR_SIGNUPS, WARM_UP = 2, 400, 100


def make_forum(slug: str, capacity: int) -> None:
    today = date.today()
    db.session.add(
        Forum(
            slug=slug,
            title={"ar": "منتدى القياس", "fr": "Forum de mesure", "en": "Benchmark forum"},
            region="draa-tafilalet",
            city={"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"},
            starts_on=today + timedelta(days=60),
            ends_on=today + timedelta(days=61),
            registration_opens_at=datetime.now(UTC) - timedelta(days=1),
            registration_closes_at=datetime.now(UTC) + timedelta(days=30),
            capacity=capacity,
            status=ForumStatus.open,
        )
    )
    db.session.commit()


def registrar(slug: str, run: str):
    """One registration as a browser makes it: the form, then its submission with a fresh e-mail."""

    def register(client: Client, i: int) -> None:
        # each sign-up from a person of its own (the form's rate limit counts per address)
        headers = {"Accept-Language": "ar", "X-Forwarded-For": client_address()}
        page = client.get(f"/f/{slug}/register", headers=headers)
        page.raise_for_status()
        response = client.post(
            f"/f/{slug}/register",
            headers=headers,
            data={
                "csrf_token": csrf_token(page.text),
                "name_ar": "فاطمة الزهراء العلوي",
                "name_latin": "Fatima Zahra Alaoui",
                "email": f"bench-{run}-{i}@example.ma",
                "phone": "0612345678",
                "category": ("association", "cooperative", "expert")[i % 3],
                "gender": ("female", "male")[i % 2],
                "province": ("errachidia", "ouarzazate", "midelt", "tinghir", "zagora")[i % 5],
                "area": ("rural", "urban")[i % 2],
                "locale": "ar",
                "consent": "y",
            },
        )
        if response.status_code != 302 or not response.headers["Location"].endswith("/register/sent"):
            raise RuntimeError(f"registration {i} answered {response.status_code}")

    return register


def outcome(slug: str) -> dict[str, int]:
    """Places taken (confirmed, or kept while the e-mail is confirmed) and the waiting list."""
    db.session.rollback()
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == slug))
    rows = db.session.execute(
        sa.select(Registration.status, Registration.holds_place, sa.func.count())
        .where(Registration.forum_id == forum.id)
        .group_by(Registration.status, Registration.holds_place)
    ).all()
    placed = sum(n for status, holds, n in rows if status == RegistrationStatus.confirmed or holds)
    waitlisted = sum(n for status, _holds, n in rows if status == RegistrationStatus.waitlisted)
    return {"placed": placed, "waitlisted": waitlisted, "total": sum(n for *_, n in rows)}


def main() -> int:
    run = secrets.token_hex(3)
    ok = True
    with Deployment(workers=4) as dep:
        with dep.app.app_context():
            make_forum("bench-capacity", CAPACITY)
            make_forum("bench-latency", 100_000)

        result = closed_loop(dep.url, clients=8, total=2000, request=registrar("bench-capacity", run))
        for sample in result.error_samples:
            print(f"# error: {sample}", file=sys.stderr)
        ok &= report(NAME, "throughput", result.throughput, "registrations/s", budget=60, ok=result.throughput >= 60)
        ok &= report(NAME, "errors", result.errors, "errors", budget=0, ok=result.errors == 0)
        with dep.app.app_context():
            counts = outcome("bench-capacity")
        over = max(0, counts["placed"] - CAPACITY)
        report(NAME, "placed", counts["placed"], "registrations", budget=CAPACITY, ok=counts["placed"] <= CAPACITY)
        report(NAME, "waitlisted", counts["waitlisted"], "registrations", budget="-", ok=True)
        ok &= report(NAME, "over_capacity", over, "places", budget=0, ok=over == 0)
        ok &= report(
            NAME, "all_recorded", counts["total"], "registrations", budget=2000, ok=counts["total"] == result.count
        )

        result = open_loop(dep.url, rate=20, duration=60, request=registrar("bench-latency", run))
        for sample in result.error_samples:
            print(f"# error: {sample}", file=sys.stderr)
        report(NAME, "latency_p50", result.percentile(50), "ms", budget="-", ok=True)
        ok &= report(NAME, "latency_p95", result.percentile(95), "ms", budget=60, ok=result.percentile(95) <= 60)
        report(NAME, "latency_p99", result.percentile(99), "ms", budget="-", ok=True)
        ok &= report(NAME, "latency_errors", result.errors, "errors", budget=0, ok=result.errors == 0)

        ok &= against_floor(dep, run)
    return 0 if ok else 1


def against_floor(dep: Deployment, run: str) -> bool:
    """Sign-up capacity, 8 clients through the form, Multaqa and the floor in turn; and each server's
    CPU time a sign-up (GET and POST), read from its processes over the same rounds."""
    floor_url = dep.serve_floor()
    with dep.app.app_context():
        make_forum("bench-vs-multaqa", 100_000)
        make_forum("bench-vs-floor", 100_000)
    cpu = {dep.url: 0.0, floor_url: 0.0}

    def rounds(url: str, slug: str):
        def measured(n: int):
            started = dep.cpu_seconds(url)
            result = closed_loop(url, clients=8, total=FLOOR_SIGNUPS, request=registrar(slug, f"{run}-{n}"))
            cpu[url] += dep.cpu_seconds(url) - started
            return result

        return measured

    # each server warmed up first, unmeasured: the floor's workers have just started, and their first
    # requests open its pool's connections
    for url, slug in ((dep.url, "bench-vs-multaqa"), (floor_url, "bench-vs-floor")):
        closed_loop(url, clients=8, total=WARM_UP, request=registrar(slug, f"{run}-warm"))
    results = in_turn(
        FLOOR_ROUNDS, multaqa=rounds(dep.url, "bench-vs-multaqa"), floor=rounds(floor_url, "bench-vs-floor")
    )
    ok = True
    for who, result in results.items():
        for sample in result.error_samples:
            print(f"# error ({who}): {sample}", file=sys.stderr)
        ok &= report(NAME, f"{who}_errors", result.errors, "errors", budget=0, ok=result.errors == 0)
    multaqa, floor = results["multaqa"].throughput, results["floor"].throughput
    ok &= report_ratio(NAME, "capacity", multaqa, floor, "registrations/s", budget=0.5, at_least=True)
    per_signup = {url: 1000 * seconds / (FLOOR_ROUNDS * FLOOR_SIGNUPS) for url, seconds in cpu.items()}
    report(NAME, "server_cpu_floor", per_signup[floor_url], "ms/registration", budget="-", ok=True)
    cpu_ms = per_signup[dep.url]
    return ok & report(NAME, "server_cpu", cpu_ms, "ms/registration", budget="<=10", ok=cpu_ms <= 10)


if __name__ == "__main__":
    sys.exit(main())
