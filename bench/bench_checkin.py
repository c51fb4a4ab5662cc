"""Benchmark of check-in: 10,000 confirmed registrations, distinct badges scanned through the desk API.

capacity  8 desks scanning back to back, 3,000 scans (PostgreSQL, then SQLite): throughput, errors,
          and exactly one check-in per badge. Each client is a desk's device with the desk's own token;
latency   50 scans a second for 60 s, each measured from its scheduled time: p50 / p95 / p99.
floor     Multaqa and the floor (bench/floor.py: one indexed SELECT, one INSERT) in turn, A B A B, each
          warmed up first with 200 scans that are not counted: capacity
          with 8 desks (>= 0.9 x the floor's) and p99 at 50 scans/s (<= 1.3 x the floor's); and each
          server's CPU time a scan over the capacity rounds (no budget: where the capacity goes).
"""

from __future__ import annotations

import itertools
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from harness import Deployment, closed_loop, in_turn, open_loop, report, report_ratio

REGISTRATIONS = 10_000  # enough for every run: 3,000 + 3,000 + the floor's 2 x (800 + 750) + 2 x 200
DESKS = 8
CAPACITY_SCANS = 3_000
RATE, DURATION = 50, 60
FLOOR_ROUNDS, FLOOR_SCANS, FLOOR_SECONDS, WARM_UP = 2, 800, 15, 200


def build(dep: Deployment) -> tuple[str, list[str], list[str]]:
    """A forum running today, its registrations, its desks; returns (slug, desk tokens, badge codes)."""
    from forum.badges.services import badge_code
    from forum.checkin import services
    from forum.events.models import Forum, ForumStatus
    from forum.extensions import db
    from forum.registration.models import Area, Category, Gender, Registration, RegistrationStatus

    with dep.app.app_context():
        today = datetime.now(UTC).astimezone(__import__("zoneinfo").ZoneInfo("Africa/Casablanca")).date()
        forum = Forum(
            slug="bench-checkin",
            title={"ar": "منتدى القياس", "fr": "Forum de mesure", "en": "Benchmark forum"},
            region="draa-tafilalet",
            city={"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"},
            starts_on=today,
            ends_on=today + timedelta(days=1),
            status=ForumStatus.open,
        )
        db.session.add(forum)
        db.session.flush()
        categories = list(Category)
        for start in range(0, REGISTRATIONS, 1000):
            db.session.add_all(
                Registration(
                    forum_id=forum.id,
                    name_ar=f"مشارك {n}",
                    name_latin=f"Participant {n}",
                    email=f"p{n}@bench.ma",
                    category=categories[n % len(categories)],
                    gender=Gender.female if n % 2 else Gender.male,
                    province="errachidia",
                    area=Area.rural if n % 3 else Area.urban,
                    status=RegistrationStatus.confirmed,
                )
                for n in range(start, start + 1000)
            )
            db.session.flush()
        tokens = [services.create_desk(forum, f"Bench desk {n}", actor=None)[1] for n in range(DESKS)]
        services.ensure_lists(forum)
        db.session.commit()
        registrations = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
        codes = [badge_code(r) for r in registrations]
        return forum.slug, tokens, codes


def scanner(slug: str, tokens: list[str], codes: list[str], offset: int = 0):
    """Each client (a thread of the load) is one desk's device: the desks' tokens in turn."""
    devices: dict[int, dict[str, str]] = {}
    next_desk = itertools.count()
    lock = threading.Lock()

    def scan(client, i: int) -> None:
        headers = devices.get(id(client))
        if headers is None:
            with lock:
                token = tokens[next(next_desk) % len(tokens)]
                headers = devices.setdefault(id(client), {"Authorization": f"Bearer {token}"})
        response = client.post(
            f"/api/f/{slug}/checkin/scan",
            json={"code": codes[offset + i], "nonce": uuid.uuid4().hex},
            headers=headers,
        )
        response.raise_for_status()
        answer = response.json()
        if answer["outcome"] != "ok":
            raise RuntimeError(f"scan {i}: {answer['reason']}")

    return scan


def check_once(dep: Deployment, scans: int) -> tuple[int, int]:
    """(live admissions, scan rows) after the run: both must equal the number of scans."""
    from forum.checkin.models import Admission, CheckIn
    from forum.extensions import db

    with dep.app.app_context():
        admissions = db.session.scalar(sa.select(sa.func.count(Admission.id)).where(Admission.undone_at.is_(None)))
        rows = db.session.scalar(sa.select(sa.func.count(CheckIn.id)))
        return admissions, rows


def capacity(
    dep: Deployment, name: str, slug: str, tokens: list[str], codes: list[str], *, budget: bool = True
) -> bool:
    result = closed_loop(dep.url, clients=8, total=CAPACITY_SCANS, request=scanner(slug, tokens, codes))
    admissions, rows = check_once(dep, CAPACITY_SCANS)
    ok = True
    if budget:
        ok &= report(
            "checkin", f"{name}_throughput", result.throughput, "scans/s", budget=200, ok=result.throughput >= 200
        )
    else:
        report("checkin", f"{name}_throughput", result.throughput, "scans/s", budget="none", ok=True)
    ok &= report("checkin", f"{name}_errors", result.errors, "errors", budget=0, ok=result.errors == 0)
    ok &= report(
        "checkin",
        f"{name}_checkins",
        admissions,
        "admissions",
        budget=CAPACITY_SCANS,
        ok=admissions == rows == CAPACITY_SCANS,
    )
    for sample in result.error_samples:
        print("  error:", sample, file=sys.stderr)
    return ok


def against_floor(dep: Deployment, slug: str, tokens: list[str], codes: list[str]) -> bool:
    """Capacity and p99 at 50 scans/s, Multaqa and the floor in turn, on badges not scanned yet."""
    floor_url = dep.serve_floor()
    first = CAPACITY_SCANS + RATE * DURATION  # the codes the runs above have not admitted

    cpu = {dep.url: 0.0, floor_url: 0.0}

    def capacity_round(url: str):
        def run(n: int):
            offset, started = first + n * FLOOR_SCANS, dep.cpu_seconds(url)
            result = closed_loop(url, clients=8, total=FLOOR_SCANS, request=scanner(slug, tokens, codes, offset))
            cpu[url] += dep.cpu_seconds(url) - started
            return result

        return run

    def latency_round(url: str, start: int):
        def run(n: int):
            offset = start + n * RATE * FLOOR_SECONDS
            return open_loop(url, rate=RATE, duration=FLOOR_SECONDS, request=scanner(slug, tokens, codes, offset))

        return run

    # each server warmed up first, unmeasured: the floor's workers have just started, and their first
    # requests open its pool's connections
    warm = first + FLOOR_ROUNDS * (FLOOR_SCANS + RATE * FLOOR_SECONDS)
    for n, url in enumerate((dep.url, floor_url)):
        closed_loop(url, clients=8, total=WARM_UP, request=scanner(slug, tokens, codes, warm + n * WARM_UP))
    ok = True
    capacity = in_turn(FLOOR_ROUNDS, multaqa=capacity_round(dep.url), floor=capacity_round(floor_url))
    start = first + FLOOR_ROUNDS * FLOOR_SCANS
    latency = in_turn(FLOOR_ROUNDS, multaqa=latency_round(dep.url, start), floor=latency_round(floor_url, start))
    for who in ("multaqa", "floor"):
        errors = capacity[who].errors + latency[who].errors
        for sample in capacity[who].error_samples + latency[who].error_samples:
            print(f"  error ({who}):", sample, file=sys.stderr)
        ok &= report("checkin", f"vs_floor_{who}_errors", errors, "errors", budget=0, ok=errors == 0)
    per_scan = {url: 1000 * seconds / (FLOOR_ROUNDS * FLOOR_SCANS) for url, seconds in cpu.items()}
    report("checkin", "server_cpu", per_scan[dep.url], "ms/scan", budget="-", ok=True)
    report("checkin", "server_cpu_floor", per_scan[floor_url], "ms/scan", budget="-", ok=True)
    report("checkin", "server_cpu_vs_floor", per_scan[dep.url] / per_scan[floor_url], "ratio", budget="-", ok=True)
    ok &= report_ratio(
        "checkin",
        "capacity",
        capacity["multaqa"].throughput,
        capacity["floor"].throughput,
        "scans/s",
        budget=0.9,
        at_least=True,
    )
    return ok & report_ratio(
        "checkin",
        "latency_p99",
        latency["multaqa"].percentile(99),
        latency["floor"].percentile(99),
        "ms",
        budget=1.3,
        at_least=False,
    )


def main() -> int:
    ok = True
    with Deployment(workers=4) as dep:
        slug, tokens, codes = build(dep)
        ok &= capacity(dep, "pg_capacity", slug, tokens, codes)
        latency = open_loop(
            dep.url, rate=RATE, duration=DURATION, request=scanner(slug, tokens, codes, offset=CAPACITY_SCANS)
        )
        for p in (50, 95):
            report("checkin", f"pg_latency_p{p}", latency.percentile(p), "ms", budget="none", ok=True)
        ok &= report(
            "checkin",
            "pg_latency_p99",
            latency.percentile(99),
            "ms",
            budget=25,
            ok=latency.percentile(99) <= 25 and latency.errors == 0,
        )
        ok &= report("checkin", "pg_latency_errors", latency.errors, "errors", budget=0, ok=latency.errors == 0)
        ok &= against_floor(dep, slug, tokens, codes)
    with Deployment(workers=4, database="sqlite") as dep:
        slug, tokens, codes = build(dep)
        ok &= capacity(dep, "sqlite_capacity", slug, tokens, codes, budget=False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
