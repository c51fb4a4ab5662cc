"""Badge checks shared by badge and check-in tests: decode with zxing-cpp, verify the token, read PDFs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from forum.badges.services import read_badge_code


def decode_all(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def pdf_pages(pdf: bytes, folder: Path) -> list[tuple[tuple[int, int], Image.Image]]:
    """Each page of a PDF as (its size in whole millimetres, its picture at 150 dpi), through poppler."""
    path = folder / "file.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        [shutil.which("pdfinfo"), "-f", "1", "-l", "999", str(path)], capture_output=True, text=True, check=True
    ).stdout
    sizes = [
        (round(float(width) * 25.4 / 72), round(float(height) * 25.4 / 72))
        for width, height in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)
    ]
    subprocess.run(
        [shutil.which("pdftoppm"), "-r", "150", "-gray", "-png", str(path), str(folder / "page")], check=True
    )
    pictures = [Image.open(page) for page in sorted(folder.glob("page*.png"))]
    assert len(pictures) == len(sizes)
    return list(zip(sizes, pictures, strict=True))


@pytest.fixture
def verify_badge():
    """verify_badge(image, registration): the image holds exactly the registration's valid code."""

    def verify(image: Image.Image, registration) -> str:
        codes = decode_all(image)
        assert len(codes) == 1, f"expected one QR, found {codes}"
        assert read_badge_code(codes[0], forum_id=registration.forum_id).id == registration.id
        return codes[0]

    return verify
