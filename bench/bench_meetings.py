"""Benchmark of one-to-one meetings: 800 profiles, 3,000 accepted requests, 10 slots × (60 tables + 40 booths),
the staff of half the exhibitors on duty at their booth for two hours of the afternoon.

Figures: the automatic schedule in-process (read the database, solve, store the proposal, commit), how
far its count is from the bound the solver reports, how many meetings it put at a booth kept by a party
on duty (they meet nowhere else then), and a person's partners page (suggestions, requests,
meetings) served by gunicorn at 20 requests a second. `python bench/bench_meetings.py [seconds]`.
"""

from __future__ import annotations

import random
import secrets
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from harness import Deployment, open_loop, report
from werkzeug.security import generate_password_hash

PEOPLE, REQUESTS, SLOTS, TABLES, BOOTHS = 800, 3000, 10, 60, 40
#: every other exhibitor's staff member keeps its booth two hours of the four, at 14:00 or at 16:00
ON_DUTY, DUTY_HOURS = range(0, BOOTHS, 2), 2
SCHEDULE_BUDGET_S, GAP_BUDGET, PAGE_BUDGET_MS = 5.0, 0.01, 30
DURATION = float(sys.argv[1]) if len(sys.argv) > 1 else 30


def build(rng: random.Random):
    """The forum, its people with profiles, 40 exhibitors with a booth each, the plan and the requests."""
    from forum.auth.models import User
    from forum.events.models import Forum, ForumStatus
    from forum.exhibition.models import Booth, BoothAssignment, Exhibitor, ExhibitorStaff, ExhibitorStatus, Zone
    from forum.extensions import db
    from forum.partnerships import services
    from forum.partnerships.models import BoothDuty, MeetingRequest, PartnershipProfile, RequestStatus
    from forum.partnerships.vocabulary import Support
    from forum.registration.models import (
        Area,
        Category,
        Gender,
        Organisation,
        OrganisationKind,
        Registration,
        RegistrationStatus,
    )

    forum = Forum(
        slug="bench-meetings",
        title={"ar": "منتدى القياس", "fr": "Forum de mesure", "en": "Bench forum"},
        region="draa-tafilalet",
        city={"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"},
        starts_on=date(2027, 2, 19),
        ends_on=date(2027, 2, 20),
        status=ForumStatus.open,
    )
    db.session.add(forum)
    db.session.flush()
    zone = Zone(forum_id=forum.id, code="A", name={"fr": "Hall A"})
    db.session.add(zone)
    db.session.flush()
    organisations = [
        Organisation(
            name=f"Organisation {n}", kind=OrganisationKind.company if n < BOOTHS else OrganisationKind.association
        )
        for n in range(PEOPLE)
    ]
    db.session.add_all(organisations)
    db.session.flush()
    exhibitors = []
    for n in range(BOOTHS):
        booth = Booth(
            forum_id=forum.id,
            zone_id=zone.id,
            code=f"A{n + 1}",
            area_m2=9,
            x=3 * (n % 10),
            y=3 * (n // 10),
            width=3,
            height=3,
        )
        exhibitor = Exhibitor(
            forum_id=forum.id,
            organisation_id=organisations[n].id,
            contact_email=f"e{n}@bench.ma",
            status=ExhibitorStatus.approved,
        )
        db.session.add_all([booth, exhibitor])
        db.session.flush()
        exhibitors.append(exhibitor)
        db.session.add(
            BoothAssignment(forum_id=forum.id, booth_id=booth.id, exhibitor_id=exhibitor.id, is_published=True)
        )
    kinds = [Category.association, Category.cooperative, Category.private_sector, Category.donor, Category.expert]
    supports = [s.value for s in Support]
    people = []
    for n in range(PEOPLE):
        registration = Registration(
            forum_id=forum.id,
            organisation_id=organisations[n].id,
            name_latin=f"Person {n}",
            email=f"p{n}@bench.ma",
            category=Category.private_sector if n < BOOTHS else rng.choice(kinds),
            gender=Gender.female,
            province="errachidia",
            area=Area.rural,
            status=RegistrationStatus.confirmed,
        )
        people.append(registration)
    db.session.add_all(people)
    db.session.flush()
    unusable = generate_password_hash(secrets.token_urlsafe())  # the exhibitors' staff do not sign in here
    users = [User(email=f"p{n}@bench.ma", name=f"Person {n}", password_hash=unusable) for n in range(BOOTHS)]
    db.session.add_all(users)
    db.session.flush()
    staff = [
        ExhibitorStaff(
            forum_id=forum.id, exhibitor_id=exhibitors[n].id, user_id=users[n].id, registration_id=people[n].id
        )
        for n in range(BOOTHS)
    ]
    db.session.add_all(staff)
    db.session.flush()
    for n in ON_DUTY:
        starts_at = datetime.combine(forum.starts_on, clock(14 if n % 4 == 0 else 16), tzinfo=forum.zone)
        db.session.add(
            BoothDuty(
                forum_id=forum.id,
                staff_id=staff[n].id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=DUTY_HOURS),
            )
        )
    db.session.add_all(
        PartnershipProfile(
            forum_id=forum.id,
            registration_id=r.id,
            offers=rng.sample(supports, 3),
            needs=rng.sample(supports, 2),
            provinces=["errachidia"],
            pitch={"fr": "Présentation"},
        )
        for r in people
    )
    services.generate_slots(forum, day=forum.starts_on, start=clock(14), end=clock(18, 10), minutes=20, pause=5)
    services.add_tables(forum, TABLES)
    services.add_booths(forum)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < REQUESTS:
        a, b = rng.sample(range(PEOPLE), 2)
        if (a, b) not in pairs and (b, a) not in pairs:
            pairs.add((a, b))
    db.session.add_all(
        MeetingRequest(
            forum_id=forum.id,
            requester_id=people[a].id,
            recipient_id=people[b].id,
            message="Bench",
            status=RequestStatus.accepted,
            is_important=rng.random() < 0.1,
        )
        for a, b in sorted(pairs)
    )
    db.session.commit()
    return forum, [r.access_key for r in people]


def main() -> int:
    from forum.extensions import db
    from forum.partnerships import services

    with Deployment(workers=2, threads=2) as dep, dep.app.test_request_context():
        forum, keys = build(random.Random(2026))
        assert len(services.slots_of(forum)) == SLOTS
        began = time.perf_counter()
        proposal = services.run_schedule(forum, favour_sectors=True, now=datetime.now().astimezone())
        db.session.commit()
        took = time.perf_counter() - began
        placed, bound = len(proposal.placed), proposal.bound
        duty = services.duty_places(forum.id, services.slots_of(forum))
        requests = {request.id: request for request, _slot, _place in services.proposal_of(forum).placed}
        at_kept_booth = away = 0
        for request_id, slot, place in proposal.placed:
            for person in (requests[request_id].requester_id, requests[request_id].recipient_id):
                if (person, slot) in duty:
                    at_kept_booth += duty[person, slot] == place
                    away += duty[person, slot] != place
        slug = forum.slug
        rng = random.Random(1)

        def partners_page(client, i: int) -> None:
            response = client.get(f"/f/{slug}/me/{rng.choice(keys)}/partners/")
            response.raise_for_status()

        client, alone = dep.client(), []
        for i in range(40):  # one at a time: what a page costs the server when nothing queues
            began_page = time.perf_counter()
            partners_page(client, i)
            alone.append((time.perf_counter() - began_page) * 1000)
        result = open_loop(dep.url, rate=20, duration=DURATION, request=partners_page)
    gap = (bound - placed) / bound if bound else 0.0
    ok = report("meetings", "schedule", round(took, 2), "s", budget=SCHEDULE_BUDGET_S, ok=took <= SCHEDULE_BUDGET_S)
    report("meetings", "placed", placed, "meetings", budget="-", ok=True)
    report("meetings", "placed_at_a_booth_on_duty", at_kept_booth, "meetings", budget="-", ok=True)
    ok &= report("meetings", "on_duty_placed_away", away, "meetings", budget=0, ok=away == 0)
    ok &= report("meetings", "gap_to_bound", round(100 * gap, 2), "%", budget=100 * GAP_BUDGET, ok=gap <= GAP_BUDGET)
    report("meetings", "partners_page_alone_median", sorted(alone)[len(alone) // 2], "ms", budget="-", ok=True)
    report("meetings", "partners_page_p50", result.percentile(50), "ms", budget="-", ok=True)
    p95 = result.percentile(95)
    ok &= report(
        "meetings",
        "partners_page_p95",
        p95,
        "ms",
        budget=PAGE_BUDGET_MS,
        ok=p95 <= PAGE_BUDGET_MS and result.errors == 0,
    )
    if result.errors:
        print(f"  errors: {result.errors} {result.error_samples}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
