"""What check-in adds to shared pages: dashboard panel, menu entries, report section, demo data."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.auth import services as accounts
from forum.auth.models import Role
from forum.checkin import services, stats
from forum.checkin.models import Admission, Desk, ListKind
from forum.extensions import db
from forum.registration.models import Registration, RegistrationStatus


@hooks.dashboard_panels.register(order=40)
def attendance_panel(forum, user):
    if not user.has_role(forum, Role.organiser):
        return None
    present, confirmed = stats.totals(forum)
    return hooks.DashboardPanel(
        _l("Check-in"),
        "checkin/_panel.html",
        {"present": present, "confirmed": confirmed},
        url=url_for("checkin.live", forum_slug=forum.slug),
    )


@hooks.manage_links.register(order=41)
def desk_link(forum, user):
    if not user.has_role(forum, Role.organiser, Role.checkin_agent):
        return None
    return hooks.ForumLink(_l("Check-in desk"), url_for("checkin.choose_desk", forum_slug=forum.slug))


@hooks.manage_links.register(order=42)
def checkin_admin_links(forum, user):
    if not user.has_role(forum, Role.organiser):
        return None
    return hooks.ForumLink(_l("Desks and live attendance"), url_for("checkin.manage", forum_slug=forum.slug))


@hooks.report_sections.register()
def attendance_section(forum):
    present, confirmed = stats.totals(forum)
    return hooks.ReportSection(
        key="attendance",
        title=_l("Attendance"),
        template="checkin/_report.html",
        context={"present": present, "confirmed": confirmed, "breakdowns": stats.breakdowns(forum)},
    )


@hooks.seed_steps.register(order=40)
def seed_checkin(forums, echo) -> None:
    """Desks for the demo agent at the 6th forum, yesterday's arrivals and today's so far (until the demo's
    clock), so the desks open now and the dashboard has something to show."""
    from forum.seed import clock

    forum, now = forums["draa"], clock(forums)
    agent = accounts.find_user("agent@multaqa.ma")
    organiser = accounts.find_user("organiser@multaqa.ma")
    if db.session.scalar(sa.select(Desk.id).where(Desk.forum_id == forum.id).limit(1)) is None:
        services.create_desk(forum, "Entrée 1 · المدخل 1", actor=organiser or agent)
        services.create_desk(forum, "Entrée 2 · المدخل 2", actor=organiser or agent)
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
                services.scan(
                    forum, checkin_list, registration=registration, desk=rng.choice(desks), agent=agent, now=at
                )
    echo(f"  check-in: {len(desks)} desks, yesterday's arrivals and today's so far recorded for {forum.slug}")
