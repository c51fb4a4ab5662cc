"""What messages add to other pages: the organisers' menu entry and the participant's messages setting."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.auth.models import Role
from forum.messages.services import certificate_of
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
