"""What the series adds to shared pages: the participant's own history across the forums."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.registration.models import Registration


@hooks.registration_links.register(order=80)
def history_link(registration: Registration) -> hooks.ForumLink:
    return hooks.ForumLink(
        _l("My forums"),
        url_for("series.own_history", forum_slug=registration.forum.slug, access_key=registration.access_key),
        _l("Every forum of the series you registered for, with your workshops and recommendations."),
        icon="history",
    )
