"""Benchmark of the organisers' list of registrations as a forum grows: page 1 and page 20 of a forum of
5,000 registrations and of one of 50,000 (BENCH_LIST_LARGE to change it), served by the same gunicorn on
the same PostgreSQL database, taken in turn (A B A B). Each forum has the same 100 people awaiting a
decision and 150 on the waiting list, then confirmed, rejected and cancelled registrations: page 1 and
page 20 list the same kinds of rows at both sizes (a row awaiting a decision carries three buttons and the
shares it would move, a decided one less), so the ratio measures the forum's size and nothing else.

Prints each page's p50 at both sizes and their ratio; budget: ratio of p50s <= 1.3. Page 20 is reached
as an organiser reaches it, through "Next" from page 1.
"""

from __future__ import annotations

import html
import os
import re
import sys

from bench_growth import fill
from bench_outcomes import PASSWORD, sign_in
from bench_registration import make_forum
from harness import Client, Deployment, in_turn, report_growth, sequential

NAME = "registrations_list"
SMALL = 5_000
LARGE = int(os.environ.get("BENCH_LIST_LARGE", "50000"))
ROUNDS, PER_ROUND = 6, 15
ORGANISER = "organiser@list.bench.ma"


PENDING, WAITLISTED = 100, 150


def status_of(n: int):
    """The n-th registration's status: the first awaiting a decision, the next on the waiting list, then
    4 % rejected or cancelled and the rest confirmed (page 20 falls among these at both sizes)."""
    from forum.registration.models import RegistrationStatus as Status

    if n < PENDING:
        return Status.pending
    if n < PENDING + WAITLISTED:
        return Status.waitlisted
    decided = [Status.rejected, Status.cancelled] * 2 + [Status.confirmed] * 91
    return decided[n % len(decided)]


def build(dep: Deployment) -> None:
    """The two forums, filled in bulk, and their organiser."""
    import sqlalchemy as sa

    from forum.auth.models import Membership, Role, User
    from forum.events.models import Forum
    from forum.extensions import db

    with dep.app.app_context():
        organiser = User(email=ORGANISER, name="Bench Organiser")
        organiser.set_password(PASSWORD)
        db.session.add(organiser)
        for slug, count in (("list-small", SMALL), ("list-large", LARGE)):
            make_forum(slug, 10 * LARGE)
            fill(slug, count, status_of)
            forum_id = db.session.scalar(sa.select(Forum.id).where(Forum.slug == slug))
            db.session.add(Membership(user_id=organiser.id, forum_id=forum_id, role=Role.organiser))
        db.session.commit()


def page_urls(client: Client, slug: str, depth: int = 20) -> dict[int, str]:
    """The address of page 1 and of page `depth`, following "Next" as an organiser does."""
    url = f"/f/{slug}/manage/registration/"
    urls = {1: url}
    for number in range(2, depth + 1):
        page = client.get(url)
        page.raise_for_status()
        found = re.search(r'rel="next" href="([^"]+)"', page.text)
        if found is None:
            raise RuntimeError(f"{slug}: no page {number}")
        url = urls[number] = html.unescape(found.group(1))
    return urls


def main() -> int:
    with Deployment(workers=4) as dep:
        build(dep)
        client = dep.client()
        sign_in(client, ORGANISER)
        urls = {slug: page_urls(client, slug) for slug in ("list-small", "list-large")}
        ok = True
        for number in (1, 20):
            runs = {
                slug: lambda _n, url=urls[slug][number]: sequential(client, url, PER_ROUND, 'id="registration-')
                for slug in urls
            }
            results = in_turn(ROUNDS, **runs)
            ok &= report_growth(NAME, f"page{number}", results["list-small"], results["list-large"], (SMALL, LARGE))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
