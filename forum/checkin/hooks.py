"""What check-in adds to shared pages: dashboard panel, menu entries, report section, demo data."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.auth.models import Role
from forum.checkin import seed, stats
from forum.checkin.models import CheckIn
from forum.extensions import db


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


@hooks.personal_data.register(order=30)
def scans_of(registration: Any) -> hooks.PersonalDataSection:
    """Every scan of the person's badge (at the entrance and in sessions), with its answer."""
    scans = db.session.scalars(
        sa.select(CheckIn).where(CheckIn.registration_id == registration.id).order_by(CheckIn.at, CheckIn.id)
    )
    records = [{"at": scan.at.isoformat(), "outcome": str(scan.outcome.title)} for scan in scans]
    return hooks.PersonalDataSection("scans", _l("Badge scans"), records, {"at": _l("When"), "outcome": _l("Answer")})


@hooks.erase_personal_data.register(order=30)
def forget_scans(registration: Any, now: Any) -> None:
    """The trail keeps its rows (attendance counts stay right) but not the scanned text nor the answer
    that named the person."""
    for scan in db.session.scalars(sa.select(CheckIn).where(CheckIn.registration_id == registration.id)):
        scan.scanned = None
        scan.response = {key: scan.response.get(key) for key in ("outcome", "reason", "inside")}
