"""Uploaded logos (a forum's, an exhibitor's): checked by Pillow, size-limited, re-encoded to PNG without metadata."""

from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from forum.errors import ForumError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
#: the longest side of the stored logo
LOGO_SIDE = 512
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


class ImageError(ForumError):
    message = _l("This file is not an image we can use (PNG, JPEG, WebP or GIF).")


def clean_logo(data: bytes) -> bytes:
    """Verify an uploaded image and return it re-encoded as a small PNG, with no metadata kept."""
    if len(data) > MAX_BYTES:
        raise ImageError(_l("The logo is too large (2 MB at most)."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ImageError()
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageError(_l("The logo has too many pixels (4096 × 4096 at most)."))
            probe.verify()
        # verify() leaves the image unusable: open it again to decode it for real.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageError() from error
    image.thumbnail((LOGO_SIDE, LOGO_SIDE))
    # A fresh image carries pixels only: no EXIF, no text chunks, no ICC profile.
    clean = Image.new("RGBA", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()
