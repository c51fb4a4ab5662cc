"""Uploaded images (forums' and exhibitors' logos, speakers' photos): checked by Pillow from their content,
size- and pixel-limited, re-encoded to PNG without metadata."""

from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from forum.errors import ForumError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
#: the longest side of the stored logo, and of a speaker's photo
LOGO_SIDE = 512
PHOTO_SIDE = 600
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


class ImageError(ForumError):
    message = _l("This file is not an image we can use (PNG, JPEG, WebP or GIF).")


def clean_logo(data: bytes) -> bytes:
    """Verify an uploaded logo and return it re-encoded as a small PNG, with no metadata kept."""
    too_large = _l("The logo is too large (2 MB at most).")
    too_many = _l("The logo has too many pixels (4096 × 4096 at most).")
    return _clean(data, LOGO_SIDE, too_large, too_many)


def clean_photo(data: bytes) -> bytes:
    """Verify an uploaded photo and return it re-encoded as a PNG (600 px at most), with no metadata kept."""
    too_large = _l("The photo is too large (2 MB at most).")
    too_many = _l("The photo has too many pixels (4096 × 4096 at most).")
    return _clean(data, PHOTO_SIDE, too_large, too_many)


def _clean(data: bytes, side: int, too_large: object, too_many: object) -> bytes:
    """The image's type is read from its content (never its name); a pixel bomb is refused before decoding."""
    if len(data) > MAX_BYTES:
        raise ImageError(too_large)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ImageError()
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageError(too_many)
            probe.verify()
        # verify() leaves the image unusable: open it again to decode it for real.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageError() from error
    image.thumbnail((side, side))
    # A fresh image carries pixels only: no EXIF, no text chunks, no ICC profile.
    clean = Image.new("RGBA", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()
