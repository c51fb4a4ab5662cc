"""Benchmark of the outcomes: a series of 12 forums, 10,000 recommendations and 100,000 supports
(BENCH_RECOMMENDATIONS to change it; ten supports each).

Times, over HTTP against gunicorn on PostgreSQL, the forum's outcomes report (HTML), the national
compilation, and the PDF of the report (asked for, built by the job, until it can be downloaded).
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
from datetime import UTC, date, datetime, timedelta

from harness import Deployment, csrf_token, report

FORUMS = 12
RECOMMENDATIONS = int(os.environ.get("BENCH_RECOMMENDATIONS", "10000"))
SUPPORTS = 10 * RECOMMENDATIONS
PEOPLE_PER_FORUM = 400
RUNS = 5
PASSWORD = "bench-password-2026"  # noqa: S105  (a throw-away benchmark account)


def build(app) -> tuple[str, str]:
    """The series, in bulk; returns (slug of the largest forum, organiser e-mail)."""
    import sqlalchemy as sa

    from forum import geo
    from forum.auth.models import Membership, Role, User
    from forum.events.models import Forum, ForumStatus
    from forum.extensions import db
    from forum.programme.models import Session, SessionKind
    from forum.recommendations.models import Endorsement, Priority, Recommendation, RecommendationStatus, TargetActor
    from forum.registration.models import Area, Category, Gender, Registration, RegistrationStatus

    rng = random.Random(12)
    with app.app_context():
        organiser = User(email="organiser@bench.ma", name="Bench Organiser")
        organiser.set_password(PASSWORD)
        db.session.add(organiser)
        forums = []
        for n, region in enumerate(geo.REGIONS[:FORUMS], start=1):
            starts = date(2025, 1, 10) + timedelta(days=30 * n)
            forum = Forum(
                slug=f"forum-{region.code}",
                edition=n,
                title={
                    "ar": f"المنتدى الجهوي {n} - {region.name('ar')}",
                    "fr": f"Forum régional {n} - {region.name('fr')}",
                },
                theme={"fr": "Financements alternatifs", "ar": "التمويلات البديلة"},
                region=region.code,
                city={lang: region.name(lang) for lang in ("ar", "fr", "en")},
                starts_on=starts,
                ends_on=starts + timedelta(days=1),
                status=ForumStatus.closed,
            )
            db.session.add(forum)
            forums.append(forum)
        db.session.flush()
        db.session.add_all(Membership(user_id=organiser.id, forum_id=f.id, role=Role.organiser) for f in forums)
        themes = ["Financement participatif", "Activités génératrices de revenus", "RSE", "Cadre juridique"]
        workshops: dict[int, list[int]] = {}
        for forum in forums:
            at = datetime.combine(forum.ends_on, datetime.min.time(), tzinfo=UTC).replace(hour=9)
            sessions = [
                Session(
                    forum_id=forum.id,
                    kind=SessionKind.workshop,
                    title={"fr": f"Atelier : {theme}", "ar": f"ورشة: {theme}"},
                    theme=theme,
                    starts_at=at,
                    ends_at=at + timedelta(hours=3),
                )
                for theme in themes
            ]
            db.session.add_all(sessions)
            db.session.flush()
            workshops[forum.id] = [s.id for s in sessions]
        now = datetime.now(UTC)
        people: dict[int, list[int]] = {}
        for forum in forums:
            rows = [
                dict(
                    forum_id=forum.id,
                    name_latin=f"Participant {forum.id}-{i}",
                    email=f"p{i}@forum{forum.id}.bench.ma",
                    category=Category.association,
                    gender=Gender.female if i % 2 else Gender.male,
                    province=geo.region(forum.region).provinces[i % len(geo.region(forum.region).provinces)].code,
                    area=Area.rural if i % 3 else Area.urban,
                    status=RegistrationStatus.confirmed,
                    consent_at=now,
                    created_at=now,
                    updated_at=now,
                    access_key=f"k{forum.id}x{i}" + "a" * 20,
                    badge_secret=f"s{forum.id}x{i}" + "b" * 20,
                )
                for i in range(PEOPLE_PER_FORUM)
            ]
            db.session.execute(sa.insert(Registration), rows)
            people[forum.id] = list(
                db.session.scalars(sa.select(Registration.id).where(Registration.forum_id == forum.id))
            )
        statuses = [RecommendationStatus.accepted] * 6 + [RecommendationStatus.submitted] * 3
        statuses.append(RecommendationStatus.rejected)
        rows = []
        for n in range(RECOMMENDATIONS):
            forum = forums[n % FORUMS]
            session_index = n % len(themes)
            status = statuses[n % len(statuses)]
            rows.append(
                dict(
                    forum_id=forum.id,
                    session_id=workshops[forum.id][session_index],
                    text=f"Recommandation {n}: renforcer l'accès des associations aux financements alternatifs "
                    f"— توصية رقم {n} لتعزيز ولوج الجمعيات إلى التمويلات البديلة",
                    theme=themes[(session_index + n // 97) % len(themes)],
                    target_actor=list(TargetActor)[n % len(TargetActor)],
                    priority=list(Priority)[n % len(Priority)],
                    status=status,
                    position=n,
                    rejection_reason="Hors du champ du forum" if status == RecommendationStatus.rejected else None,
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.execute(sa.insert(Recommendation), rows)
        recommendations = db.session.execute(sa.select(Recommendation.id, Recommendation.forum_id)).all()
        per_recommendation = SUPPORTS // RECOMMENDATIONS
        supports = [
            dict(recommendation_id=rid, registration_id=person, created_at=now)
            for rid, forum_id in recommendations
            for person in rng.sample(people[forum_id], per_recommendation)
        ]
        for start in range(0, len(supports), 20_000):
            db.session.execute(sa.insert(Endorsement), supports[start : start + 20_000])
        db.session.commit()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Endorsement))
        assert count == SUPPORTS, count
        # The statistics autovacuum would gather after such a load: without them the planner takes the
        # freshly filled tables for empty ones and joins them row by row.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        return forums[0].slug, organiser.email


def sign_in(client, email: str) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    if response.status_code != 302:
        raise RuntimeError("sign-in failed")


def worst_of(client, url: str, expect: str) -> tuple[float, int]:
    """Seconds of the slowest of RUNS sequential requests (after one warm-up), and the page's bytes."""
    client.get(url).raise_for_status()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        response.raise_for_status()
        if expect not in response.text:
            raise RuntimeError(f"{url} does not show {expect!r}")
    return max(times), len(response.content)


def pdf_seconds(client, slug: str) -> float:
    """From asking for the PDF to its download, as the organiser lives it."""
    report_page = client.get(f"/f/{slug}/manage/recommendations/report")
    started = time.perf_counter()
    response = client.post(
        f"/f/{slug}/manage/recommendations/report/pdf", data={"csrf_token": csrf_token(report_page.text)}
    )
    job_url = response.headers["Location"]
    job_id = re.search(r"/jobs/(\d+)", job_url).group(1)
    status_url = f"/f/{slug}/manage/recommendations/report/jobs/{job_id}/status"
    while True:
        status = client.get(status_url).text
        if "/download" in status:
            break
        if "data-poll-stop" in status:
            raise RuntimeError("the PDF job failed")
        if time.perf_counter() - started > 120:
            raise RuntimeError("the PDF job did not finish in 120 s")
        time.sleep(0.1)
    pdf = client.get(f"/f/{slug}/manage/recommendations/report/jobs/{job_id}/download")
    pdf.raise_for_status()
    elapsed = time.perf_counter() - started
    if not pdf.content.startswith(b"%PDF"):
        raise RuntimeError("the download is not a PDF")
    return elapsed


def main() -> int:
    with Deployment(workers=4) as dep:
        slug, email = build(dep.app)
        client = dep.client()
        client.headers["Accept-Language"] = "ar"
        sign_in(client, email)
        ok = True
        html, size = worst_of(client, f"/f/{slug}/manage/recommendations/report", 'id="section-recommendations"')
        ok &= report("outcomes", "forum_report_html", html, "s", budget=2, ok=html <= 2)
        report("outcomes", "forum_report_html_size", size / 1e6, "MB", budget="-", ok=True)
        national, size = worst_of(client, "/recommendations/", 'href="/recommendations/group?')
        ok &= report("outcomes", "national_compilation", national, "s", budget=3, ok=national <= 3)
        ok &= report("outcomes", "national_compilation_size", size / 1e6, "MB", budget=1, ok=size <= 1e6)
        pdf = pdf_seconds(client, slug)
        ok &= report("outcomes", "forum_report_pdf", pdf, "s", budget=15, ok=pdf <= 15)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
