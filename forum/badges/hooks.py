"""What badges add to other modules' pages and flows: the participant's link, the badge e-mail."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks, jobs, mail
from forum.auth.models import Role
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
    """Queue the badge e-mail: the job draws the badge (too slow for the request) and attaches it.

    The link is built here, where the request tells the host; the job has no request."""
    link = mail.external_url("badges.my_badge", forum_slug=registration.forum.slug, access_key=registration.access_key)
    jobs.enqueue("badges.send_badge", registration.id, link, track=False)


@hooks.manage_links.register(order=40)
def badges_link(forum, user):
    if not user.has_role(forum, Role.organiser):
        return None
    return hooks.ForumLink(_l("Badges"), url_for("badges.manage", forum_slug=forum.slug))
