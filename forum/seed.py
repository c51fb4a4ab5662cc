"""Demo data for `flask seed-demo`: a realistic forum series laid out around today. Idempotent; modules add
their steps.

The demo lives on the day it is seeded (a day of Africa/Casablanca, `--today` for tests):
- the 6th forum (Drâa-Tafilalet) is happening: its real programme has the opening, the plenary and the
  exhibition on day 1 and the four workshops on day 2, so day 2 is today and day 1 was yesterday. That way
  the rapporteur's workshop is under way today, today's entrance list is the one the desks scan, yesterday's
  arrivals are all recorded and today's partly (up to the demo's clock, `clock()`: 10:30 today, while the
  workshops run, 09:30–12:30) and the recommendations are being collected;
- the 3rd forum (Guelmim-Oued Noun) took place seven months ago and is archived, with its outcomes report
  and a follow-up noted in the months after it (never after today);
- the 7th forum (Souss-Massa) is two months ahead, its registration open and its programme published.
Every time a step writes is derived from these dates, never read from the real clock, so one day gives one
demo. Seeding on another day rebuilds the demo forums for that day (the accounts stay).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from forum import hooks
from forum.auth import services as accounts
from forum.auth.models import Role, User
from forum.badges.services import badge_code
from forum.checkin import services as checkin
from forum.checkin.models import Admission
from forum.events.models import Forum, ForumStatus
from forum.exhibition.models import Booth
from forum.extensions import db
from forum.registration.models import (
    Area,
    Category,
    Gender,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationStatus,
)

DEMO_PASSWORD = "multaqa-demo-2026"  # noqa: S105  (demo accounts only; printed by seed-demo)

DEMO_USERS = [
    # email, name, is_admin, roles in the main demo forum
    ("admin@multaqa.ma", "Platform Admin", True, ()),
    ("organiser@multaqa.ma", "Fatima Zahra Alaoui", False, (Role.organiser,)),
    ("agent@multaqa.ma", "Youssef Amrani", False, (Role.checkin_agent,)),
    ("rapporteur@multaqa.ma", "Khadija Ouahmane", False, (Role.rapporteur,)),
    ("exhibitor@multaqa.ma", "Hicham Benjelloun", False, (Role.exhibitor_staff,)),
]

FORUMS = {
    "draa": dict(
        slug="draa-tafilalet-2026",
        edition=6,
        title={
            "ar": "المنتدى الجهوي السادس للمجتمع المدني - جهة درعة تافيلالت",
            "fr": "6e Forum régional de la société civile - Drâa-Tafilalet",
            "en": "6th Regional Civil Society Forum - Drâa-Tafilalet",
        },
        theme={
            "ar": "التمويلات البديلة: رافعة لتعزيز دور المجتمع المدني في التنمية",
            "fr": "Les financements alternatifs : un levier pour renforcer le rôle de la société civile "
            "dans le développement",
            "en": "Alternative financing: a lever for civil society's role in development",
        },
        description={
            "ar": "يجمع المنتدى الجمعيات والمؤسسات العمومية والخاصة والجهات المانحة والخبراء لبحث سبل "
            "التمويل البديل، مع معرض موازٍ وأربع ورشات موضوعاتية.",
            "fr": "Le forum réunit associations, institutions publiques et privées, bailleurs de fonds et "
            "experts autour des financements alternatifs, avec une exposition parallèle et quatre ateliers "
            "thématiques.",
            "en": "The forum brings together associations, public and private institutions, donors and "
            "experts around alternative financing, with a parallel exhibition and four thematic workshops.",
        },
        venue={
            "ar": "قصر المؤتمرات",
            "fr": "Palais des congrès",
            "en": "Congress Hall",
        },
        region="draa-tafilalet",
        city={"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"},
        capacity=400,
        status=ForumStatus.closed,
    ),
    "guelmim": dict(
        slug="guelmim-oued-noun-2025",
        edition=3,
        title={
            "ar": "المنتدى الجهوي الثالث للمجتمع المدني - جهة كلميم واد نون",
            "fr": "3e Forum régional de la société civile - Guelmim-Oued Noun",
            "en": "3rd Regional Civil Society Forum - Guelmim-Oued Noun",
        },
        theme={
            "ar": "الاقتصاد الاجتماعي والتضامني وإدماج الفئات الهشة",
            "fr": "Économie sociale et solidaire et inclusion des groupes vulnérables",
            "en": "Social and solidarity economy and the inclusion of vulnerable groups",
        },
        description={
            "fr": "Deux journées pour relier les porteurs de projets associatifs aux institutions de "
            "financement, en équilibrant milieux urbain et rural.",
            "ar": "يومان لربط حاملي المشاريع الجمعوية بمؤسسات التمويل، مع مراعاة التوازن بين الوسطين الحضري والقروي.",
        },
        venue={"fr": "Centre culturel", "ar": "المركب الثقافي", "en": "Cultural Centre"},
        region="guelmim-oued-noun",
        city={"ar": "كلميم", "fr": "Guelmim", "en": "Guelmim"},
        capacity=300,
        status=ForumStatus.archived,
    ),
    "souss": dict(
        slug="souss-massa-2027",
        edition=7,
        title={
            "ar": "المنتدى الجهوي السابع للمجتمع المدني - جهة سوس ماسة",
            "fr": "7e Forum régional de la société civile - Souss-Massa",
            "en": "7th Regional Civil Society Forum - Souss-Massa",
        },
        theme={
            "ar": "الرقمنة في خدمة الجمعيات: الحكامة والشفافية والولوج إلى التمويل",
            "fr": "Le numérique au service des associations : gouvernance, transparence et accès aux financements",
            "en": "Digital tools for associations: governance, transparency and access to funding",
        },
        venue={"fr": "Palais des congrès", "ar": "قصر المؤتمرات", "en": "Congress Hall"},
        region="souss-massa",
        city={"ar": "أكادير", "fr": "Agadir", "en": "Agadir"},
        capacity=350,
        status=ForumStatus.open,
    ),
}

# (Arabic, Latin) given names and family names common in the south-east.
WOMEN = [
    ("فاطمة", "Fatima"),
    ("خديجة", "Khadija"),
    ("زينب", "Zineb"),
    ("مريم", "Meryem"),
    ("حفيظة", "Hafida"),
    ("نعيمة", "Naima"),
    ("سعاد", "Souad"),
    ("إيمان", "Imane"),
    ("حنان", "Hanane"),
    ("أمينة", "Amina"),
    ("يطو", "Itto"),
    ("رقية", "Rkia"),
    ("لطيفة", "Latifa"),
    ("هاجر", "Hajar"),
    ("سناء", "Sanaa"),
]
MEN = [
    ("محمد", "Mohamed"),
    ("أحمد", "Ahmed"),
    ("يوسف", "Youssef"),
    ("عبد الله", "Abdellah"),
    ("حسن", "Hassan"),
    ("إبراهيم", "Brahim"),
    ("الحسين", "Lahcen"),
    ("عمر", "Omar"),
    ("رشيد", "Rachid"),
    ("مصطفى", "Mustapha"),
    ("سعيد", "Said"),
    ("علي", "Ali"),
    ("خالد", "Khalid"),
    ("عبد الرحيم", "Abderrahim"),
    ("موحى", "Moha"),
]
FAMILIES = [
    ("العلوي", "Alaoui"),
    ("أوحمان", "Ouahmane"),
    ("الإدريسي", "Idrissi"),
    ("أيت باها", "Ait Baha"),
    ("بوزيان", "Bouziane"),
    ("الحسني", "El Hassani"),
    ("أمزيان", "Amziane"),
    ("الفيلالي", "Filali"),
    ("الدرعي", "Draoui"),
    ("أيت علي", "Ait Ali"),
    ("بنعلي", "Benali"),
    ("الزاكوري", "Zagouri"),
    ("أوبلا", "Oubella"),
    ("الصحراوي", "Sahraoui"),
    ("أمغار", "Amghar"),
    ("التنغيري", "Tinghiri"),
]

ORGANISATIONS = [
    ("جمعية واحة تافيلالت للتنمية", OrganisationKind.association, "errachidia", Area.rural),
    ("Association Ouarzazate Initiatives", OrganisationKind.association, "ouarzazate", Area.urban),
    ("جمعية نساء ميدلت للتنمية المستدامة", OrganisationKind.association, "midelt", Area.urban),
    ("Association Amal Tinghir", OrganisationKind.association, "tinghir", Area.urban),
    ("جمعية أصدقاء واحات زاكورة", OrganisationKind.association, "zagora", Area.rural),
    ("Coopérative féminine Tighmert", OrganisationKind.cooperative, "errachidia", Area.rural),
    ("تعاونية النخيل للتمور - أرفود", OrganisationKind.cooperative, "errachidia", Area.rural),
    ("Coopérative Rose du Dadès", OrganisationKind.cooperative, "tinghir", Area.rural),
    ("جمعية الأمل للأشخاص في وضعية إعاقة", OrganisationKind.association, "ouarzazate", Area.urban),
    ("Association Jeunesse Imilchil", OrganisationKind.association, "midelt", Area.rural),
    ("جمعية سكورة للتنمية القروية", OrganisationKind.association, "ouarzazate", Area.rural),
    ("Association Mhamid El Ghizlane Environnement", OrganisationKind.association, "zagora", Area.rural),
    ("Université Moulay Ismaïl - FST Errachidia", OrganisationKind.academic, "errachidia", Area.urban),
    ("Conseil régional Drâa-Tafilalet", OrganisationKind.elected_body, "errachidia", Area.urban),
    ("Agence de développement social", OrganisationKind.public_institution, "errachidia", Area.urban),
    ("Fondation Solidarité Sud", OrganisationKind.donor, "ouarzazate", Area.urban),
    ("Banque Atlas Finance", OrganisationKind.company, "errachidia", Area.urban),
    ("Radio Drâa FM", OrganisationKind.media, "ouarzazate", Area.urban),
]

PUBLIC_CATEGORY_BY_KIND = {
    OrganisationKind.association: Category.association,
    OrganisationKind.cooperative: Category.cooperative,
    OrganisationKind.company: Category.private_sector,
    OrganisationKind.public_institution: Category.public_sector,
    OrganisationKind.donor: Category.donor,
    OrganisationKind.academic: Category.expert,
    OrganisationKind.media: Category.media,
    OrganisationKind.elected_body: Category.elected,
}


ZONE = ZoneInfo("Africa/Casablanca")
#: the demo's "now" on the current forum's second day: the workshops (09:30–12:30) are under way
CLOCK = time(10, 30)
BASE_URL = "http://127.0.0.1:5000"


def _local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(UTC)


def demo_dates(today: date) -> dict[str, dict]:
    """Each demo forum's days and registration window, laid out around `today` (see the module's notes)."""
    guelmim = today - timedelta(days=212)
    souss = today + timedelta(days=60)
    return {
        "draa": dict(
            starts_on=today - timedelta(days=1),
            ends_on=today,
            registration_opens_at=_local(today - timedelta(days=40)),
            registration_closes_at=_local(today - timedelta(days=3), 23),
        ),
        "guelmim": dict(
            starts_on=guelmim,
            ends_on=guelmim + timedelta(days=1),
            registration_opens_at=_local(guelmim - timedelta(days=45)),
            registration_closes_at=_local(guelmim - timedelta(days=4), 23),
        ),
        "souss": dict(
            starts_on=souss,
            ends_on=souss + timedelta(days=1),
            registration_opens_at=_local(today - timedelta(days=30)),
            registration_closes_at=_local(souss - timedelta(days=3), 23),
        ),
    }


def clock(forums: dict[str, Forum]) -> datetime:
    """The demo's "now" (UTC), which every seed step uses for the times it writes: 10:30 on the current
    forum's last day, which is the day the demo was seeded for."""
    draa = forums["draa"]
    return datetime.combine(draa.ends_on, CLOCK, tzinfo=draa.zone).astimezone(UTC)


def seed(echo: Callable[[str], None], *, today: date | None = None) -> dict[str, Forum]:
    """Create or complete the demo series for `today` (by default today in Morocco); every step looks
    before it adds."""
    today = today or datetime.now(ZONE).date()
    dates = demo_dates(today)
    _move_to(today, dates, echo)
    forums = {key: _forum({**data, **dates[key]}) for key, data in FORUMS.items()}
    users = {email: _user(email, name, is_admin) for email, name, is_admin, _ in DEMO_USERS}
    for email, _name, _admin, roles in DEMO_USERS:
        for role in roles:
            accounts.appoint(users[email], forums["draa"], role, actor=None)
    for key in ("guelmim", "souss"):
        accounts.appoint(users["organiser@multaqa.ma"], forums[key], Role.organiser, actor=None)
    organisations = [_organisation(*row) for row in ORGANISATIONS]
    now = clock(forums)
    _participants(forums["draa"], organisations, count=160, seed_value=6, now=now)
    _participants(forums["guelmim"], organisations, count=60, seed_value=3, now=now)
    _participants(forums["souss"], organisations, count=24, seed_value=7, now=now)
    db.session.commit()
    for step in hooks.seed_steps:
        step(forums, echo)
        db.session.commit()
    echo("Demo forums:")
    for forum in forums.values():
        echo(f"  /f/{forum.slug}/  {forum.title['fr']}  ({forum.starts_on:%d %b %Y}, {forum.status.value})")
    echo(f"Demo logins (password: {DEMO_PASSWORD}):")
    for email, _name, is_admin, roles in DEMO_USERS:
        what = "platform admin" if is_admin else ", ".join(role.value for role in roles) + " (6th forum, today)"
        if Role.organiser in roles:
            what = "organiser of the three forums"
        echo(f"  {email:<24} {what}")
    _try_first(forums, echo)
    return forums


def _move_to(today: date, dates: dict[str, dict], echo: Callable[[str], None]) -> None:
    """Demo forums laid out for another day are deleted with all their rows (the accounts and the shared
    organisations stay), so that the steps build them again for today."""
    slugs = {FORUMS[key]["slug"]: key for key in FORUMS}
    existing = db.session.scalars(sa.select(Forum).where(Forum.slug.in_(slugs))).all()
    stale = [
        f
        for f in existing
        if (f.starts_on, f.ends_on) != (dates[slugs[f.slug]]["starts_on"], dates[slugs[f.slug]]["ends_on"])
    ]
    if not stale:
        return
    ids = [forum.id for forum in existing]
    laid_out_for = next((f.ends_on for f in existing if slugs[f.slug] == "draa"), None)
    # Every other row of a forum goes with it (ON DELETE CASCADE), except booths, which a zone RESTRICTs.
    db.session.execute(sa.delete(Booth).where(Booth.forum_id.in_(ids)))
    db.session.execute(sa.delete(Forum).where(Forum.id.in_(ids)))
    db.session.commit()
    db.session.expunge_all()
    echo(f"The demo was laid out for {laid_out_for or 'another day'}: its forums are rebuilt for {today}.")


def _try_first(forums: dict[str, Forum], echo: Callable[[str], None]) -> None:
    """Three things to try first, with their full addresses."""
    draa, guelmim, souss = forums["draa"], forums["guelmim"], forums["souss"]
    desk = next(iter(checkin.desks_of(draa)), None)
    echo("Try first:")
    echo(f"  1. Register as a participant (7th forum): {BASE_URL}/f/{souss.slug}/register")
    if desk is not None:
        echo(
            "  2. Scan a badge at the desk (sign in as agent@multaqa.ma): "
            f"{BASE_URL}/f/{draa.slug}/checkin/desk/{desk.id}"
        )
        visitor = demo_visitor(draa)
        if visitor is not None:
            echo(f"     type {badge_code(visitor)}  (or search the name: {visitor.name_latin})")
        echo(f"     or rehearse, nothing counts: {BASE_URL}/f/{draa.slug}/checkin/desk/{desk.id}?rehearsal=1")
    echo(
        "  3. Open the outcomes report (sign in as organiser@multaqa.ma): "
        f"{BASE_URL}/f/{guelmim.slug}/manage/recommendations/report"
    )


def demo_visitor(forum: Forum) -> Registration | None:
    """A confirmed participant of the current forum who has not come in yet today: the badge to try (one
    who agreed to share their contact details, so the same badge also gives the exhibitor a lead)."""
    today = clock({"draa": forum}).astimezone(forum.zone).date()
    entrance = checkin.entrance_list(forum, today)
    query = (
        sa.select(Registration)
        .where(
            Registration.forum_id == forum.id,
            Registration.status == RegistrationStatus.confirmed,
            Registration.shares_contact.is_(True),
        )
        .order_by(Registration.id)
        .limit(1)
    )
    if entrance is not None:
        inside = sa.select(Admission.registration_id).where(Admission.list_id == entrance.id)
        query = query.where(Registration.id.not_in(inside))
    return db.session.scalar(query)


def _forum(data: dict) -> Forum:
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == data["slug"]))
    if forum is None:
        forum = Forum(**data)
        db.session.add(forum)
        db.session.flush()
    elif not data["city"].keys() <= forum.city.keys():
        # a demo laid out before cities had a name per language: the migration kept the Latin one only
        forum.city = {**data["city"], **forum.city}
    return forum


def _user(email: str, name: str, is_admin: bool) -> User:
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(
            email, name, DEMO_PASSWORD, is_admin=is_admin, locale="ar" if not is_admin else "fr"
        )
    return user


def _organisation(name: str, kind: OrganisationKind, province: str, area: Area) -> Organisation:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, kind=kind, province=province, area=area)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def _participants(
    forum: Forum, organisations: list[Organisation], *, count: int, seed_value: int, now: datetime
) -> None:
    """Participants with Arabic and Latin names from the region's provinces, urban and rural."""
    existing = db.session.scalar(sa.select(sa.func.count()).where(Registration.forum_id == forum.id))
    if existing:
        return
    rng = random.Random(seed_value)
    provinces = ["errachidia", "ouarzazate", "midelt", "tinghir", "zagora"]
    if forum.region == "guelmim-oued-noun":
        provinces = ["guelmim", "tan-tan", "sidi-ifni", "assa-zag"]
    elif forum.region == "souss-massa":
        provinces = ["agadir-ida-outanane", "inezgane-ait-melloul", "taroudant", "tiznit", "chtouka-ait-baha"]
    statuses = [RegistrationStatus.confirmed] * 7 + [RegistrationStatus.pending] * 2 + [RegistrationStatus.waitlisted]
    if forum.status == ForumStatus.open:
        statuses = [RegistrationStatus.pending] * 3 + [RegistrationStatus.confirmed]
    # They signed up one after another while registration was open (until now, for an open forum).
    opens = forum.registration_opens_at
    step = (min(forum.registration_closes_at, now - timedelta(hours=1)) - opens) / count
    for n in range(count):
        signed_up_at = opens + step * n
        gender = Gender.female if rng.random() < 0.45 else Gender.male
        given = rng.choice(WOMEN if gender == Gender.female else MEN)
        family = rng.choice(FAMILIES)
        organisation = rng.choice(organisations)
        latin = f"{given[1]} {family[1]}"
        email = f"{given[1]}.{family[1]}.{n}".lower().replace(" ", "") + "@example.ma"
        db.session.add(
            Registration(
                forum_id=forum.id,
                organisation=organisation,
                name_ar=f"{given[0]} {family[0]}",
                name_latin=latin,
                email=email,
                phone=f"+2126{rng.randint(10000000, 99999999)}",
                category=PUBLIC_CATEGORY_BY_KIND[organisation.kind],
                gender=gender,
                province=rng.choice(provinces),
                area=Area.rural if rng.random() < 0.5 else Area.urban,
                locale=rng.choice(["ar", "ar", "fr"]),
                has_disability=rng.random() < 0.06,
                shares_contact=rng.random() < 0.7,
                status=rng.choice(statuses),
                created_at=signed_up_at,
                consent_at=signed_up_at,
                email_confirmed_at=signed_up_at + timedelta(minutes=20),
            )
        )
    db.session.flush()
