"""Demo data of partnerships (`flask seed-demo`): profiles, requests and meetings at the current forum.

The 6th forum's first day was yesterday: its afternoon meetings are over (most held, some missed);
today's are still to come. Every step looks before it adds.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db
from forum.partnerships import services
from forum.partnerships.models import PartnershipProfile
from forum.registration.models import Category, Registration, RegistrationStatus

#: what each kind of participant offers and needs in the demo (values of the shared list)
OFFERS = {
    Category.private_sector: (["skills", "in_kind", "market_access"], ["volunteers"]),
    Category.donor: (["funding", "training"], ["expertise"]),
    Category.public_sector: (["premises", "training"], ["volunteers"]),
    Category.expert: (["expertise", "training"], []),
    Category.association: (["volunteers"], ["funding", "skills", "training", "equipment"]),
    Category.cooperative: (["market_access"], ["funding", "market_access", "in_kind"]),
}
PITCH = {
    Category.private_sector: (
        "Mécénat de compétences et accès au marché pour les projets locaux.",
        "رعاية بالكفاءات وولوج إلى الأسواق لفائدة المشاريع المحلية.",
    ),
    Category.donor: ("Subventions et formation pour les associations de la région.", "منح وتكوين لفائدة جمعيات الجهة."),
    Category.public_sector: ("Locaux et formations pour la société civile.", "مقرات وتكوينات لفائدة المجتمع المدني."),
    Category.expert: ("Expertise en financement participatif et gouvernance.", "خبرة في التمويل التشاركي والحكامة."),
    Category.association: (
        "Association de développement des oasis, à la recherche de partenaires.",
        "جمعية لتنمية الواحات تبحث عن شركاء.",
    ),
    Category.cooperative: (
        "Coopérative de produits du terroir, cherche débouchés.",
        "تعاونية لمنتجات المجال تبحث عن منافذ.",
    ),
}


def seed(forum: Forum, echo, *, now: datetime) -> None:
    """Profiles for a share of the confirmed participants, accepted requests, yesterday's and today's meetings."""
    if db.session.scalar(sa.select(PartnershipProfile.id).where(PartnershipProfile.forum_id == forum.id).limit(1)):
        return
    people = list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.forum_id == forum.id,
                Registration.status == RegistrationStatus.confirmed,
                Registration.category.in_(list(OFFERS)),
            )
            .order_by(Registration.id)
        )
    )
    rng = random.Random(15)
    chosen = rng.sample(people, min(40, len(people)))
    profiles = []
    for registration in chosen:
        offers, needs = OFFERS[registration.category]
        fr, ar = PITCH[registration.category]
        data = {
            "offers": offers,
            "needs": needs,
            "provinces": [registration.province] if registration.province else [],
            "pitch": {"fr": fr, "ar": ar},
            "is_open_to_meetings": True,
        }
        profiles.append(services.save_profile(registration, data, consent=True, now=now - timedelta(days=20)))
    for day in forum.days:
        services.generate_slots(forum, day=day, start=time(14, 30), end=time(17, 30), minutes=20, pause=5)
    services.add_tables(forum, 10)
    services.add_booths(forum)
    before = now - timedelta(days=10)
    booked = 0
    for mine in profiles:
        for suggestion in services.suggestions(mine, limit=2):
            other = services.listed_profile(forum, suggestion.card.id)
            if services.between(mine.registration, other.registration) is not None:
                continue
            request = services.request_meeting(mine.registration, other, message=suggestion.reasons[0], now=before)
            services.accept(request, by=other.registration, now=before)
            free = services.free_slots(request, now=before)
            if not free or max(services.meeting_count(p) for p in (mine.registration, other.registration)) >= 8:
                continue  # left for the automatic schedule
            meeting = services.book(request, rng.choice(free), by=mine.registration, now=before)
            booked += 1
            if meeting.slot.ends_at <= now and rng.random() < 0.8:
                meeting.held_at = meeting.slot.starts_at + timedelta(minutes=2)
    db.session.flush()
    echo(f"  partnerships: {len(profiles)} profiles, {booked} meetings booked for {forum.slug}")
