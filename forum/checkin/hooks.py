"""What check-in adds to shared pages: dashboard panel, menu entries, report section, demo data."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.auth.models import Role
from forum.checkin import seed, stats


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


hooks.seed_steps.connect(seed.seed_checkin, order=40)
