"""What badges add to other modules' pages and flows: the participant's link, the badge e-mail."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks, mail
from forum.auth.models import Role
from forum.db import translated
from forum.registration.models import Registration


@hooks.registration_links.register(order=30)
def badge_link(registration: Registration):
    if not registration.is_confirmed:
        return None
    return hooks.ForumLink(
        _l("My badge"),
        url_for("badges.my_badge", forum_slug=registration.forum.slug, access_key=registration.access_key),
        _l("Print it or show it on your phone at the entrance."),
    )


@hooks.registration_confirmed.register(order=30)
def send_badge(registration: Registration) -> None:
    """Queue the badge e-mail, in the person's language, with the link to the badge image."""
    link = mail.external_url("badges.my_badge", forum_slug=registration.forum.slug, access_key=registration.access_key)
    mail.send(
        registration.email,
        _l("Your badge for %(forum)s"),
        "badge",
        locale=registration.locale,
        registration=registration,
        forum=translated(registration.forum.title, registration.locale),
        link=link,
    )


@hooks.manage_links.register(order=40)
def badges_link(forum, user):
    if not user.has_role(forum, Role.organiser):
        return None
    return hooks.ForumLink(_l("Badges"), url_for("badges.manage", forum_slug=forum.slug))
