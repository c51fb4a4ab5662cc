"""Demo programmes: the 6th forum's real one (Drâa-Tafilalet, Errachidia; held 13–14 February 2026, laid out
by the demo on yesterday and today) and an invented one for the 7th (Souss-Massa, Agadir). Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from forum.auth import services as accounts
from forum.events.models import Forum
from forum.extensions import db
from forum.programme import services
from forum.programme.models import Session, SessionKind, Signup
from forum.registration.models import Registration, RegistrationStatus
from forum.seed import clock

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


OPENING = {"ar": "الجلسة الافتتاحية", "fr": "Séance d'ouverture", "en": "Opening session"}
CLOSING = {
    "ar": "الجلسة الختامية: تقديم توصيات الورشات",
    "fr": "Séance de clôture : restitution des recommandations des ateliers",
    "en": "Closing session: the workshops' recommendations",
}

SOUSS_ROOMS = [
    (("القاعة الكبرى", "Grande salle", "Main hall"), 350, True),
    (("قاعة أركان", "Salle Argane", "Argane room"), 60, True),
    (("قاعة تافراوت", "Salle Tafraout", "Tafraout room"), 60, True),
    (("قاعة ماسة", "Salle Massa", "Massa room"), 50, True),
    (("قاعة إيموزار", "Salle Imouzzer", "Imouzzer room"), 40, False),
]

SOUSS_SPEAKERS = {
    "minister": SPEAKERS["minister"],
    "wali": ("والي جهة سوس ماسة", "Le Wali de la région Souss-Massa", "Wali", "Wilaya Souss-Massa"),
    "academic": ("إبراهيم أيت لحسن", "Brahim Ait Lahcen", "Professeur d'informatique", "Université Ibn Zohr"),
    "agency": ("سناء أمغار", "Sanaa Amghar", "Cheffe de projet", "Agence de développement du digital"),
    "accountant": ("رشيد أوبلا", "Rachid Oubella", "Expert-comptable", "Ordre des experts-comptables"),
    "communication": ("مريم الصحراوي", "Meryem Sahraoui", "Journaliste", "Radio Souss FM"),
    "privacy": ("عمر بوزيان", "Omar Bouziane", "Juriste", "Commission de protection des données personnelles"),
    "association": ("يطو أمزيان", "Itto Amziane", "Présidente", "Réseau des associations de Tiznit"),
    "moderator": ("خالد الإدريسي", "Khalid Idrissi", "Journaliste", "Radio Souss FM"),
}

SOUSS_WORKSHOPS = [
    # title, theme, speakers, day (0 or 1), start, end, seats
    (
        {
            "ar": "التدبير الجمعوي الرقمي: المحاسبة والمنخرطون والتقارير",
            "fr": "Gestion associative en ligne : comptabilité, adhérents et rapports",
            "en": "Running an association online: accounts, members and reports",
        },
        "gestion",
        ["accountant", "association"],
        (0, (14, 30), (17, 0)),
        40,
    ),
    (
        {
            "ar": "المنصات العمومية الرقمية: التصريح بالجمعيات وطلبات الدعم العمومي",
            "fr": "Les plateformes publiques en ligne : déclaration des associations et demandes de subventions",
            "en": "Public platforms online: declaring an association and applying for public grants",
        },
        "financements",
        ["agency"],
        (0, (14, 30), (17, 0)),
        40,
    ),
    (
        {
            "ar": "التواصل الرقمي وشبكات التواصل الاجتماعي في خدمة العمل الجمعوي",
            "fr": "Communication numérique et réseaux sociaux au service de l'action associative",
            "en": "Digital communication and social media for associations",
        },
        "communication",
        ["communication", "academic"],
        (1, (9, 30), (12, 30)),
        35,
    ),
    (
        {
            "ar": "حماية المعطيات الشخصية (القانون 09-08) والأمن الرقمي للجمعيات",
            "fr": "Protection des données personnelles (loi 09-08) et cybersécurité des associations",
            "en": "Personal data protection (law 09-08) and cybersecurity for associations",
        },
        "données",
        ["privacy"],
        (1, (9, 30), (12, 30)),
        30,
    ),
]


def _at(day: date, hour: int, minute: int, forum: Forum) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=forum.zone).astimezone(UTC)


def seed_programme(forums: dict[str, Forum], echo: Callable[[str], None]) -> None:
    now = clock(forums)
    _seed_draa(forums["draa"], now, echo)
    if "souss" in forums:
        _seed_souss(forums["souss"], now, echo)


def _has_sessions(forum: Forum) -> bool:
    return bool(db.session.scalar(sa.select(Session.id).where(Session.forum_id == forum.id).limit(1)))


class _Builder:
    """Rooms, speakers and sessions of one demo programme, saved through the programme's services."""

    def __init__(self, forum: Forum, rooms: list, speakers: dict) -> None:
        self.forum = forum
        self.organiser = accounts.find_user("organiser@multaqa.ma")
        self.rooms = [
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
            for n, (names, seats, ok) in enumerate(rooms)
        ]
        self.speakers = {
            key: services.save_speaker(
                forum,
                None,
                {"name_ar": ar, "name_latin": latin, "job_title": title, "organisation": org, "bio": {}},
                actor=None,
            )
            for key, (ar, latin, title, org) in speakers.items()
        }

    def add(self, kind, title, room, start, end, *, people=(), moderator=None, signup=False, theme=None, **extra):
        services.save_session(
            self.forum,
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
                "moderator_id": self.speakers[moderator].id if moderator else None,
                "rapporteur_id": extra.get("rapporteur_id"),
                "speaker_ids": [self.speakers[p].id for p in people],
            },
            actor=self.organiser,
        )


def _seed_draa(forum: Forum, now: datetime, echo: Callable[[str], None]) -> None:
    if _has_sessions(forum):
        return
    rapporteur = accounts.find_user("rapporteur@multaqa.ma")
    build = _Builder(forum, ROOMS, SPEAKERS)
    add, rooms = build.add, build.rooms
    hall, exhibition = rooms[0], rooms[-1]
    day1, day2 = forum.starts_on, forum.ends_on
    add(
        SessionKind.ceremony,
        OPENING,
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
        CLOSING,
        hall,
        _at(day2, 15, 0, forum),
        _at(day2, 16, 30, forum),
        people=["minister"],
        moderator="moderator",
    )
    services.publish(forum, actor=build.organiser, now=now - timedelta(days=12))
    _signups(forum, now - timedelta(days=8))
    echo("Programme: 6 rooms, 10 sessions, version 1 published, workshop sign-ups.")


def _seed_souss(forum: Forum, now: datetime, echo: Callable[[str], None]) -> None:
    """Two days in Agadir on digital tools for associations: plenaries, four workshops to sign up to."""
    if _has_sessions(forum):
        return
    build = _Builder(forum, SOUSS_ROOMS, SOUSS_SPEAKERS)
    add, hall = build.add, build.rooms[0]
    day1, day2 = forum.starts_on, forum.ends_on
    add(
        SessionKind.ceremony,
        OPENING,
        hall,
        _at(day1, 9, 30, forum),
        _at(day1, 10, 30, forum),
        people=["minister", "wali"],
        moderator="moderator",
    )
    add(
        SessionKind.plenary,
        {
            "ar": "جلسة علمية: التحول الرقمي للجمعيات، الحكامة والشفافية والولوج إلى التمويل",
            "fr": "Séance plénière : la transformation numérique des associations, gouvernance, transparence "
            "et accès aux financements",
            "en": "Plenary session: the digital transformation of associations, governance, transparency "
            "and access to funding",
        },
        hall,
        _at(day1, 10, 45, forum),
        _at(day1, 12, 30, forum),
        people=["academic", "agency", "association"],
        moderator="moderator",
        theme="gouvernance",
    )
    for n, (title, theme, people, (day, start, end), seats) in enumerate(SOUSS_WORKSHOPS):
        add(
            SessionKind.workshop,
            title,
            build.rooms[1 + n],
            _at((day1, day2)[day], *start, forum),
            _at((day1, day2)[day], *end, forum),
            people=people,
            signup=True,
            theme=theme,
            capacity=seats,
        )
    add(
        SessionKind.plenary,
        CLOSING,
        hall,
        _at(day2, 15, 0, forum),
        _at(day2, 16, 30, forum),
        people=["wali"],
        moderator="moderator",
    )
    services.publish(forum, actor=build.organiser, now=now - timedelta(days=7))
    _signups(forum, now - timedelta(days=2), share=(1, 2))
    echo(f"Programme: {len(SOUSS_WORKSHOPS)} workshops of the 7th forum published, open for sign-up.")


def _signups(forum: Forum, at: datetime, *, share: tuple[int, int] = (3, 4)) -> None:
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
    for n, registration in enumerate(participants[: len(participants) * share[0] // share[1]]):
        services.sign_up(registration, workshops[n % len(workshops)], now=at)
