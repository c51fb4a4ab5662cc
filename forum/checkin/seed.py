"""Demo data of check-in (`flask seed-demo`): desks, and arrivals at one forum."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from forum.auth import services as accounts
from forum.checkin import services
from forum.checkin.models import Admission, Desk, ListKind
from forum.checkin.scan import scan_at_desk
from forum.extensions import db
from forum.registration.models import Registration, RegistrationStatus
from forum.seed import clock


def seed_checkin(forums, echo) -> None:
    """Desks for the demo agent at the 6th forum, yesterday's arrivals and today's so far (until the demo's
    clock), so the desks open now and the dashboard has something to show."""
    forum, now = forums["draa"], clock(forums)
    agent = accounts.find_user("agent@multaqa.ma")
    organiser = accounts.find_user("organiser@multaqa.ma")
    if db.session.scalar(sa.select(Desk.id).where(Desk.forum_id == forum.id).limit(1)) is None:
        services.create_desk(forum, "Entrée 1 · المدخل 1", actor=organiser or agent)
        services.create_desk(forum, "Entrée 2 · المدخل 2", actor=organiser or agent)
        # a desk to rehearse on: a newcomer opens it in rehearsal mode and scans without counting
        services.create_desk(forum, "Répétition · تمرين", actor=organiser or agent)
    lists = services.ensure_lists(forum)
    desks = services.desks_of(forum)
    entrance = [cl for cl in lists if cl.kind == ListKind.entrance]
    if not entrance or db.session.scalar(
        sa.select(Admission.id).where(Admission.list_id.in_([cl.id for cl in entrance])).limit(1)
    ):
        return
    confirmed = list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.forum_id == forum.id, Registration.status == RegistrationStatus.confirmed)
            .order_by(Registration.id)
        )
    )
    rng = random.Random(40)
    for checkin_list, share in zip(entrance, (0.9, 0.55), strict=False):
        opening = datetime.combine(checkin_list.day, datetime.min.time(), tzinfo=forum.zone) + timedelta(hours=8)
        for registration in rng.sample(confirmed, int(len(confirmed) * share)):
            at = opening + timedelta(minutes=abs(rng.gauss(50, 35)))
            if at < now:  # today's later arrivals are still to come
                scan_at_desk(
                    forum, checkin_list, registration=registration, desk=rng.choice(desks[:2]), agent=agent, now=at
                )
    echo(f"  check-in: {len(desks)} desks, yesterday's arrivals and today's so far recorded for {forum.slug}")
