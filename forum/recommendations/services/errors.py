"""How the recommendations' rules say no."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forum.errors import ForumError


class RecommendationError(ForumError):
    """A recommendation rule refused the change."""

    message = _l("This recommendation cannot be changed this way.")


class InputClosed(RecommendationError):
    """Participants' input is outside its window."""

    message = _l("The forum is not taking recommendations or supports at the moment.")
