"""Print files for badges: A6 pages, or A4 pages of four badges with crop marks.

A small PDF writer of our own. What is the same on many badges, the background of a forum's role
(logo, title, band), is an indexed-colour image compressed with Flate (Pillow's PDF writer stores
palette images as hex text, ten times larger) written once in the file and shown by every badge of the
role; each badge adds its person's stencils (names, organisation, QR) as 1-bit image masks.

A batch is drawn by as many processes as the machine lends it: forked from the job, so they share its
fonts and need no database; each draws a chunk of people into compressed masks, and the job writes
them into one file in order.
"""

from __future__ import annotations

import multiprocessing
import signal
import zlib
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from PIL import Image

from forum.badges.render import HEIGHT, PALETTE, PALETTE_RGB, WIDTH, BadgeParts, Person, person_stencils, warm_fonts

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

    def mask(self, piece: Piece) -> int:
        """A stencil as a 1-bit image mask (set bits take the ink); returns its object number."""
        width, height = piece.bits
        header = (
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ImageMask true /BitsPerComponent 1 "
            b"/Decode [1 0] /Interpolate false /Filter /FlateDecode /Length %d >>\nstream\n"
            % (width, height, len(piece.data))
        )
        return self._object(header + piece.data + b"\nendstream")

    def page(
        self,
        size: tuple[float, float],
        images: list[tuple[int, float, float, float, float]],
        extra: str = "",
        *,
        masks: list[int] = (),
    ) -> None:
        """A page showing images (object, x, y, width, height in points), then extra operators that
        may paint the image masks named /M<object>."""
        operators = [
            f"q {w:.3f} 0 0 {h:.3f} {x:.3f} {y:.3f} cm /Im{n} Do Q" for n, (_, x, y, w, h) in enumerate(images)
        ]
        content = ("\n".join(operators) + "\n" + extra).encode()
        content_id = self._object(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        xobjects = [b"/Im%d %d 0 R" % (n, image[0]) for n, image in enumerate(images)]
        xobjects += [b"/M%d %d 0 R" % (mask, mask) for mask in masks]
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


class Piece(NamedTuple):
    """A stencil ready for the file: its bits compressed, their size, its box and its ink."""

    data: bytes
    bits: tuple[int, int]
    box: tuple[int, int, int, int]
    ink: int


#: people a drawing process takes at a time: enough to make the hand-over cheap, few enough that the
#: job writes the file while the processes draw
CHUNK = 20


def _pieces(person: Person) -> list[Piece]:
    return [
        Piece(zlib.compress(stencil.mask.tobytes()), stencil.mask.size, stencil.box, stencil.ink)
        for stencil in person_stencils(person)
    ]


def _default_signals() -> None:
    """In a drawing process: stop at SIGTERM or SIGINT, whatever the job's process made of them (a job
    worker or a web server traps them to finish its work first), so the pool can always stop it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _drawn(people: Sequence[Person], processes: int, chunk: int) -> Iterator[list[Piece]]:
    """Each person's pieces, in order: drawn here, or by forked processes when the batch has at least
    a chunk for each of them."""
    processes = min(processes, len(people) // chunk)
    if processes <= 1:
        yield from map(_pieces, people)
        return
    warm_fonts()  # before the fork: the processes inherit the fonts instead of building them each
    with multiprocessing.get_context("fork").Pool(processes, initializer=_default_signals) as pool:
        yield from pool.imap(_pieces, people, chunksize=chunk)


def write_badges(
    stream, badges: Sequence[BadgeParts], *, layout: str, progress=None, processes: int = 1, chunk: int = CHUNK
) -> int:
    """Write a print PDF of the badges to a binary stream: layout "a6" (one a page) or "a4" (four a
    page, with crop marks); `progress(n)` is called after each badge; `processes` draw the people's
    stencils, `chunk` people at a time. Returns the number of badges."""
    if layout not in ("a6", "a4"):
        raise ValueError(f"unknown layout {layout!r}")
    writer = PdfWriter(stream)
    backgrounds: dict[int, int] = {}
    slots = [(0.0, A6[1]), (A6[0], A6[1]), (0.0, 0.0), (A6[0], 0.0)]
    scale = A6[0] / WIDTH  # points per pixel
    page_images: list[tuple[int, float, float, float, float]] = []
    page_masks: list[int] = []
    drawings: list[str] = []

    def place(parts: BadgeParts, pieces: list[Piece], x: float, y: float) -> None:
        """The badge's background, then its pieces in their inks, its corner at (x, y)."""
        key = id(parts.background)
        if key not in backgrounds:
            backgrounds[key] = writer.image(parts.background)
        page_images.append((backgrounds[key], x, y, A6[0], A6[1]))
        for piece in pieces:
            left, top, width, height = piece.box
            number = writer.mask(piece)
            page_masks.append(number)
            ink = " ".join(f"{channel / 255:.3f}" for channel in PALETTE_RGB[piece.ink])
            drawings.append(
                f"q {ink} rg {width * scale:.3f} 0 0 {height * scale:.3f} "
                f"{x + left * scale:.3f} {y + (HEIGHT - top - height) * scale:.3f} cm /M{number} Do Q"
            )

    def flush() -> None:
        extra = "\n".join(drawings)
        if layout == "a4" and page_images:
            extra += "\n0.25 w 0 G\n" + "\n".join(_crop_marks())
        writer.page(A6 if layout == "a6" else A4, list(page_images), extra, masks=list(page_masks))
        page_images.clear()
        page_masks.clear()
        drawings.clear()

    count = 0
    for parts, pieces in zip(badges, _drawn([b.person for b in badges], processes, chunk), strict=True):
        place(parts, pieces, *((0.0, 0.0) if layout == "a6" else slots[count % 4]))
        count += 1
        if layout == "a6" or count % 4 == 0:
            flush()
        if progress is not None:
            progress(count)
    if page_images or not writer.page_ids:
        flush()
    writer.close()
    return count
