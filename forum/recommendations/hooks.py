"""What recommendations add to shared pages: links, the dashboard panel, the report's facts and
recommendations sections, and the demo's recommendations."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.auth.models import Role
from forum.events.models import Forum
from forum.extensions import db
from forum.recommendations import seed, services
from forum.recommendations.models import Endorsement, Recommendation, RecommendationStatus
from forum.registration.models import Registration, RegistrationStatus


@hooks.forum_links.register(order=50)
def _forum_link(forum):
    if not services.status_counts(forum)[RecommendationStatus.accepted]:
        return None
    return hooks.ForumLink(
        label=_("Recommendations and follow-up"),
        url=url_for("recommendations.follow_up_page", forum_slug=forum.slug),
        description=_("What the workshops recommended, and what became of it."),
    )


@hooks.registration_links.register(order=50)
def _registration_link(registration):
    if registration.status != RegistrationStatus.confirmed:
        return None
    return hooks.ForumLink(
        label=_("Recommendations"),
        url=url_for(
            "recommendations.participant",
            forum_slug=registration.forum.slug,
            access_key=registration.access_key,
        ),
        description=_("Submit recommendations and support those of the workshops."),
    )


@hooks.manage_links.register(order=50)
def _manage_link(forum, user):
    if not (user.has_role(forum, Role.organiser) or services.workshops_for(user, forum)):
        return None
    return hooks.ForumLink(label=_("Recommendations"), url=url_for("recommendations.index", forum_slug=forum.slug))


@hooks.dashboard_panels.register(order=50)
def _dashboard_panel(forum, user):
    return hooks.DashboardPanel(
        title=_("Recommendations"),
        template="recommendations/_panel.html",
        context={"recommendation_counts": services.status_counts(forum)},
        url=url_for("recommendations.index", forum_slug=forum.slug),
    )


@hooks.report_sections.register()
def facts_section(forum: Forum) -> hooks.ReportSection:
    counts = dict(
        db.session.execute(
            sa.select(Registration.status, sa.func.count())
            .where(Registration.forum_id == forum.id)
            .group_by(Registration.status)
        ).all()
    )
    status_counts = services.status_counts(forum)
    return hooks.ReportSection(
        key="facts",
        title=_l("The forum"),
        template="recommendations/report/_facts.html",
        context={
            "registered": sum(counts.values()),
            "confirmed": counts.get(RegistrationStatus.confirmed, 0),
            "workshop_count": len(services.workshops(forum)),
            "recommendation_count": sum(n for s, n in status_counts.items() if s != RecommendationStatus.merged),
            "accepted_count": status_counts[RecommendationStatus.accepted],
        },
    )


@hooks.report_sections.register()
def recommendations_section(forum: Forum) -> hooks.ReportSection:
    return hooks.ReportSection(
        key="recommendations",
        title=_l("Recommendations"),
        template="recommendations/report/_recommendations.html",
        # read by the template: the page shows the top of each group, the PDF every recommendation
        context={"load_outcomes": partial(services.accepted_by_workshop, forum)},
    )


hooks.seed_steps.connect(seed.seed_recommendations, order=50)


@hooks.personal_data.register(order=50)
def supports_of(registration: Registration) -> hooks.PersonalDataSection:
    """The recommendations the person supported (kept at erasure: a support counts, it names no one)."""
    rows = db.session.execute(
        sa.select(Recommendation.text, Endorsement.created_at)
        .join(Endorsement, Endorsement.recommendation_id == Recommendation.id)
        .where(Endorsement.registration_id == registration.id)
        .order_by(Endorsement.created_at)
    )
    records = [{"recommendation": text, "supported_at": at.isoformat()} for text, at in rows]
    labels = {"recommendation": _l("Recommendation"), "supported_at": _l("Supported")}
    return hooks.PersonalDataSection("supports", _l("Recommendations you supported"), records, labels)
