"""Badge checks shared by badge and check-in tests: decode with zxing-cpp, verify the token."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from forum.badges.services import read_badge_code


def decode_all(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


@pytest.fixture
def verify_badge():
    """verify_badge(image, registration): the image holds exactly the registration's valid code."""

    def verify(image: Image.Image, registration) -> str:
        codes = decode_all(image)
        assert len(codes) == 1, f"expected one QR, found {codes}"
        assert read_badge_code(codes[0], forum_id=registration.forum_id).id == registration.id
        return codes[0]

    return verify
