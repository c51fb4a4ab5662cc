"""What partnerships add to shared pages: the participant's link, the management menu, meetings in agendas."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.auth.models import Role
from forum.partnerships import seed, services
from forum.seed import clock
from forum.series.services import Indicator, add_indicator
from forum.series.services.figures import register_count

# the series dashboard counts the partnerships recorded and signed at each forum (its figures, tile map,
# charts, targets and exports read every indicator)
register_count("partnerships", services.partnerships_per_forum)
register_count("partnerships_signed", services.signed_per_forum)
add_indicator(Indicator("partnerships", _l("Partnerships recorded"), lambda f: f.extra.get("partnerships", 0)))
add_indicator(
    Indicator("partnerships_signed", _l("Partnerships signed"), lambda f: f.extra.get("partnerships_signed", 0))
)


@hooks.registration_links.register(order=40)
def partners_link(registration):
    if not registration.is_confirmed:
        return None
    return hooks.ForumLink(
        _l("Partners and meetings"),
        url_for("partnerships.hub", forum_slug=registration.forum.slug, access_key=registration.access_key),
        _l("Publish what you offer and need, find partners and book one-to-one meetings."),
    )


@hooks.manage_links.register(order=40)
def manage_link(forum, user):
    if user.has_role(forum, Role.organiser):
        return hooks.ForumLink(_l("One-to-one meetings"), url_for("partnerships.manage", forum_slug=forum.slug))
    if user.has_role(forum, Role.exhibitor_staff):
        url = url_for("partnerships.booth_meetings", forum_slug=forum.slug)
        return hooks.ForumLink(_l("Meetings at my booth"), url)
    return None


@hooks.personal_events.register(order=40)
def meetings(registration):
    """A person's one-to-one meetings, for their agenda, their calendar feed and their reminders."""
    return services.meeting_events(registration)


@hooks.report_sections.register()
def report_section(forum):
    figures = services.report_figures(forum)
    if figures is None:
        return None
    return hooks.ReportSection("partnerships", _l("Meetings and partnerships"), "partnerships/_report.html", figures)


@hooks.national_sections.register()
def national_section(forums):
    figures = services.national_figures(forums)
    if figures is None:
        return None
    return hooks.ReportSection("partnerships", _l("Meetings and partnerships"), "partnerships/_national.html", figures)


@hooks.seed_steps.register(order=60)
def seed_partnerships(forums, echo):
    seed.seed(forums["draa"], echo, now=clock(forums))


@hooks.personal_data.register(order=60)
def partnerships_holding(registration) -> hooks.PersonalDataSection:
    """The person's partnership profile, meeting requests, meetings and partnerships."""
    records = services.personal_records(registration)
    return hooks.PersonalDataSection("partnerships", _l("Partners and meetings"), records, services.PRIVACY_LABELS)


@hooks.erase_personal_data.register(order=60)
def forget_partnerships(registration, now) -> None:
    """The profile is deleted; the words of requests are removed, the counted rows kept."""
    services.erase_personal_data(registration, now)
