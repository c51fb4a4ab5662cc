"""What privacy adds to shared pages: the link to a person's own data on their self-service page."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks


@hooks.registration_links.register(order=90)
def my_data_link(registration: Any) -> hooks.ForumLink | None:
    return hooks.ForumLink(
        label=_l("My personal data"),
        url=url_for("privacy.mine", forum_slug=registration.forum.slug, access_key=registration.access_key),
        description=_l("See and download what Multaqa holds about you, or have it erased."),
    )
