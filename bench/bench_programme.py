"""Benchmark of the programme: public programme, a personal agenda and a personal .ics feed for a forum
of 40 sessions in 8 rooms, 2,000 confirmed participants and 6,000 workshop sign-ups, under gunicorn on
PostgreSQL at a steady 50 requests/s for 60 s each (latency from each request's scheduled time).

growth: the public programme of that forum and of one with the same programme and ten times the people
        and sign-ups (20,000 and 60,000), taken in turn (A B A B); budget: ratio of p50s <= 1.3."""

from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, time

from harness import Deployment, in_turn, open_loop, report, report_growth, sequential

ROOMS, SLOTS_DAY1, SLOTS_DAY2 = 8, 3, 2  # 8 rooms × 5 slots = 40 sessions
PARTICIPANTS, SIGNUPS_EACH = 2000, 3  # 6,000 sign-ups
BUDGET_MS = 30
DURATION = float(sys.argv[1]) if len(sys.argv) > 1 else 60  # seconds per figure (60 for the record)


def build(slug: str = "bench-forum", participants: int = PARTICIPANTS) -> list[str]:
    """The forum, its published programme and its participants; returns their access keys."""
    import sqlalchemy as sa

    from forum.events.models import Forum, ForumStatus
    from forum.extensions import db
    from forum.programme import services
    from forum.programme.models import Session, SessionKind, Signup, SignupStatus
    from forum.registration.models import Area, Category, Gender, Registration, RegistrationStatus

    day1, day2 = date(2026, 2, 13), date(2026, 2, 14)
    forum = Forum(
        slug=slug,
        title={"ar": "منتدى القياس", "fr": "Forum de mesure", "en": "Bench forum"},
        region="draa-tafilalet",
        city={"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"},
        starts_on=day1,
        ends_on=day2,
        status=ForumStatus.open,
    )
    db.session.add(forum)
    db.session.flush()
    rooms = [
        services.save_room(
            forum, None, {"name": {"ar": f"القاعة {n}", "fr": f"Salle {n}"}, "capacity": 200}, actor=None
        )
        for n in range(ROOMS)
    ]
    speakers = [
        services.save_speaker(forum, None, {"name_ar": f"متدخل {n}", "name_latin": f"Speaker {n}"}, actor=None)
        for n in range(ROOMS * 2)
    ]
    slots = [(day1, 9 + 3 * n) for n in range(SLOTS_DAY1)] + [(day2, 9 + 3 * n) for n in range(SLOTS_DAY2)]
    sessions = []
    for day, hour in slots:
        for n, room in enumerate(rooms):
            session, _ = services.save_session(
                forum,
                None,
                {
                    "kind": SessionKind.workshop,
                    "title": {"ar": f"ورشة {hour}-{n}", "fr": f"Atelier {hour}-{n}", "en": f"Workshop {hour}-{n}"},
                    "description": {"fr": "Description de l'atelier. " * 8},
                    "theme": f"thème {n % 4}",
                    "room_id": room.id,
                    "starts_at": datetime.combine(day, time(hour), tzinfo=forum.zone).astimezone(UTC),
                    "ends_at": datetime.combine(day, time(hour + 2), tzinfo=forum.zone).astimezone(UTC),
                    "is_signup_required": True,
                    "speaker_ids": [speakers[2 * n].id, speakers[2 * n + 1].id],
                },
                actor=None,
            )
            sessions.append(session)
    services.publish(forum, actor=None)
    db.session.commit()
    rng = random.Random(4)
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "forum_id": forum.id,
                "name_ar": f"مشارك {n}",
                "name_latin": f"Participant {n}",
                "email": f"p{n}@{slug}.bench.ma",
                "category": Category.association,
                "gender": Gender.female if n % 2 else Gender.male,
                "area": Area.rural,
                "locale": ("ar", "fr", "en")[n % 3],
                "status": RegistrationStatus.confirmed,
                "access_key": f"{slug}-key-{n:05d}-{rng.getrandbits(64):016x}",
                "badge_secret": f"{slug}-badge-{n:05d}-{rng.getrandbits(64):016x}",
            }
            for n in range(participants)
        ],
    )
    people = db.session.execute(
        sa.select(Registration.id, Registration.access_key).where(Registration.forum_id == forum.id)
    ).all()
    rows = []
    for n, (registration_id, _key) in enumerate(people):
        # Three different slots, so nobody holds two overlapping sessions (as the service ensures).
        for slot in rng.sample(range(len(slots)), SIGNUPS_EACH):
            session = sessions[slot * ROOMS + (n + slot) % ROOMS]
            rows.append(
                {"session_id": session.id, "registration_id": registration_id, "status": SignupStatus.confirmed}
            )
    db.session.execute(sa.insert(Signup), rows)
    taken = sa.select(sa.func.count()).where(Signup.session_id == Session.id).scalar_subquery()
    db.session.execute(sa.update(Session).where(Session.forum_id == forum.id).values(signed_up=taken))
    db.session.commit()
    return [key for _id, key in people]


def main() -> int:
    with Deployment(workers=4) as dep:
        with dep.app.app_context():
            keys = build()

        def programme(client, i):
            response = client.get("/f/bench-forum/programme/", headers={"Accept-Language": ("ar", "fr", "en")[i % 3]})
            response.raise_for_status()

        def agenda(client, i):
            response = client.get(f"/f/bench-forum/me/{keys[i * 7 % len(keys)]}/agenda")
            response.raise_for_status()
            if "Participant" not in response.text and "مشارك" not in response.text:
                raise AssertionError("not the agenda page")

        def feed(client, i):
            response = client.get(f"/f/bench-forum/me/{keys[i * 11 % len(keys)]}/calendar.ics")
            response.raise_for_status()
            if response.text.count("BEGIN:VEVENT") != SIGNUPS_EACH:
                raise AssertionError("the feed does not hold the person's sessions")

        ok = True
        for figure, request in (("public_programme", programme), ("personal_agenda", agenda), ("personal_ics", feed)):
            result = open_loop(
                dep.url, rate=50, duration=float(sys.argv[1]) if len(sys.argv) > 1 else 60, request=request
            )
            p50, p95 = result.percentile(50), result.percentile(95)
            report("programme", f"{figure}_p50", p50, "ms", budget="-", ok=True)
            ok &= report(
                "programme", f"{figure}_p95", p95, "ms", budget=BUDGET_MS, ok=p95 <= BUDGET_MS and result.errors == 0
            )
            if result.errors:
                print(f"  errors: {result.errors} {result.error_samples}", flush=True)
        ok &= growth(dep)
    return 0 if ok else 1


def growth(dep: Deployment) -> bool:
    """The public programme of the forum and of one ten times as full, in turn."""
    with dep.app.app_context():
        build("bench-forum-large", 10 * PARTICIPANTS)
    client = dep.client()
    runs = {
        slug: lambda _n, url=f"/f/{slug}/programme/": sequential(client, url, 20, "</html>")
        for slug in ("bench-forum", "bench-forum-large")
    }
    results = in_turn(6, **runs)
    sizes = (PARTICIPANTS, 10 * PARTICIPANTS)
    return report_growth("programme", "public_programme", results["bench-forum"], results["bench-forum-large"], sizes)


if __name__ == "__main__":
    sys.exit(main())
