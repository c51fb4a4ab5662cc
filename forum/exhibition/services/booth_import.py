"""Booths from a CSV file: all lines or none, zones created by code."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from forum.auth.models import User
from forum.events.models import Forum
from forum.exhibition.models import BoothTier
from forum.exhibition.services.errors import ExhibitionError
from forum.exhibition.services.floor_plan import booths_of, save_booth, save_zone, zones_of

CSV_COLUMNS = ("code", "zone", "area_m2", "x", "y", "width", "height", "tier", "power", "water", "wall")
_TRUE = {"1", "yes", "y", "true", "oui", "x", "نعم"}


@dataclass
class ImportResult:
    """How many booths an import created and updated (errors refuse the whole file)."""

    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


#: a floor plan's file: a few hundred booths weigh a few kB; beyond these it is refused whole, at once
MAX_BYTES = 256 * 1024
MAX_ROWS = 1000
#: the same bounds as the booth form's
_NUMBERS = {"area_m2": (1, 2000), "x": (0, 500), "y": (0, 500), "width": (1, 100), "height": (1, 100)}
_BOOTH_CODE = re.compile(r"^[A-Z0-9-]{1,12}$")
_ZONE_CODE = re.compile(r"^[A-Z0-9-]{1,10}$")


def _decoded(text: str | bytes) -> tuple[str, list[str]]:
    """The file's text, and an error for each line that is not UTF-8 (its bytes replaced, so the
    other lines are still read and checked)."""
    if isinstance(text, str):
        return text.lstrip("\ufeff"), []
    if len(text) > MAX_BYTES:
        raise ExhibitionError(_l("The file is too large (256 kB at most)."))
    lines, errors = [], []
    for number, raw in enumerate(text.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            errors.append(str(_l("Line %(line)s: the text is not UTF-8.", line=number)))
            lines.append(raw.decode("utf-8", errors="replace"))
    return "\n".join(lines), errors


def _number(row: dict[str, Any], name: str) -> int:
    value = int((row[name] or "").strip())
    low, high = _NUMBERS[name]
    if not low <= value <= high:
        raise ValueError(name)
    return value


def _booth(row: dict[str, Any]) -> dict[str, Any]:
    """One line's booth, or ValueError (a value missing, too long, out of bounds or unknown)."""
    code, zone_code = (row["code"] or "").strip().upper(), (row["zone"] or "").strip().upper()
    if not _BOOTH_CODE.match(code) or not _ZONE_CODE.match(zone_code):
        raise ValueError("code")
    return {
        "code": code,
        "zone_code": zone_code,
        **{name: _number(row, name) for name in _NUMBERS},
        "tier": BoothTier((row["tier"] or "standard").strip().lower()),
        "has_power": (row["power"] or "").strip().lower() in _TRUE,
        "has_water": (row["water"] or "").strip().lower() in _TRUE,
        "has_wall": (row["wall"] or "").strip().lower() in _TRUE,
    }


def import_booths(forum: Forum, text: str | bytes, *, actor: User) -> ImportResult:
    """Create or update booths from CSV (see CSV_COLUMNS); zones are created by code when missing.

    All or nothing: one bad line refuses the whole file, with every error listed by line number (a
    line that is not UTF-8 too). At most MAX_BYTES and MAX_ROWS, so no file holds a worker for long;
    codes, numbers and lengths are bounded as in the booth form.
    """
    text, encoding_errors = _decoded(text)
    result = ImportResult(errors=encoding_errors)
    reader = csv.DictReader(io.StringIO(text))
    try:
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    except csv.Error as error:
        raise ExhibitionError(_l("The file is not CSV.")) from error
    if missing:
        raise ExhibitionError(_l("The file lacks the columns: %(columns)s.", columns=", ".join(missing)))
    zones = {zone.code: zone for zone in zones_of(forum)}
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for row in reader:
            if len(rows) + len(result.errors) >= MAX_ROWS:
                raise ExhibitionError(_l("The file has more than 1,000 booths: split it."))
            try:
                rows.append((reader.line_num, _booth(row)))
            except (ValueError, TypeError, KeyError, AttributeError):
                result.errors.append(str(_l("Line %(line)s: a value is missing or not valid.", line=reader.line_num)))
    except csv.Error as error:
        raise ExhibitionError(_l("The file is not CSV.")) from error
    if result.errors:
        raise ExhibitionError(" ".join(result.errors))
    existing = {booth.code: booth for booth in booths_of(forum)}
    for line, data in rows:
        zone = zones.get(data["zone_code"])
        if zone is None:
            zone = save_zone(forum, None, code=data.pop("zone_code"), name={}, actor=actor)
            zones[zone.code] = zone
        else:
            data.pop("zone_code")
        data["zone_id"] = zone.id
        booth = existing.get(data["code"])
        try:
            saved = save_booth(forum, booth, data, actor=actor)
        except ExhibitionError as error:
            result.errors.append(str(_l("Line %(line)s: %(error)s", line=line, error=str(error))))
            continue
        existing[saved.code] = saved
        if booth is None:
            result.created += 1
        else:
            result.updated += 1
    if result.errors:
        raise ExhibitionError(" ".join(result.errors))
    return result
