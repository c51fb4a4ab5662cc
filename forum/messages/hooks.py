"""What messages add to other pages: the organisers' menu entry and the participant's messages setting."""

from __future__ import annotations

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum import hooks
from forum.auth.models import Role
from forum.events.models import Forum
from forum.extensions import db
from forum.messages import services
from forum.messages.services import can_manage, certificate_of, materials_of, public_materials, survey_of, was_present
from forum.messages.services import results as survey_results
from forum.registration.models import Registration


@hooks.manage_links.register(order=60)
def messages_link(forum, user):
    if not user.has_role(forum, Role.organiser):
        return None
    return hooks.ForumLink(_l("Messages"), url_for("messages.index", forum_slug=forum.slug))


@hooks.registration_links.register(order=90)
def stop_link(registration: Registration):
    return hooks.ForumLink(
        _l("The forum's messages"),
        url_for("messages.stop", forum_slug=registration.forum.slug, access_key=registration.access_key),
        _l("Stop or allow again the messages to participants."),
    )


@hooks.registration_links.register(order=91)
def certificate_link(registration: Registration):
    if certificate_of(registration) is None:
        return None
    return hooks.ForumLink(
        _l("My certificate of attendance"),
        url_for("messages.my_certificate", forum_slug=registration.forum.slug, access_key=registration.access_key),
        _l("A PDF to print or to send to your association's funders."),
    )


@hooks.registration_links.register(order=92)
def feedback_link(registration: Registration):
    survey = survey_of(registration.forum)
    if survey is None or not survey.is_open or not was_present(registration):
        return None
    return hooks.ForumLink(
        _l("Give your opinion"),
        url_for("messages.feedback", forum_slug=registration.forum.slug, access_key=registration.access_key),
        _l("A few questions on the forum and your workshops."),
    )


@hooks.report_sections.register()
def feedback_section(forum):
    survey = survey_of(forum)
    if survey is None or survey.opened_at is None:
        return None
    answered, results = survey_results(survey)
    return hooks.ReportSection(
        key="feedback",
        title=_l("Participants' feedback"),
        template="messages/_report_feedback.html",
        context={"answered": answered, "results": results},
    )


@hooks.manage_links.register(order=61)
def materials_link(forum, user):
    if not user.has_role(forum, Role.organiser):
        return None
    return hooks.ForumLink(_l("Materials"), url_for("messages.materials", forum_slug=forum.slug))


def _public_materials_of(session) -> list:
    """The session's public materials, from one query per forum and request (the programme lists many)."""
    loaded = g.setdefault("public_materials", {})
    if session.forum_id not in loaded:
        forum = db.session.get(Forum, session.forum_id)
        loaded[session.forum_id] = {s.id: materials for s, materials in public_materials(forum)}
    return loaded[session.forum_id].get(session.id, [])


@hooks.session_parts.register()
def session_materials(session, compact: bool):
    materials = _public_materials_of(session) if compact else materials_of(session, public_only=True)
    manage = not compact and can_manage(current_user, session)
    if not materials and not manage:
        return None
    return hooks.SessionPart(
        "messages/_session_materials.html", {"materials": materials, "compact": compact, "manage": manage}
    )


@hooks.report_sections.register()
def materials_section(forum):
    sessions = public_materials(forum)
    if not sessions:
        return None
    return hooks.ReportSection(
        key="materials",
        title=_l("Materials of the sessions"),
        template="messages/_report_materials.html",
        context={"sessions": sessions},
    )


@hooks.personal_data.register(order=70)
def messages_holding(registration) -> hooks.PersonalDataSection:
    """Messages sent to the person, their choices about messages, their certificate and their feedback."""
    records = services.personal_records(registration)
    title = _l("Messages, certificate and feedback")
    return hooks.PersonalDataSection("messages", title, records, services.PRIVACY_LABELS)


@hooks.erase_personal_data.register(order=70)
def forget_messages(registration, now) -> None:
    """Addresses blanked on the record, certificate deleted, free-text answers emptied; counts kept."""
    services.erase_personal_data(registration, now)
