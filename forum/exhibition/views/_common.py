"""What the exhibition's view modules share: their URL prefixes, the language of the request."""

from __future__ import annotations

from flask_babel import get_locale

ORGANISER = "/f/<forum_slug>/manage/exhibition"
PORTAL = "/f/<forum_slug>/exhibitor"


def locale() -> str:
    """The language of the request, for the e-mails a service sends."""
    return str(get_locale())
