"""The exhibition's factories, for every test of this folder."""

import pytest
from exhibition_factories import apply, make_booths, make_exhibitor, organiser  # noqa: F401


@pytest.fixture(autouse=True)
def english(app):
    """Service messages are read in English here (outside a request the default language is Arabic)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield
