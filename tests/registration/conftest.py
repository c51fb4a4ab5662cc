"""Registration tests: an exhibitor, to scan the badges of the people registered."""

from exhibition_factories import make_exhibitor  # noqa: F401
