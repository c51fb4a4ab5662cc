"""What the series adds to shared pages: the participant's own history across the forums, and the copy
from a previous edition in a forum's management menu."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.auth.models import Role, User
from forum.events.models import Forum
from forum.registration.models import Registration
from forum.series import seed, services


@hooks.registration_links.register(order=80)
def history_link(registration: Registration) -> hooks.ForumLink:
    return hooks.ForumLink(
        _l("My forums"),
        url_for("series.own_history", forum_slug=registration.forum.slug, access_key=registration.access_key),
        _l("Every forum of the series you registered for, with your workshops and recommendations."),
        icon="history",
    )


@hooks.manage_links.register(order=15)
def copy_link(forum: Forum, user: User) -> hooks.ForumLink | None:
    if not user.has_role(forum, Role.organiser):
        return None
    return hooks.ForumLink(_l("Copy from a previous edition"), url_for("series.copy_edition", forum_slug=forum.slug))


hooks.seed_steps.connect(seed.seed_series, order=60)


@hooks.erase_personal_data.register(order=90)
def forget_person(registration, now) -> None:
    """The registration leaves the person's history; a person with no registration left is deleted."""
    services.forget_person(registration)
