"""The broken rules of the exhibition, each with the message shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forum.errors import ForumError


class ExhibitionError(ForumError):
    """A rule of the exhibition is broken; the message says which."""

    message = _l("This exhibition action is not possible.")


class BoothTaken(ExhibitionError):
    """Another organiser gave this booth away a moment ago."""

    message = _l(
        "Booth %(booth)s has just been given to %(exhibitor)s by someone else. Reload the plan and choose again."
    )


class NoConsent(ExhibitionError):
    """The visitor did not consent to exhibitors keeping their details."""

    message = _l("This visitor did not agree to share their contact details with exhibitors: no lead was saved.")
