"""What the programme adds to shared pages: links, the dashboard panel, the report."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks, mail
from forum.auth.models import Role
from forum.events.models import Forum
from forum.extensions import db
from forum.programme import seed, services
from forum.programme.models import Session, Signup
from forum.registration.models import Registration, RegistrationStatus


@hooks.forum_links.register(order=20)
def programme_link(forum: Forum) -> hooks.ForumLink | None:
    if not services.has_programme(forum):
        return None
    return hooks.ForumLink(
        _l("Programme"),
        url_for("programme.programme", forum_slug=forum.slug),
        _l("Sessions, workshops and speakers, day by day; add them to your calendar."),
        icon="calendar",
    )


@hooks.registration_links.register(order=20)
def agenda_link(registration: Registration) -> hooks.ForumLink | None:
    if registration.status != RegistrationStatus.confirmed:
        return None
    forum = registration.forum
    return hooks.ForumLink(
        _l("My agenda and workshops"),
        url_for("programme.agenda", forum_slug=forum.slug, access_key=registration.access_key),
        _l("Choose your workshops and see your sessions.")
        if services.has_programme(forum)
        else services.unpublished_notice(forum, workshops=True),
        icon="calendar",
    )


@hooks.registration_links.register(order=21)
def calendar_link(registration: Registration) -> hooks.ForumLink | None:
    if registration.status != RegistrationStatus.confirmed or not services.has_agenda(registration):
        return None
    return hooks.ForumLink(
        _l("My calendar (iCalendar)"),
        mail.external_url(
            "programme.personal_feed", forum_slug=registration.forum.slug, access_key=registration.access_key
        ),
        _l("Subscribe to this private link in your calendar app: it follows the programme's changes."),
        icon="download",
    )


@hooks.manage_links.register(order=20)
def timetable_link(forum: Forum, user) -> hooks.ForumLink | None:
    if not user.has_role(forum, Role.organiser):
        return None
    return hooks.ForumLink(_l("Programme"), url_for("programme.timetable", forum_slug=forum.slug))


@hooks.dashboard_panels.register(order=20)
def programme_panel(forum: Forum, user) -> hooks.DashboardPanel | None:
    if not user.has_role(forum, Role.organiser):
        return None
    counts = db.session.execute(
        sa.select(
            sa.func.count(Session.id),
            sa.func.count(Session.published_at),
            sa.func.coalesce(sa.func.sum(Session.signed_up), 0),
        ).where(Session.forum_id == forum.id)
    ).one()
    return hooks.DashboardPanel(
        _l("Programme"),
        "programme/_dashboard_panel.html",
        {
            "session_count": counts[0],
            "published_count": counts[1],
            "signup_count": counts[2],
            "programme_version": services.latest_version(forum),
            "pending_count": len(services.pending_changes(forum)),
        },
        url=url_for("programme.timetable", forum_slug=forum.slug),
    )


@hooks.report_sections.register()
def programme_section(forum: Forum) -> hooks.ReportSection | None:
    days = services.public_programme(forum)
    if not days:
        return None
    return hooks.ReportSection("programme", _l("Programme"), "programme/report_section.html", {"days": days})


hooks.seed_steps.connect(seed.seed_programme, order=20)


@hooks.personal_data.register(order=20)
def workshops_of(registration: Registration) -> hooks.PersonalDataSection:
    """The sessions the person signed up to (kept at erasure: the row is counted, the person no longer named)."""
    signups = db.session.scalars(
        sa.select(Signup).where(Signup.registration_id == registration.id).order_by(Signup.created_at)
    )
    records = [
        {
            "session": signup.session.name,
            "starts_at": signup.session.starts_at.isoformat(),
            "status": str(signup.status.title),
            "signed_up_at": signup.created_at.isoformat(),
        }
        for signup in signups
    ]
    labels = {
        "session": _l("Session"),
        "starts_at": _l("Starts"),
        "status": _l("Status"),
        "signed_up_at": _l("Signed up"),
    }
    return hooks.PersonalDataSection("workshops", _l("Workshops you signed up to"), records, labels)
