"""What the exhibition adds to shared pages: links, dashboard panel, report section, demo data."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.auth.models import Role
from forum.exhibition import seed, services
from forum.exhibition.models import Booth, BoothAssignment, Exhibitor, ExhibitorStatus, Lead
from forum.extensions import db
from forum.seed import clock


def _has_exhibition(forum) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).where(Booth.forum_id == forum.id)))


@hooks.forum_links.register(order=30)
def directory_link(forum):
    if not _has_exhibition(forum):
        return None
    return hooks.ForumLink(
        _l("Exhibition"),
        url_for("exhibition.directory", forum_slug=forum.slug),
        _l("Exhibitors, their partnership offers and the floor plan."),
    )


@hooks.forum_links.register(order=31)
def request_link(forum):
    exhibition = services.find_exhibition(forum)
    if not _has_exhibition(forum) or forum.is_past() or (exhibition and not exhibition.accepts_applications()):
        return None
    return hooks.ForumLink(
        _l("Exhibit at the forum"),
        url_for("exhibition.request_form", forum_slug=forum.slug),
        _l("Companies, donors, public institutions, associations and cooperatives: ask for a booth."),
    )


@hooks.manage_links.register(order=30)
def manage_link(forum, user):
    if user.has_role(forum, Role.organiser):
        return hooks.ForumLink(_l("Exhibition"), url_for("exhibition.manage", forum_slug=forum.slug))
    if user.has_role(forum, Role.exhibitor_staff):
        return hooks.ForumLink(_l("My booth"), url_for("exhibition.portal", forum_slug=forum.slug))
    return None


@hooks.dashboard_panels.register(order=30)
def dashboard_panel(forum, user):
    booths = db.session.scalar(sa.select(sa.func.count()).where(Booth.forum_id == forum.id))
    statuses = Counter(db.session.scalars(sa.select(Exhibitor.status).where(Exhibitor.forum_id == forum.id)).all())
    assigned = Counter(
        db.session.scalars(sa.select(BoothAssignment.is_published).where(BoothAssignment.forum_id == forum.id)).all()
    )
    leads = db.session.scalar(
        sa.select(sa.func.count()).select_from(Lead).join(Exhibitor).where(Exhibitor.forum_id == forum.id)
    )
    return hooks.DashboardPanel(
        _l("Exhibition"),
        "exhibition/_panel.html",
        {
            "booths": booths,
            "approved": statuses[ExhibitorStatus.approved],
            "pending": statuses[ExhibitorStatus.pending],
            "assigned": assigned[True],
            "offered": assigned[False],
            "leads": leads,
        },
        url_for("exhibition.manage", forum_slug=forum.slug),
    )


@hooks.registration_links.register(order=30)
def scans_link(registration):
    """Offered with a badge, and afterwards to whoever exhibitors keep the details of (law 09-08)."""
    if not registration.is_confirmed and not services.scanned_by(registration):
        return None
    return hooks.ForumLink(
        _l("Exhibitors who scanned my badge"),
        url_for("exhibition.my_scans", forum_slug=registration.forum.slug, access_key=registration.access_key),
        _l("Who keeps your contact details, since you agreed to share them."),
    )


@hooks.report_sections.register()
def report_section(forum):
    exhibitors = services.exhibitors_of(forum, status=ExhibitorStatus.approved)
    if not exhibitors:
        return None
    return hooks.ReportSection("exhibitors", _l("Exhibitors"), "exhibition/_report.html", {"exhibitors": exhibitors})


@hooks.seed_steps.register(order=30)
def seed_exhibition(forums, echo):
    seed.seed(forums["draa"], echo, now=clock(forums))


@hooks.personal_data.register(order=40)
def leads_holding(registration) -> hooks.PersonalDataSection:
    """The exhibitors who hold the person's contact (they scanned the badge), with their note."""
    records = [
        {"exhibitor": lead.exhibitor.name, "scanned_at": lead.scanned_at.isoformat(), "note": lead.note}
        for lead in services.scanned_by(registration)
    ]
    labels = {"exhibitor": _l("Exhibitor"), "scanned_at": _l("Scanned"), "note": _l("Exhibitor's note")}
    return hooks.PersonalDataSection("leads", _l("Exhibitors who hold your contact"), records, labels)


@hooks.erase_personal_data.register(order=40)
def forget_leads(registration, now) -> None:
    """Exhibitors lose the person's contact: their leads are deleted."""
    db.session.execute(sa.delete(Lead).where(Lead.registration_id == registration.id))
