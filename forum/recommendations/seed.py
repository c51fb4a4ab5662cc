"""Demo recommendations for `flask seed-demo`: the 6th forum's four workshops, and a few for the 3rd forum."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from forum.auth import services as accounts
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session, SessionKind
from forum.recommendations import services
from forum.recommendations.models import FollowUpStatus, Priority, Recommendation, TargetActor
from forum.registration.models import Registration, RegistrationStatus
from forum.seed import clock

A = TargetActor
# (keywords that recognise the workshop in its French or Arabic title, theme, recommendations)
DRAA_WORKSHOPS = [
    (
        ("étude", "comparative", "دراس"),
        "Cadre de référence",
        [
            (
                "إحداث إطار قانوني خاص بالتمويل البديل للجمعيات يستلهم التجارب المقارنة لكندا وفرنسا وكينيا",
                A.government,
                Priority.high,
            ),
            (
                "Créer un observatoire régional des financements associatifs "
                "publiant chaque année les montants mobilisés par source",
                A.local_authorities,
                Priority.medium,
            ),
            (
                "Adapter au contexte marocain le modèle kényan des fonds communautaires gérés par les associations",
                A.donors,
                Priority.medium,
            ),
            (
                "Simplifier les procédures de déclaration des dons et legs reçus par les associations",
                A.government,
                Priority.high,
            ),
            (
                "نشر خلاصات الدراسات المقارنة حول التمويل البديل باللغتين العربية والأمازيغية وتيسير الولوج إليها",
                A.associations,
                Priority.low,
            ),
        ],
    ),
    (
        ("génératrices", "revenus", "المدرة"),
        "Activités génératrices de revenus",
        [
            (
                "تمكين الجمعيات من ممارسة أنشطة مدرة للدخل بشكل قانوني دون فقدان صفتها غير الربحية",
                A.government,
                Priority.high,
            ),
            (
                "Accompagner les coopératives féminines des oasis vers la "
                "labellisation de leurs produits (dattes, rose, henné)",
                A.local_authorities,
                Priority.medium,
            ),
            (
                "Mettre en place des formations en gestion financière et "
                "comptabilité pour les associations porteuses d'AGR",
                A.donors,
                Priority.medium,
            ),
            (
                "تخصيص فضاءات بالمعارض الجهوية لتسويق منتوجات الجمعيات والتعاونيات بالمجان",
                A.local_authorities,
                Priority.low,
            ),
            (
                "Réinvestir une part fixe des bénéfices des AGR dans les "
                "projets sociaux de l'association et la publier",
                A.associations,
                Priority.medium,
            ),
        ],
    ),
    (
        ("participatif", "crowdfunding", "الجماعي", "المنصات"),
        "Financement participatif",
        [
            (
                "تسريع إصدار النصوص التطبيقية للقانون 15.18 المتعلق بالتمويل التعاوني لفائدة الجمعيات",
                A.government,
                Priority.high,
            ),
            (
                "Créer une plateforme nationale de financement participatif dédiée aux "
                "projets associatifs, avec vérification des porteurs",
                A.government,
                Priority.high,
            ),
            (
                "Former les jeunes des associations à la communication "
                "numérique pour réussir leurs campagnes de collecte",
                A.associations,
                Priority.medium,
            ),
            (
                "Garantir la transparence des collectes en ligne par un rapport public sur l'utilisation des fonds",
                A.associations,
                Priority.medium,
            ),
            (
                "إشراك البنوك ومؤسسات الأداء الإلكتروني في خفض عمولات التبرعات الرقمية للجمعيات",
                A.private_sector,
                Priority.low,
            ),
        ],
    ),
    (
        ("responsabilité", "sociale", "المسؤولية"),
        "Responsabilité sociétale des entreprises",
        [
            (
                "Créer un guichet régional mettant en relation entreprises et "
                "associations pour le mécénat de compétences",
                A.private_sector,
                Priority.high,
            ),
            (
                "تحفيز المقاولات جبائياً على تمويل مشاريع الجمعيات في المناطق القروية والواحات",
                A.government,
                Priority.high,
            ),
            (
                "Signer des conventions pluriannuelles entreprise–association plutôt que des dons ponctuels",
                A.private_sector,
                Priority.medium,
            ),
            (
                "إعداد دليل جهوي لممارسات المسؤولية الاجتماعية للمقاولات بشراكة مع الجمعيات",
                A.associations,
                Priority.medium,
            ),
            (
                "Associer les associations à l'évaluation des programmes RSE financés dans la région",
                A.private_sector,
                Priority.low,
            ),
        ],
    ),
]
#: a duplicate submitted in the crowdfunding workshop, merged by the organisers into its second entry
DUPLICATE = ("Mettre en place une plateforme nationale de crowdfunding pour les associations", A.government)

GUELMIM = [
    ("Créer un fonds régional d'amorçage pour les coopératives de femmes de Guelmim-Oued Noun", A.local_authorities),
    ("تيسير ولوج الأشخاص في وضعية إعاقة إلى تمويلات الاقتصاد الاجتماعي والتضامني", A.government),
    ("Équilibrer les appels à projets entre milieu urbain et milieu rural dans la région", A.donors),
    (
        "Accompagner les associations de Tan-Tan et d'Assa-Zag dans la commercialisation des produits du terroir",
        A.private_sector,
    ),
]

#: (responsible, status, note, days after the forum) for the first of GUELMIM
GUELMIM_FOLLOW_UP = [
    (
        "Conseil régional Guelmim-Oued Noun",
        FollowUpStatus.in_progress,
        "Fonds d'amorçage voté en session ; premier appel à projets en préparation.",
        60,
    ),
    (
        "Ministère de la Solidarité, de l'Insertion sociale et de la Famille",
        FollowUpStatus.in_progress,
        "Guichet d'accompagnement ouvert à Guelmim pour les porteurs de projets en situation de handicap.",
        120,
    ),
    ("Agence de développement social", FollowUpStatus.done, "Grille de l'appel à projets 2025 rééquilibrée.", 150),
]


def seed_recommendations(forums: dict[str, Forum], echo: Callable[[str], None]) -> None:
    """Recommendations being collected at the 6th forum, decided and followed up at the 3rd; nothing is
    added twice."""
    now = clock(forums)
    draa, guelmim = forums.get("draa"), forums.get("guelmim")
    if draa is not None:
        _seed_draa(draa, now, echo)
    if guelmim is not None:
        _seed_guelmim(guelmim, now, echo)


def _has_recommendations(forum: Forum) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).where(Recommendation.forum_id == forum.id)))


def _during(forum: Forum, day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=forum.zone).replace(hour=hour).astimezone(UTC)


def _organiser(forum: Forum):
    return accounts.find_user("organiser@multaqa.ma") or accounts.find_user("admin@multaqa.ma")


def _match(sessions: list[Session]) -> list[tuple[Session, tuple]]:
    """Pair each demo workshop with a programme workshop, by title keywords, else by order."""
    free = list(sessions)
    pairs = []
    for spec in DRAA_WORKSHOPS:
        keywords = spec[0]
        found = next((s for s in free if any(k.lower() in " ".join(s.title.values()).lower() for k in keywords)), None)
        if found is not None:
            free.remove(found)
            pairs.append((found, spec))
    for spec in DRAA_WORKSHOPS:
        if all(spec is not paired for _, paired in pairs) and free:
            pairs.append((free.pop(0), spec))
    return pairs


def _supporters(forum: Forum) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.forum_id == forum.id, Registration.status == RegistrationStatus.confirmed)
            .order_by(Registration.id)
        )
    )


def _seed_draa(forum: Forum, now: datetime, echo: Callable[[str], None]) -> None:
    """The workshops are under way (the demo's clock): the rapporteur has entered the first
    recommendations, participants support them, a duplicate is merged; nothing is decided yet."""
    if _has_recommendations(forum):
        return
    sessions = services.workshops(forum)
    if not sessions:
        echo("recommendations: no workshop in the programme of the 6th forum yet; skipped")
        return
    organiser = _organiser(forum)
    supporters = _supporters(forum)
    rng = random.Random(50)
    for session, (_keywords, theme, items) in _match(sessions):
        author = session.rapporteur or organiser
        if not services.can_edit_workshop(author, session):
            author = organiser
        during = min(session.starts_at + timedelta(minutes=15), now - timedelta(hours=1))
        added = []
        for n, (text, actor, priority) in enumerate(items):
            added.append(
                services.add_recommendation(
                    session,
                    text=text,
                    theme=theme,
                    target_actor=actor,
                    priority=priority,
                    actor=author,
                    now=during + timedelta(minutes=7 * n),
                )
            )
        supported = now - timedelta(minutes=10)
        for recommendation in added:
            for registration in rng.sample(supporters, k=min(len(supporters), rng.randint(4, 28))):
                services.endorse(recommendation, registration, now=supported)
        if "participatif" in theme.lower() and supporters:
            duplicate = services.add_recommendation(
                session,
                text=DUPLICATE[0],
                theme=theme,
                target_actor=DUPLICATE[1],
                registration=supporters[0],
                now=during + timedelta(minutes=30),
            )
            for registration in supporters[:9]:
                services.endorse(duplicate, registration, now=supported)
            services.merge([duplicate], added[1], actor=organiser, now=now - timedelta(minutes=5))
    echo(f"recommendations: {len(sessions)} workshops of the 6th forum collecting recommendations")


def _seed_guelmim(forum: Forum, now: datetime, echo: Callable[[str], None]) -> None:
    """An archived forum: its recommendations accepted on its last day, their follow-up noted in the
    months after it (never after the demo's today)."""
    if _has_recommendations(forum):
        return
    organiser = _organiser(forum)
    sessions = services.workshops(forum)
    if not sessions:
        start = _during(forum, forum.ends_on, 10)
        sessions = [
            Session(
                forum_id=forum.id,
                kind=SessionKind.workshop,
                title={
                    "ar": "ورشة: الاقتصاد الاجتماعي والتضامني وإدماج الفئات الهشة",
                    "fr": "Atelier : économie sociale et solidaire et inclusion des groupes vulnérables",
                },
                theme="Économie sociale et solidaire",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            )
        ]
        db.session.add(sessions[0])
        db.session.flush()
    supporters = _supporters(forum)
    rng = random.Random(3)
    during = _during(forum, forum.ends_on, 11)
    for n, (text, actor) in enumerate(GUELMIM):
        recommendation = services.add_recommendation(
            sessions[n % len(sessions)],
            text=text,
            theme="Économie sociale et solidaire",
            target_actor=actor,
            actor=organiser,
            now=during,
        )
        for registration in rng.sample(supporters, k=min(len(supporters), rng.randint(3, 15))):
            services.endorse(recommendation, registration, now=during + timedelta(hours=1))
        services.accept(recommendation, actor=organiser, now=during + timedelta(hours=4))
        if n < len(GUELMIM_FOLLOW_UP):
            responsible, status, note, days = GUELMIM_FOLLOW_UP[n]
            noted = forum.ends_on + timedelta(days=days)
            if noted < now.astimezone(forum.zone).date():
                services.update_follow_up(
                    recommendation,
                    responsible=responsible,
                    status=status,
                    note=note,
                    noted_on=noted,
                    actor=organiser,
                    now=_during(forum, noted, 10),
                )
    echo("recommendations: the 3rd forum's recommendations added, with their follow-up")
