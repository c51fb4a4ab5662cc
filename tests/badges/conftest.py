"""Fixtures of the badge tests."""

from badge_checks import verify_badge  # noqa: F401  (a fixture)
