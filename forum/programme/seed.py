"""Demo programme of the 6th forum (Drâa-Tafilalet, Errachidia, 13–14 February 2026). Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from forum.auth import services as accounts
from forum.events.models import Forum
from forum.extensions import db
from forum.programme import services
from forum.programme.models import Session, SessionKind, Signup
from forum.registration.models import Registration, RegistrationStatus

ROOMS = [
    # (ar, fr, en), seats, accessible
    (("القاعة الكبرى", "Grande salle", "Main hall"), 400, True),
    (("القاعة أ", "Salle A", "Room A"), 80, True),
    (("القاعة ب", "Salle B", "Room B"), 80, True),
    (("القاعة ج", "Salle C", "Room C"), 60, True),
    (("القاعة د", "Salle D", "Room D"), 60, False),
    (("فضاء المعرض", "Espace d'exposition", "Exhibition area"), 300, True),
]

SPEAKERS = {
    # key: (name_ar, name_latin, job title, organisation)
    "minister": (
        "الوزير المكلف بالعلاقات مع البرلمان",
        "Le Ministre chargé des relations avec le Parlement",
        "Ministre",
        "Ministère chargé des relations avec le Parlement",
    ),
    "wali": ("والي جهة درعة تافيلالت", "Le Wali de la région Drâa-Tafilalet", "Wali", "Wilaya Drâa-Tafilalet"),
    "jurist": ("نادية الإدريسي", "Nadia Idrissi", "Professeure de droit public", "Université Moulay Ismaïl"),
    "economist": ("عبد الرحيم أمزيان", "Abderrahim Amziane", "Économiste", "Agence de développement social"),
    "banker": ("سعيد بنعلي", "Said Benali", "Directeur microfinance", "Banque Atlas Finance"),
    "donor": ("لطيفة أوبلا", "Latifa Oubella", "Chargée de programmes", "Fondation Solidarité Sud"),
    "digital": ("يوسف الفيلالي", "Youssef Filali", "Fondateur", "Plateforme Tamwil Digital"),
    "csr": ("هاجر التنغيري", "Hajar Tinghiri", "Responsable RSE", "Banque Atlas Finance"),
    "cooperative": ("يطو أيت علي", "Itto Ait Ali", "Présidente", "Coopérative féminine Tighmert"),
    "moderator": ("حسن الحسني", "Hassan El Hassani", "Journaliste", "Radio Drâa FM"),
}

WORKSHOPS = [
    (
        {
            "ar": "نتائج الدراسات حول التمويلات البديلة (دراسة مقارنة: كندا، فرنسا، كينيا)",
            "fr": "Résultats des études sur les financements alternatifs (étude comparative : Canada, France, Kenya)",
            "en": "Results of the studies on alternative financing (comparative study: Canada, France, Kenya)",
        },
        "études",
        ["economist", "jurist"],
    ),
    (
        {
            "ar": "الأنشطة المدرة للدخل: نحو نماذج مالية مستدامة للجمعيات",
            "fr": "Activités génératrices de revenus : vers des modèles financiers durables pour les associations",
            "en": "Income-generating activities: towards sustainable financial models for associations",
        },
        "AGR",
        ["cooperative", "banker"],
    ),
    (
        {
            "ar": "التمويل التشاركي عبر المنصات الرقمية",
            "fr": "Le financement participatif via les plateformes numériques",
            "en": "Crowdfunding through digital platforms",
        },
        "numérique",
        ["digital", "donor"],
    ),
    (
        {
            "ar": "المسؤولية الاجتماعية للمقاولات",
            "fr": "La responsabilité sociétale des entreprises",
            "en": "Corporate social responsibility",
        },
        "RSE",
        ["csr"],
    ),
]


def _at(day: date, hour: int, minute: int, forum: Forum) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=forum.zone).astimezone(UTC)


def seed_programme(forums: dict[str, Forum], echo: Callable[[str], None]) -> None:
    forum = forums["draa"]
    if db.session.scalar(sa.select(Session.id).where(Session.forum_id == forum.id).limit(1)):
        return
    organiser = accounts.find_user("organiser@multaqa.ma")
    rapporteur = accounts.find_user("rapporteur@multaqa.ma")
    rooms = [
        services.save_room(
            forum,
            None,
            {
                "name": dict(zip(("ar", "fr", "en"), names, strict=True)),
                "capacity": seats,
                "is_accessible": ok,
                "position": n,
            },
            actor=None,
        )
        for n, (names, seats, ok) in enumerate(ROOMS)
    ]
    hall, exhibition = rooms[0], rooms[-1]
    speakers = {
        key: services.save_speaker(
            forum,
            None,
            {"name_ar": ar, "name_latin": latin, "job_title": title, "organisation": org, "bio": {}},
            actor=None,
        )
        for key, (ar, latin, title, org) in SPEAKERS.items()
    }
    day1, day2 = forum.starts_on, forum.ends_on

    def add(kind, title, room, start, end, *, people=(), moderator=None, signup=False, theme=None, **extra):
        services.save_session(
            forum,
            None,
            {
                "kind": kind,
                "title": title,
                "description": extra.get("description", {}),
                "theme": theme,
                "room_id": room.id,
                "starts_at": start,
                "ends_at": end,
                "capacity": extra.get("capacity"),
                "is_signup_required": signup,
                "moderator_id": speakers[moderator].id if moderator else None,
                "rapporteur_id": extra.get("rapporteur_id"),
                "speaker_ids": [speakers[p].id for p in people],
            },
            actor=organiser,
        )

    add(
        SessionKind.ceremony,
        {"ar": "الجلسة الافتتاحية", "fr": "Séance d'ouverture", "en": "Opening session"},
        hall,
        _at(day1, 9, 30, forum),
        _at(day1, 10, 30, forum),
        people=["minister", "wali"],
        moderator="moderator",
    )
    add(
        SessionKind.ceremony,
        {"ar": "افتتاح المعرض الموازي", "fr": "Inauguration de l'exposition", "en": "Opening of the exhibition"},
        exhibition,
        _at(day1, 10, 30, forum),
        _at(day1, 11, 0, forum),
        people=["minister"],
    )
    add(
        SessionKind.plenary,
        {
            "ar": "جلسة علمية: الإطار القانوني والتنظيمي للتمويلات البديلة",
            "fr": "Séance plénière : le cadre juridique et réglementaire des financements alternatifs",
            "en": "Plenary session: the legal and regulatory framework of alternative financing",
        },
        hall,
        _at(day1, 11, 15, forum),
        _at(day1, 13, 0, forum),
        people=["jurist", "economist", "banker"],
        moderator="moderator",
        theme="cadre juridique",
    )
    for day, (start, end) in ((day1, ((11, 0), (18, 0))), (day2, ((9, 0), (17, 0)))):
        add(
            SessionKind.exhibition_hours,
            {"ar": "المعرض مفتوح للزوار", "fr": "Exposition ouverte au public", "en": "Exhibition open"},
            exhibition,
            _at(day, *start, forum),
            _at(day, *end, forum),
        )
    for n, (title, theme, people) in enumerate(WORKSHOPS):
        add(
            SessionKind.workshop,
            title,
            rooms[1 + n],
            _at(day2, 9, 30, forum),
            _at(day2, 12, 30, forum),
            people=people,
            moderator="moderator" if n == 0 else None,
            signup=True,
            theme=theme,
            capacity=rooms[1 + n].capacity,
            rapporteur_id=rapporteur.id if rapporteur else None,
        )
    add(
        SessionKind.plenary,
        {
            "ar": "الجلسة الختامية: تقديم توصيات الورشات",
            "fr": "Séance de clôture : restitution des recommandations des ateliers",
            "en": "Closing session: the workshops' recommendations",
        },
        hall,
        _at(day2, 15, 0, forum),
        _at(day2, 16, 30, forum),
        people=["minister"],
        moderator="moderator",
    )
    services.publish(forum, actor=organiser, now=datetime(2026, 2, 2, 9, 0, tzinfo=UTC))
    _signups(forum)
    echo("Programme: 6 rooms, 10 sessions, version 1 published, workshop sign-ups.")


def _signups(forum: Forum) -> None:
    if db.session.scalar(sa.select(Signup.id).join(Session).where(Session.forum_id == forum.id).limit(1)):
        return
    workshops = list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.forum_id == forum.id, Session.kind == SessionKind.workshop)
            .order_by(Session.id)
        )
    )
    participants = db.session.scalars(
        sa.select(Registration)
        .where(Registration.forum_id == forum.id, Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.id)
    ).all()
    for n, registration in enumerate(participants[: len(participants) * 3 // 4]):
        services.sign_up(registration, workshops[n % len(workshops)], now=datetime(2026, 2, 5, 10, 0, tzinfo=UTC))
