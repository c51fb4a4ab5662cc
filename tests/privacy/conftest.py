"""Fixtures of the privacy tests: the exhibition factories (a lead needs an exhibitor)."""

from exhibition_factories import make_exhibitor, organiser  # noqa: F401
