"""Benchmark of the series: 12 regions x 5 editions, 200,000 registrations, 40,000 organisations and
1,000,000 scans, built in bulk SQL (INSERT ... SELECT over generate_series) on PostgreSQL.

Times, over HTTP against gunicorn: the series dashboard cold (a worker's first request) and warm at
10 requests a second (p95), the organisation suggestions while typing (p95) and the duplicate detection
over the 40,000 organisations as a job, from the admin's click to its result.

The suggestions are typed as visitors of the sign-up form type: each visitor from an address of their
own (the endpoint's rate limit counts per client, behind the trusted proxy), a few requests as the name
grows; any answer but a list of suggestions (a 429 of the limit too) is an error and fails the figure.

Building the data takes minutes: BENCH_SERIES_KEEP=<database name> keeps it after the run and uses it
again in the next (drop the database after a change of the data built here).
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from harness import Client, Deployment, Result, client_address, closed_loop, csrf_token, in_turn, open_loop, report

EDITIONS = 5
REGISTRATIONS = 200_000
ORGANISATIONS = 40_000
SCANS = 1_000_000
PASSWORD = "bench-password-2026"  # noqa: S105  (a throw-away benchmark account)
LATIN = "amal nour wafa tifawin ziz atlas oasis argan saada baraka najah hayat ikram izdihar tadamon".split()
ARABIC = "امل نور وفاء تيفاوين زيز اطلس واحه اركان سعاده بركه نجاح حياه اكرام ازدهار تضامن".split()
COUNTS = sa.text(
    "SELECT (SELECT count(*) FROM registration), (SELECT count(*) FROM organisation), "
    "(SELECT count(*) FROM checkin), (SELECT count(*) FROM forum)"
)


def built(app) -> bool:
    """Whether the database holds the series already (a kept one); a half-built one is refused."""
    from forum.extensions import db

    with app.app_context():
        counts = tuple(db.session.execute(COUNTS).one())
    if counts == (0, 0, 0, 0):
        return False
    if counts != (REGISTRATIONS, ORGANISATIONS, SCANS, 60):
        raise RuntimeError(f"the kept database holds {counts}: drop it to build the series again")
    return True


def build(app) -> None:
    """The series, in bulk."""
    from forum import geo
    from forum.auth.models import User
    from forum.events.models import Forum, ForumStatus
    from forum.extensions import db
    from forum.programme.models import Session, SessionKind
    from forum.recommendations.models import FollowUp, FollowUpStatus, Recommendation, RecommendationStatus, TargetActor
    from forum.registration.models import Registration

    with app.app_context():
        for email, is_admin in (("analyst@bench.ma", False), ("admin@bench.ma", True)):
            user = User(email=email, name=email, is_admin=is_admin, is_series_analyst=not is_admin)
            user.set_password(PASSWORD)
            db.session.add(user)
        forums = []
        for region, edition in itertools.product(geo.REGIONS, range(1, EDITIONS + 1)):
            starts = date(2021 + edition, 3, 1) + timedelta(days=7 * len(forums) % 200)
            forums.append(
                Forum(
                    slug=f"{region.code}-{edition}",
                    edition=edition,
                    title={"ar": f"المنتدى الجهوي {edition} - {region.name('ar')}", "fr": f"Forum {edition}"},
                    region=region.code,
                    city={"fr": region.name("fr")},
                    starts_on=starts,
                    ends_on=starts + timedelta(days=1),
                    status=ForumStatus.archived,
                )
            )
        db.session.add_all(forums)
        db.session.flush()
        for forum in forums:
            at = datetime.combine(forum.starts_on, datetime.min.time(), tzinfo=UTC).replace(hour=9)
            workshops = [
                Session(
                    forum_id=forum.id,
                    kind=SessionKind.workshop,
                    title={"fr": f"Atelier {n}"},
                    starts_at=at,
                    ends_at=at + timedelta(hours=2),
                    published_at=at - timedelta(days=9),
                )  # fmt: skip
                for n in range(4)
            ]
            db.session.add_all(workshops)
            db.session.flush()
            for n in range(20):
                status = RecommendationStatus.accepted if n % 3 else RecommendationStatus.submitted
                recommendation = Recommendation(
                    forum_id=forum.id, session_id=workshops[n % 4].id, text=f"Recommandation {n}",
                    target_actor=TargetActor.government, status=status,
                )  # fmt: skip
                db.session.add(recommendation)
                db.session.flush()
                if n % 2:
                    db.session.add(FollowUp(recommendation_id=recommendation.id, status=list(FollowUpStatus)[n % 4]))
        db.session.commit()
        provinces = [p.code for r in geo.REGIONS for p in r.provinces]
        forum_ids = [f.id for f in forums]
        bulk = [
            # 40,000 organisations, half named in Latin script and half in Arabic, as their name keys
            (
                "INSERT INTO organisation (name, name_key, kind, province, area, registration_number, created_at) "
                "SELECT w.name, w.name, (ARRAY['association','association','association','cooperative','company',"
                "'donor'])[1 + n % 6], (CAST(:provinces AS text[]))[1 + n % 75], (ARRAY['urban','rural'])[1 + n % 2], "
                "CASE WHEN n % 4 = 0 THEN 'RC' || (n % 9000) END, now() "
                "FROM generate_series(1, :organisations * 49 / 50) n, LATERAL (SELECT CASE WHEN n % 2 = 0 "
                "THEN 'association ' || (CAST(:latin AS text[]))[1 + n % 15] || ' ' "
                "|| (CAST(:latin AS text[]))[1 + (n / 15) % 15] || ' ' || n "
                "ELSE 'جمعيه ' || (CAST(:arabic AS text[]))[1 + n % 15] || ' ' "
                "|| (CAST(:arabic AS text[]))[1 + (n / 15) % 15] || ' ' || n "
                "END AS name) w"
            ),
            # and one in fifty registered twice, in the same province, its name typed another way
            (
                "INSERT INTO organisation (name, name_key, kind, province, area, created_at) "
                "SELECT upper(name) || '.', name_key, kind, province, area, now() FROM organisation "
                "WHERE id % 49 = 0 ORDER BY id LIMIT :organisations - (SELECT count(*) FROM organisation)"
            ),
            # the forums' places are counted once afterwards: the counter's trigger, row by row, updates
            # a forum's row thousands of times in one transaction, each update slower than the last
            "ALTER TABLE registration DISABLE TRIGGER registration_places_taken",
            # 200,000 registrations; most people come to two forums (same e-mail)
            (
                "INSERT INTO registration (forum_id, email, name_latin, organisation_id, category, gender, province, "
                "area, locale, accessibility_needs, has_disability, consent_at, shares_contact, status, holds_place, "
                "access_key, badge_secret, badge_version, created_at, updated_at) "
                "SELECT (CAST(:forums AS int[]))[1 + n % 60], 'p' || (n % 119993) || '@bench.ma', 'Participant ' || n, "
                "CASE WHEN n % 5 <> 0 THEN 1 + (n * 7919) % :organisations END, "
                "(ARRAY['association','association','cooperative','private_sector','donor','expert','speaker'])"
                "[1 + n % 7], (ARRAY['female','male'])[1 + n % 2], (CAST(:provinces AS text[]))[1 + n % 75], "
                "(ARRAY['urban','rural','rural'])[1 + n % 3], 'ar', '[]', n % 17 = 0, now(), false, "
                "CASE WHEN n % 10 = 0 THEN 'cancelled' ELSE 'confirmed' END, false, 'k' || n, 's' || n, 1, "
                "now(), now() "
                "FROM generate_series(1, :registrations) n"
            ),
            "ALTER TABLE registration ENABLE TRIGGER registration_places_taken",
            "INSERT INTO person (email, created_at) SELECT DISTINCT email, now() FROM registration",
            "UPDATE registration r SET person_id = p.id FROM person p WHERE p.email = r.email",
            (
                # nobody inside at the end of each day: no part of a desk's count (checkin_list_count)
                "INSERT INTO checkin_list (forum_id, kind, day, allows_reentry, records_exits, created_at) "
                "SELECT f.id, 'entrance', f.starts_on + d, false, false, now() FROM forum f, generate_series(0, 1) d"
            ),
            # about 70 % of the people admitted each day
            (
                "INSERT INTO checkin_admission (list_id, registration_id, admitted_at, is_inside) "
                "SELECT l.id, r.id, now(), false FROM registration r JOIN checkin_list l ON l.forum_id = r.forum_id "
                "WHERE r.status = 'confirmed' AND (r.id + l.id) % 10 < 7"
            ),
            # 1,000,000 scans at the desks
            (
                "INSERT INTO checkin (forum_id, registration_id, outcome, reason, response, at) "
                "SELECT r.forum_id, r.id, CASE WHEN g % 9 = 0 THEN 'refused' ELSE 'ok' END, "
                "CASE WHEN g % 9 = 0 THEN 'already_checked_in' ELSE 'ok' END, '{}', now() "
                "FROM generate_series(1, :scans) g JOIN registration r ON r.id = 1 + g % :registrations"
            ),
        ]
        params = {
            "provinces": provinces,
            "forums": forum_ids,
            "latin": LATIN,
            "arabic": ARABIC,
            "organisations": ORGANISATIONS,
            "registrations": REGISTRATIONS,
            "scans": SCANS,
        }
        for statement in bulk:
            db.session.execute(sa.text(statement), params)
            db.session.commit()
        taken = sa.select(sa.func.count()).where(Registration.forum_id == Forum.id, Registration.takes_place)
        db.session.execute(sa.update(Forum).values(places_taken=taken.scalar_subquery()))
        db.session.commit()
        # what autovacuum does on a database in use: statistics, and the pages marked visible (index-only scans)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
        counts = db.session.execute(COUNTS).one()
        assert tuple(counts) == (REGISTRATIONS, ORGANISATIONS, SCANS, 60), counts


def sign_in(client: Client, email: str) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    if response.status_code != 302:
        raise RuntimeError("sign-in failed")


#: what visitors type into the organisation field (every one of them names organisations of the data)
TYPED = ["amal nour", "جمعيه اركان", "atlas oasis", "واحه زيز", "tadamon saada", "بركه نجاح", "ziz argan", "سعاده امل"]
#: the requests one visitor's typing sends (the form asks after a pause of 200 ms): 2, 4, 6 … letters
KEYSTROKES = 4
#: visitors typing at the same time, each asking twice a second
TYPING_AT_ONCE = 10
SUGGEST_REGIONS = ["draa-tafilalet", "oriental", "souss-massa", "fes-meknes"]


def suggester(visitors: int, *, search: bool = True):
    """The suggestions' request i: visitor v's k-th keystroke, from v's own address; anything but a
    non-empty list of suggestions raises (a 429 of the rate limit as well), so it counts as an error.
    search=False: the same requests with only the first letter typed, which the endpoint answers with
    an empty list before searching (the request's cost without the search, on the same machine)."""
    addresses = [client_address() for _ in range(visitors)]

    def suggest(client: Client, i: int) -> None:
        wave, slot = divmod(i, TYPING_AT_ONCE * KEYSTROKES)
        visitor = (wave * TYPING_AT_ONCE + slot % TYPING_AT_ONCE) % visitors
        typed = TYPED[visitor % len(TYPED)][: 2 * (1 + slot // TYPING_AT_ONCE) if search else 1]
        query = urlencode({"q": typed, "region": SUGGEST_REGIONS[visitor % len(SUGGEST_REGIONS)]})
        response = client.get(f"/series/organisations/suggest?{query}", headers={"X-Forwarded-For": addresses[visitor]})
        if response.status_code != 200:
            raise RuntimeError(f"{typed!r} answered {response.status_code}")
        if bool(response.json()) != search:
            raise RuntimeError(f"{typed!r}: {'no' if search else 'a'} suggestion")

    return suggest


def type_names(url: str) -> dict[str, Result]:
    """Visitors typing organisation names at 2 x TYPING_AT_ONCE requests a second, and the same with one
    letter (no search), in turn, twice 10 s each; after a warm-up in which each worker reads the
    organisations once for its index."""
    warming = closed_loop(url, clients=8, total=40, request=suggester(visitors=40))
    if warming.errors:
        raise RuntimeError(f"warming failed: {warming.error_samples}")
    rate, duration = 2 * TYPING_AT_ONCE, 10
    visitors = rate * duration // KEYSTROKES

    def run(search: bool) -> Callable[[int], Result]:
        return lambda _round: open_loop(url, rate=rate, duration=duration, request=suggester(visitors, search=search))

    return in_turn(2, typing=run(True), one_letter=run(False))


def main() -> int:
    ok = True
    with Deployment(workers=4, threads=2, keep=os.environ.get("BENCH_SERIES_KEEP")) as dep:
        started = time.perf_counter()
        if built(dep.app):
            print("# the series built by an earlier run, kept", flush=True)
        else:
            build(dep.app)
            print(f"# built in {time.perf_counter() - started:.0f} s", flush=True)
        analyst = dep.client()
        analyst.headers["Accept-Language"] = "ar"
        sign_in(analyst, "analyst@bench.ma")
        started = time.perf_counter()
        page = analyst.get("/series/")
        cold = (time.perf_counter() - started) * 1000
        page.raise_for_status()
        if 'data-region="draa-tafilalet"' not in page.text:
            raise RuntimeError("the dashboard shows no tile map")
        ok &= report("series", "dashboard_cold", cold, "ms", budget=1000, ok=cold <= 1000)
        cookies = dict(analyst.cookies)
        indicators = ["associations", "rural_share", "women_share", "attendance", "provinces_covered"]

        def dashboard(client: Client, i: int) -> None:
            client.cookies.update(cookies)
            client.get(f"/series/?indicator={indicators[i % len(indicators)]}").raise_for_status()

        # warm: every worker (four processes) has answered once and holds the figures
        warming = closed_loop(dep.url, clients=8, total=48, request=dashboard)
        if warming.errors:
            raise RuntimeError(f"warming failed: {warming.error_samples}")

        warm = open_loop(dep.url, rate=10, duration=20, request=dashboard)
        p95 = warm.percentile(95)
        ok &= report("series", "dashboard_warm_p95", p95, "ms", budget=100, ok=p95 <= 100 and not warm.errors)
        typed = type_names(dep.url)
        typing, one_letter = typed["typing"], typed["one_letter"]
        for sample in typing.error_samples + one_letter.error_samples:
            print(f"# suggestions error: {sample}", flush=True)
        p95 = typing.percentile(95)
        ok &= report("series", "suggestions_p95", p95, "ms", budget=30, ok=p95 <= 30 and not typing.errors)
        errors = typing.errors + one_letter.errors
        ok &= report("series", "suggestions_errors", errors, "errors", budget=0, ok=not errors)
        # the same endpoint answering one letter typed (no search) in turn with the above: what the
        # machine's load costs any request, against which the search's share shows
        report("series", "suggestions_p95_one_letter", one_letter.percentile(95), "ms", budget="-", ok=True)
        admin = dep.client()
        sign_in(admin, "admin@bench.ma")
        page = admin.get("/series/organisations/duplicates")
        started = time.perf_counter()
        admin.post("/series/organisations/duplicates", data={"csrf_token": csrf_token(page.text)})
        progress_seen = set()
        while True:
            text = admin.get("/series/organisations/duplicates").text
            if "<progress" in text:
                progress_seen.add(re.search(r'<progress max="100" value="(\d+)"', text).group(1))
            elif "Last search" in text or "آخر بحث" in text or "Dernière recherche" in text:
                break
            elif "failed" in text:
                raise RuntimeError("the duplicates job failed")
            if time.perf_counter() - started > 300:
                raise RuntimeError("the duplicates job did not finish in 300 s")
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        print(f"# duplicates: progress seen {sorted(progress_seen, key=int)}")
        ok &= report("series", "duplicates_40000", seconds, "s", budget=30, ok=seconds <= 30)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
