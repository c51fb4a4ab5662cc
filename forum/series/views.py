"""Series pages."""

from forum.series import bp, models  # noqa: F401
