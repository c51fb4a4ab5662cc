"""Booths from a CSV file: all lines or none, zones created by code."""

from __future__ import annotations

import csv
import io
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


def import_booths(forum: Forum, text: str | bytes, *, actor: User) -> ImportResult:
    """Create or update booths from CSV (see CSV_COLUMNS); zones are created by code when missing.

    All or nothing: one bad line refuses the whole file, with every error listed by line number.
    An uploaded file (bytes) must be UTF-8, with or without a byte-order mark.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ExhibitionError(_l("The file must be CSV in UTF-8.")) from error
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ExhibitionError(_l("The file lacks the columns: %(columns)s.", columns=", ".join(missing)))
    zones = {zone.code: zone for zone in zones_of(forum)}
    rows: list[tuple[int, dict[str, Any]]] = []
    for line, row in enumerate(reader, start=2):
        try:
            zone_code = (row["zone"] or "").strip().upper()
            if not zone_code or not (row["code"] or "").strip():
                raise ValueError
            data = {
                "code": row["code"].strip().upper(),
                "zone_code": zone_code,
                "area_m2": int(row["area_m2"]),
                "x": int(row["x"]),
                "y": int(row["y"]),
                "width": int(row["width"]),
                "height": int(row["height"]),
                "tier": BoothTier((row["tier"] or "standard").strip().lower()),
                "has_power": (row["power"] or "").strip().lower() in _TRUE,
                "has_water": (row["water"] or "").strip().lower() in _TRUE,
                "has_wall": (row["wall"] or "").strip().lower() in _TRUE,
            }
            if data["area_m2"] <= 0 or min(data["x"], data["y"]) < 0 or min(data["width"], data["height"]) <= 0:
                raise ValueError
        except (ValueError, TypeError, KeyError):
            result.errors.append(str(_l("Line %(line)s: a value is missing or not valid.", line=line)))
            continue
        rows.append((line, data))
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
