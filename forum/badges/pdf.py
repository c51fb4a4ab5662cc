"""Print files for badges: A6 pages, or A4 pages of four badges with crop marks.

A small PDF writer of our own: each badge is an indexed-colour image compressed with Flate (Pillow's
PDF writer stores palette images as hex text, ten times larger), placed at its exact A6 size.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from PIL import Image

from forum.badges.render import BAND_TOP, HEIGHT, PALETTE, PERSON_TOP, WIDTH, BadgeParts, qr_matrix, qr_module_px

MM = 72 / 25.4
A6 = (105 * MM, 148 * MM)
A4 = (210 * MM, 297 * MM)
CROP_MARK = 8 * MM


class PdfWriter:
    """Objects are written as they come, so a 1,000-badge batch never sits whole in memory."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.offsets: list[int] = []
        self.page_ids: list[int] = []
        self.position = 0
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        # Object 1 is the catalogue, 2 the page tree (written last, once the pages are known).
        self.offsets = [0, 0]
        #: palette bytes -> object number: the fixed print colours, and a forum's with its logo's
        self.palettes: dict[bytes, int] = {}

    def _write(self, data: bytes) -> None:
        self.stream.write(data)
        self.position += len(data)

    def _object(self, body: bytes, number: int | None = None) -> int:
        if number is None:
            self.offsets.append(self.position)
            number = len(self.offsets)
        else:
            self.offsets[number - 1] = self.position
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        return number

    def _palette(self, picture: Image.Image) -> tuple[int, int]:
        """The object of the picture's palette (written once per distinct palette), and its colours."""
        palette = bytes(picture.getpalette() or PALETTE)
        number = self.palettes.get(palette)
        if number is None:
            number = self._object(b"<< /Length %d >>\nstream\n" % len(palette) + palette + b"\nendstream")
            self.palettes[palette] = number
        return number, len(palette) // 3

    def image(self, picture: Image.Image) -> int:
        """A palette image as an image XObject; returns its object number."""
        data = zlib.compress(picture.tobytes(), 1)
        palette_id, colours = self._palette(picture)
        header = (
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 "
            b"/ColorSpace [/Indexed /DeviceRGB %d %d 0 R] /Filter /FlateDecode /Length %d >>\nstream\n"
            % (picture.width, picture.height, colours - 1, palette_id, len(data))
        )
        return self._object(header + data + b"\nendstream")

    def qr(self, code: str) -> tuple[int, int]:
        """A QR as a 1-bit image mask, one sample a module (the viewer scales it without smoothing, so
        it prints crisp); returns (object number, modules a side)."""
        matrix = qr_matrix(code)
        size = len(matrix)
        rows = []
        for row in matrix:
            bits = "".join("0" if dark else "1" for dark in row).ljust((size + 7) // 8 * 8, "1")
            rows.append(int(bits, 2).to_bytes(len(bits) // 8, "big"))
        data = b"".join(rows)
        header = (
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ImageMask true /BitsPerComponent 1 "
            b"/Interpolate false /Length %d >>\nstream\n" % (size, size, len(data))
        )
        return self._object(header + data + b"\nendstream"), size

    def page(
        self,
        size: tuple[float, float],
        images: list[tuple[int, float, float, float, float]],
        extra: str = "",
        *,
        masks: list[int] = (),
    ) -> None:
        """A page showing images (object, x, y, width, height in points), then extra operators that
        may paint the image masks named /Qr<object>."""
        operators = [
            f"q {w:.3f} 0 0 {h:.3f} {x:.3f} {y:.3f} cm /Im{n} Do Q" for n, (_, x, y, w, h) in enumerate(images)
        ]
        content = ("\n".join(operators) + "\n" + extra).encode()
        content_id = self._object(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        xobjects = [b"/Im%d %d 0 R" % (n, image[0]) for n, image in enumerate(images)]
        xobjects += [b"/Qr%d %d 0 R" % (mask, mask) for mask in masks]
        page_id = self._object(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.3f %.3f] /Resources << /XObject << %s >> >> "
            b"/Contents %d 0 R >>" % (size[0], size[1], b" ".join(xobjects), content_id)
        )
        self.page_ids.append(page_id)

    def close(self) -> None:
        kids = b" ".join(b"%d 0 R" % n for n in self.page_ids)
        self._object(b"<< /Type /Catalog /Pages 2 0 R >>", number=1)
        self._object(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.page_ids)), number=2)
        xref_at = self.position
        lines = [b"xref\n0 %d\n" % (len(self.offsets) + 1), b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % offset for offset in self.offsets]
        self._write(b"".join(lines))
        self._write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(self.offsets) + 1, xref_at))


def _crop_marks() -> list[str]:
    """Four A6 badges tile an A4 sheet exactly: the cuts are its two centre lines, marked by short
    hairlines at the sheet's edges."""
    width, height = A4
    return [
        f"{width / 2:.3f} 0 m {width / 2:.3f} {CROP_MARK:.3f} l S",
        f"{width / 2:.3f} {height:.3f} m {width / 2:.3f} {height - CROP_MARK:.3f} l S",
        f"0 {height / 2:.3f} m {CROP_MARK:.3f} {height / 2:.3f} l S",
        f"{width:.3f} {height / 2:.3f} m {width - CROP_MARK:.3f} {height / 2:.3f} l S",
    ]


def write_badges(stream, badges: Iterable[BadgeParts], *, layout: str, progress=None) -> int:
    """Write a print PDF of the badges to a binary stream: layout "a6" (one a page) or "a4" (four a
    page, with crop marks); `progress(n)` is called after each badge. Returns the number of badges."""
    if layout not in ("a6", "a4"):
        raise ValueError(f"unknown layout {layout!r}")
    writer = PdfWriter(stream)
    backgrounds: dict[int, int] = {}
    count = 0
    slots = [(0.0, A6[1]), (A6[0], A6[1]), (0.0, 0.0), (A6[0], 0.0)]
    scale = A6[0] / WIDTH  # points per pixel

    def place(parts: BadgeParts, x: float, y: float) -> tuple[list[tuple[int, float, float, float, float]], int, str]:
        """The badge's images (background, person) and the QR's drawing, its corner at (x, y)."""
        key = id(parts.background)
        if key not in backgrounds:
            backgrounds[key] = writer.image(parts.background)
        person = writer.image(parts.person)
        qr, modules = writer.qr(parts.code)
        side = modules * qr_module_px(modules) * scale
        qr_x = x + (A6[0] - side) / 2
        qr_y = y + (HEIGHT - BAND_TOP + 20) * scale
        images = [
            (backgrounds[key], x, y, A6[0], A6[1]),
            (person, x, y + (HEIGHT - PERSON_TOP - parts.person.height) * scale, A6[0], parts.person.height * scale),
        ]
        return images, qr, f"q 0 g {side:.3f} 0 0 {side:.3f} {qr_x:.3f} {qr_y:.3f} cm /Qr{qr} Do Q"

    page_images: list[tuple[int, float, float, float, float]] = []
    page_qrs: list[tuple[int, str]] = []
    page_marks: list[str] = []

    def flush(size: tuple[float, float]) -> None:
        extra = "\n".join(drawing for _, drawing in page_qrs)
        if page_marks:
            extra += "\n0.25 w 0 G\n" + "\n".join(page_marks)
        writer.page(size, list(page_images), extra, masks=[n for n, _ in page_qrs])
        page_images.clear()
        page_qrs.clear()
        page_marks.clear()

    for parts in badges:
        if layout == "a6":
            x, y = 0.0, 0.0
        else:
            x, y = slots[count % 4]
        images, qr, drawing = place(parts, x, y)
        page_images.extend(images)
        page_qrs.append((qr, drawing))
        if layout == "a4" and not page_marks:
            page_marks.extend(_crop_marks())
        count += 1
        if layout == "a6" or count % 4 == 0:
            flush(A6 if layout == "a6" else A4)
        if progress is not None:
            progress(count)
    if page_images or not writer.page_ids:
        flush(A6 if layout == "a6" else A4)
    writer.close()
    return count
