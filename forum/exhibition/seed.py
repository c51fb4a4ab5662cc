"""Demo exhibition of the 6th forum (Drâa-Tafilalet): 40 booths in three zones, exhibitors of every
kind, applications, published booths and a couple of leads for the demo exhibitor account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context

from forum.auth import services as accounts
from forum.badges.services import badge_code
from forum.events.models import Forum
from forum.exhibition import services
from forum.exhibition.models import Booth, BoothTier, ExhibitorStatus, ExhibitorTier, Sector, Zone
from forum.extensions import db
from forum.registration.models import OrganisationKind, Registration, RegistrationStatus

DEMO_EXHIBITOR_EMAIL = "exhibitor@multaqa.ma"

ZONES = [
    # code, names, booths in each of its two rows, first row y
    (
        "A",
        {"ar": "المؤسسات العمومية والمانحون", "fr": "Institutions et bailleurs", "en": "Institutions and donors"},
        6,
        0,
    ),
    ("B", {"ar": "المقاولات", "fr": "Entreprises", "en": "Companies"}, 7, 8),
    (
        "C",
        {"ar": "الجمعيات والتعاونيات", "fr": "Associations et coopératives", "en": "Associations and cooperatives"},
        7,
        16,
    ),
]

# name, kind, sector, tier, offers, seeks, description (fr, ar), choices (booth codes or "zone:X"), booth to publish
EXHIBITORS = [
    (
        "Banque Atlas Finance",
        OrganisationKind.company,
        Sector.finance,
        ExhibitorTier.sponsor,
        ["funding", "in_kind", "training"],
        ["skills"],
        (
            "Micro-crédit, comptes associatifs et programme RSE pour les projets générateurs de revenus.",
            "قروض صغرى وحسابات للجمعيات وبرنامج للمسؤولية الاجتماعية لدعم الأنشطة المدرة للدخل.",
        ),
        ["B1", "B2", "zone:B"],
        "B1",
    ),
    (
        "Fondation Solidarité Sud",
        OrganisationKind.donor,
        Sector.social_economy,
        ExhibitorTier.partner,
        ["funding", "training"],
        [],
        (
            "Appels à projets pour les associations des oasis : eau, femmes rurales, jeunesse.",
            "طلبات مشاريع لجمعيات الواحات: الماء، النساء القرويات، الشباب.",
        ),
        ["A1", "A2", "zone:A"],
        "A1",
    ),
    (
        "Agence de développement social",
        OrganisationKind.public_institution,
        Sector.public_service,
        ExhibitorTier.partner,
        ["funding", "training"],
        [],
        ("Accompagnement et financement des projets associatifs de proximité.", "مواكبة وتمويل مشاريع القرب الجمعوية."),
        ["A3", "A4", "zone:A"],
        "A3",
    ),
    (
        "Office régional de mise en valeur agricole du Tafilalet",
        OrganisationKind.public_institution,
        Sector.agriculture,
        ExhibitorTier.partner,
        ["equipment", "training"],
        [],
        (
            "Programmes d'irrigation, palmiers dattiers et appui aux coopératives agricoles.",
            "برامج السقي ونخيل التمر ودعم التعاونيات الفلاحية.",
        ),
        ["A5", "A6", "zone:A"],
        "A5",
    ),
    (
        "INDH - Province d'Errachidia",
        OrganisationKind.public_institution,
        Sector.public_service,
        ExhibitorTier.partner,
        ["funding"],
        [],
        (
            "Initiative nationale pour le développement humain : appels à projets provinciaux.",
            "المبادرة الوطنية للتنمية البشرية: طلبات المشاريع الإقليمية.",
        ),
        ["A7", "A8", "zone:A"],
        "A7",
    ),
    (
        "Programme Partenariats Solidaires",
        OrganisationKind.donor,
        Sector.social_economy,
        ExhibitorTier.sponsor,
        ["funding", "skills"],
        [],
        (
            "Programme de coopération qui rapproche associations et entreprises par le mécénat de compétences.",
            "برنامج تعاون يقرب بين الجمعيات والمقاولات عبر رعاية الكفاءات.",
        ),
        ["A2", "A9", "zone:A"],
        "A2",
    ),
    (
        "Atlas Solar Énergies",
        OrganisationKind.company,
        Sector.environment,
        ExhibitorTier.standard,
        ["equipment", "in_kind"],
        ["skills"],
        (
            "Pompage solaire pour les oasis et formation de techniciens locaux.",
            "الضخ بالطاقة الشمسية للواحات وتكوين تقنيين محليين.",
        ),
        ["B3", "B4", "zone:B"],
        "B3",
    ),
    (
        "Tafilalet Digital Services",
        OrganisationKind.company,
        Sector.digital,
        ExhibitorTier.standard,
        ["skills", "training", "equipment"],
        [],
        (
            "Sites web, gestion financière en ligne et financement participatif pour les associations.",
            "مواقع إلكترونية وتدبير مالي رقمي وتمويل تشاركي للجمعيات.",
        ),
        ["B5", "B6", "zone:B"],
        "B5",
    ),
    (
        "Draa Dates Export",
        OrganisationKind.company,
        Sector.agriculture,
        ExhibitorTier.standard,
        ["in_kind"],
        ["skills"],
        (
            "Export de dattes : partenariats avec les coopératives féminines.",
            "تصدير التمور: شراكات مع التعاونيات النسائية.",
        ),
        ["B7", "B8", "zone:B"],
        None,
    ),
    (
        "Oasis Assurances",
        OrganisationKind.company,
        Sector.finance,
        ExhibitorTier.standard,
        ["in_kind", "funding"],
        [],
        ("Micro-assurance santé pour les membres des coopératives.", "التأمين الصغير الصحي لأعضاء التعاونيات."),
        ["B1", "B9", "zone:B"],
        None,
    ),
    (
        "جمعية واحة تافيلالت للتنمية",
        OrganisationKind.association,
        Sector.agriculture,
        ExhibitorTier.standard,
        [],
        ["funding", "equipment"],
        ("Préservation des oasis et formation des jeunes agriculteurs.", "الحفاظ على الواحات وتكوين الفلاحين الشباب."),
        ["C1", "C2", "zone:C"],
        "C1",
    ),
    (
        "Coopérative féminine Tighmert",
        OrganisationKind.cooperative,
        Sector.crafts,
        ExhibitorTier.standard,
        [],
        ["funding", "training"],
        ("Tissage et produits du terroir par les femmes de Tighmert.", "النسيج والمنتجات المحلية لنساء تغمرت."),
        ["C3", "C4", "zone:C"],
        "C3",
    ),
    (
        "تعاونية النخيل للتمور - أرفود",
        OrganisationKind.cooperative,
        Sector.agriculture,
        ExhibitorTier.standard,
        [],
        ["equipment", "in_kind"],
        ("Dattes de Erfoud conditionnées par la coopérative.", "تمور أرفود معبأة من طرف التعاونية."),
        ["C5", "C3", "zone:C"],
        None,
    ),
    (
        "Coopérative Rose du Dadès",
        OrganisationKind.cooperative,
        Sector.crafts,
        ExhibitorTier.standard,
        [],
        ["funding"],
        ("Eau de rose et cosmétiques naturels de la vallée du Dadès.", "ماء الورد ومستحضرات طبيعية من وادي دادس."),
        ["C5", "C6", "zone:C"],
        None,
    ),
    (
        "جمعية الأمل للأشخاص في وضعية إعاقة",
        OrganisationKind.association,
        Sector.health,
        ExhibitorTier.standard,
        [],
        ["funding", "skills"],
        ("Inclusion des personnes en situation de handicap.", "إدماج الأشخاص في وضعية إعاقة."),
        ["C7", "C8", "zone:C"],
        None,
    ),
    (
        "Association Mhamid El Ghizlane Environnement",
        OrganisationKind.association,
        Sector.environment,
        ExhibitorTier.standard,
        [],
        ["funding", "equipment"],
        ("Lutte contre l'ensablement et écotourisme.", "محاربة زحف الرمال والسياحة البيئية."),
        ["C9", "C10", "zone:C"],
        None,
    ),
]


def _layout() -> list[dict]:
    """Two back-to-back rows of 3 m × 3 m booths per zone; the row ends are corner booths."""
    rows = []
    for code, _names, per_row, top in ZONES:
        number = 1
        for row in range(2):
            for column in range(per_row):
                corner = column in (0, per_row - 1)
                rows.append(
                    dict(
                        code=f"{code}{number}",
                        zone_code=code,
                        area_m2=12 if code == "A" else 9,
                        x=column * 3,
                        y=top + row * 3,
                        width=3,
                        height=3,
                        tier=BoothTier.corner if corner else (BoothTier.premium if code == "A" else BoothTier.standard),
                        has_power=code != "C" or column % 2 == 0,
                        has_water=code == "C" and column < 2,
                        has_wall=row == 0,
                    )
                )
                number += 1
    return rows


def seed(forum: Forum, echo: Callable[[str], None], *, now: datetime) -> None:
    """`now` is the demo's clock: the forum is under way, its booths published a few days before."""
    if services.find_exhibition(forum) is not None:
        return
    if has_request_context():
        _seed(forum, echo, now)
        return
    # Staff badges and links are built with url_for, which needs a request outside a web request.
    with current_app.test_request_context("/"):
        _seed(forum, echo, now)


def _seed(forum: Forum, echo: Callable[[str], None], now: datetime) -> None:
    organiser = accounts.find_user("organiser@multaqa.ma")
    exhibition = services.get_exhibition(forum)
    opening = datetime.combine(forum.starts_on, time(9), tzinfo=forum.zone).astimezone(UTC)
    exhibition.applications_close_at = opening - timedelta(days=7, hours=10)
    zones: dict[str, Zone] = {}
    for code, names, _per_row, _top in ZONES:
        zones[code] = services.save_zone(forum, None, code=code, name=names, actor=organiser)
    booths: dict[str, Booth] = {}
    for data in _layout():
        data["zone_id"] = zones[data.pop("zone_code")].id
        booth = services.save_booth(forum, None, data, actor=organiser)
        booths[booth.code] = booth
    demo_user = accounts.find_user(DEMO_EXHIBITOR_EMAIL)
    applied_at = opening - timedelta(days=32)
    for n, (name, kind, sector, tier, offers, seeks, (fr, ar), choices, booth_code) in enumerate(EXHIBITORS):
        exhibitor = services.create_exhibitor(
            forum,
            name=name,
            kind=kind,
            contact_email=f"exposant{n + 1}@example.ma",
            contact_name=None,
            status=ExhibitorStatus.approved,
            tier=tier,
            sector=sector,
            offers=offers,
            seeks=seeks,
            description={"fr": fr, "ar": ar},
            decided_at=applied_at,
        )
        if n == 0 and demo_user is not None:
            staff = services.add_staff(exhibitor, demo_user.email, demo_user.name, actor=organiser, locale="ar")
            staff.registration.name_ar = staff.registration.name_ar or "هشام بنجلون"
        services.submit_application(
            exhibitor,
            choices=[f"z{zones[c[5:]].id}" if c.startswith("zone:") else f"b{booths[c].id}" for c in choices],
            needs_power=kind in (OrganisationKind.company, OrganisationKind.public_institution),
            needs_water=False,
            needs_wall=False,
            min_area_m2=0,
            showcase=fr,
            actor=organiser,
            now=applied_at + timedelta(hours=n * 5),
        )
        if booth_code:
            assignment = services.assign(booths[booth_code], exhibitor, actor=organiser, now=applied_at)
            assignment.is_published = True
        if n == 0 and demo_user is not None:
            _demo_leads(forum, exhibitor, demo_user, opening + timedelta(hours=2, minutes=30))
    exhibition.published_at = opening - timedelta(days=5)
    db.session.flush()
    echo(f"Exhibition: {len(booths)} booths, {len(EXHIBITORS)} exhibitors ({forum.slug}).")


def _demo_leads(forum: Forum, exhibitor, user, at: datetime) -> None:
    """Two visitors scanned on the first day, by the exhibition's opening."""
    visitors = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.forum_id == forum.id,
            Registration.status == RegistrationStatus.confirmed,
            Registration.shares_contact.is_(True),
            Registration.category != "exhibitor",
        )
        .order_by(Registration.id)
        .limit(2)
    ).all()
    notes = ["Intéressée par le micro-crédit pour sa coopérative.", "Rappeler après le forum : compte associatif."]
    for visitor, note in zip(visitors, notes, strict=False):
        outcome = services.record_lead(exhibitor, badge_code(visitor), actor=user, now=at)
        services.update_note(outcome.lead, note, actor=user)
