"""Speakers' photos go through the same check as logos: type by content, size, pixel bombs, re-encoded."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from forum import storage
from forum.programme.models import Speaker


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "secret GPS notes"
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (15, 92, 77)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _pixel_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (6000, 6000)).save(out, format="PNG")  # a few kB, 36 million pixels
    return out.getvalue()


def _post(client, forum, data: bytes, filename: str):
    form = {
        "name_latin": "Nadia Berrada",
        "job_title": "Economist",
        "registration_id": "",
        "photo": (io.BytesIO(data), filename),
    }
    return client.post(
        f"/f/{forum.slug}/manage/programme/speakers",
        data=form,
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )


def test_a_photo_is_re_encoded_without_metadata_and_served_as_png(as_role, db, client):
    signed_in, forum, _user = as_role("organiser")
    assert _post(signed_in, forum, _jpeg_with_exif(), "nadia.jpg").status_code == 302
    speaker = db.session.scalar(sa.select(Speaker))
    stored = storage.read(speaker.photo_key)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG" and max(image.size) == 600 and b"secret" not in stored
    served = client.get(f"/f/{forum.slug}/programme/speakers/{speaker.id}/photo")
    assert served.mimetype == "image/png"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg", "not an image we can use"),
        (b"GIF89a broken", "photo.png", "not an image we can use"),
        (_pixel_bomb(), "photo.png", "too many pixels"),
    ],
)
def test_anything_else_is_refused_and_the_form_kept(as_role, db, data, filename, message):
    signed_in, forum, _user = as_role("organiser")
    page = _post(signed_in, forum, data, filename)
    assert page.status_code == 200 and message in page.text and 'value="Nadia Berrada"' in page.text
    assert db.session.scalar(sa.select(sa.func.count(Speaker.id))) == 0
