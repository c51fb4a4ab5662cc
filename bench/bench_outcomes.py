"""Benchmark of the outcomes as the series grows: two series of 12 forums, one of 10,000 recommendations
and 100,000 supports (BENCH_RECOMMENDATIONS to change it; ten supports each), one ten times larger
(BENCH_RECOMMENDATIONS_LARGE), each served by its own gunicorn on its own PostgreSQL database.

Times over HTTP, taken in turn (A B A B), the largest forum's outcomes report (HTML) and the national
compilation of each series: their p50s, the ratio of p50s (budget <= 1.3), and at the large size the
p50 against its budget (report <= 150 ms, compilation <= 500 ms) and the page's weight (<= 1 MB). Then
the PDF of the small series' report (asked for, built by the job, until it can be downloaded).
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
from datetime import UTC, date, datetime, timedelta

from harness import Deployment, csrf_token, in_turn, report, report_growth, sequential

FORUMS = 12
RECOMMENDATIONS = int(os.environ.get("BENCH_RECOMMENDATIONS", "10000"))
LARGE = int(os.environ.get("BENCH_RECOMMENDATIONS_LARGE", str(10 * RECOMMENDATIONS)))
SUPPORTS_EACH = 10
PEOPLE_PER_FORUM = 400
ROUNDS, PER_ROUND = 5, 6
PASSWORD = "bench-password-2026"  # noqa: S105  (a throw-away benchmark account)
#: at the large size: (p50 budget in ms, weight budget in bytes: 1 MB)
BUDGETS = {"forum_report_html": (150, 1_000_000), "national_compilation": (500, 1_000_000)}


def build(app, count: int) -> tuple[str, str]:
    """The series of `count` recommendations, in bulk; returns (slug of the largest forum, organiser e-mail)."""
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
        for n in range(count):
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
        for start in range(0, len(rows), 20_000):
            db.session.execute(sa.insert(Recommendation), rows[start : start + 20_000])
        recommendations = db.session.execute(sa.select(Recommendation.id, Recommendation.forum_id)).all()
        for start in range(0, len(recommendations), 2_000):  # each support raises its recommendation's count
            supports = [
                dict(recommendation_id=rid, registration_id=person, created_at=now)
                for rid, forum_id in recommendations[start : start + 2_000]
                for person in rng.sample(people[forum_id], SUPPORTS_EACH)
            ]
            db.session.execute(sa.insert(Endorsement), supports)
            db.session.commit()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Endorsement))
        assert count == SUPPORTS_EACH * len(recommendations), count
        # What autovacuum does after such a load: the statistics (without them the planner takes the
        # freshly filled tables for empty ones and joins them row by row) and the visibility map (without
        # it every count reads the table's rows, not just its index).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        return forums[0].slug, organiser.email


def sign_in(client, email: str) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    if response.status_code != 302:
        raise RuntimeError("sign-in failed")


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
    with Deployment(workers=2) as small, Deployment(workers=2) as large:
        clients, urls = {}, {}
        for name, dep, count in (("small", small, RECOMMENDATIONS), ("large", large, LARGE)):
            slug, email = build(dep.app, count)
            clients[name] = dep.client()
            clients[name].headers["Accept-Language"] = "ar"
            sign_in(clients[name], email)
            urls[name] = {
                "forum_report_html": (f"/f/{slug}/manage/recommendations/report", 'id="section-recommendations"'),
                "national_compilation": ("/recommendations/", 'href="/recommendations/group?'),
            }
        ok = True
        for figure, (budget_ms, budget_bytes) in BUDGETS.items():
            runs = {
                name: lambda _n, page=urls[name][figure], client=clients[name]: sequential(
                    client, page[0], PER_ROUND, page[1]
                )
                for name in ("small", "large")
            }
            for name in runs:  # one warm-up each
                sequential(clients[name], urls[name][figure][0], 1, urls[name][figure][1])
            results = in_turn(ROUNDS, **runs)
            ok &= report_growth("outcomes", figure, results["small"], results["large"], (RECOMMENDATIONS, LARGE))
            p50, size = results["large"].percentile(50), results["large"].size
            ok &= report("outcomes", f"{figure}_{LARGE}", p50, "ms", budget=budget_ms, ok=p50 <= budget_ms)
            weight, limit = size / 1e3, budget_bytes / 1e3
            ok &= report("outcomes", f"{figure}_size_{LARGE}", weight, "KB", budget=limit, ok=weight <= limit)
        slug = urls["small"]["forum_report_html"][0].split("/")[2]
        pdf = pdf_seconds(clients["small"], slug)
        ok &= report("outcomes", f"forum_report_pdf_{RECOMMENDATIONS}", pdf, "s", budget=15, ok=pdf <= 15)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
