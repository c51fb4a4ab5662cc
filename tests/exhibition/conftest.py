"""The exhibition's factories, for every test of this folder."""

from exhibition_factories import apply, make_booths, make_exhibitor, organiser  # noqa: F401
