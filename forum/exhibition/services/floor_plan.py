"""The floor plan: the exhibition's settings, zones and booths, where they sit on the grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forum import audit
from forum.auth.models import User
from forum.events.models import Forum
from forum.exhibition.models import Booth, BoothAssignment, BoothStatus, BoothTier, Exhibition, Exhibitor, Zone
from forum.exhibition.services._common import forum_of
from forum.exhibition.services.errors import ExhibitionError
from forum.extensions import db


def get_exhibition(forum: Forum) -> Exhibition:
    """The forum's exhibition settings, created on first use."""
    exhibition = db.session.scalar(sa.select(Exhibition).where(Exhibition.forum_id == forum.id))
    if exhibition is None:
        exhibition = Exhibition(forum_id=forum.id)
        db.session.add(exhibition)
        db.session.flush()
    return exhibition


def find_exhibition(forum: Forum) -> Exhibition | None:
    """The forum's exhibition settings, or None while nobody has set them (nothing is created)."""
    return db.session.scalar(sa.select(Exhibition).where(Exhibition.forum_id == forum.id))


def set_deadline(forum: Forum, closes_at: datetime | None, *, actor: User) -> Exhibition:
    """Booth applications are accepted until `closes_at` (None: until the allocation is published)."""
    exhibition = get_exhibition(forum)
    exhibition.applications_close_at = closes_at
    audit.record("exhibition.deadline", actor=actor, forum=forum, closes_at=closes_at and closes_at.isoformat())
    return exhibition


def zones_of(forum: Forum) -> list[Zone]:
    """The forum's zones, by code."""
    return list(db.session.scalars(sa.select(Zone).where(Zone.forum_id == forum.id).order_by(Zone.code)))


def save_zone(forum: Forum, zone: Zone | None, *, code: str, name: dict[str, str], actor: User) -> Zone:
    """Create (zone None) or update a zone; its code, upper-cased, is unique in the forum."""
    code = code.strip().upper()
    clash = db.session.scalar(sa.select(Zone).where(Zone.forum_id == forum.id, Zone.code == code))
    if clash is not None and clash is not zone:
        raise ExhibitionError(_l("Another zone already uses the code %(code)s.", code=code))
    if zone is None:
        zone = Zone(forum_id=forum.id)
        db.session.add(zone)
    zone.code, zone.name = code, name
    db.session.flush()
    audit.record("exhibition.zone_save", actor=actor, forum=forum, target=zone, code=code)
    return zone


def booths_of(forum: Forum) -> list[Booth]:
    """Every booth with its zone, assignment and assigned organisation loaded (one query each)."""
    return list(
        db.session.scalars(
            sa.select(Booth)
            .where(Booth.forum_id == forum.id)
            .options(
                joinedload(Booth.zone),
                joinedload(Booth.assignment).joinedload(BoothAssignment.exhibitor).joinedload(Exhibitor.organisation),
            )
            .order_by(Booth.code)
        ).unique()
    )


BOOTH_FIELDS = ("code", "zone_id", "area_m2", "x", "y", "width", "height", "tier", "has_power", "has_water", "has_wall")


def _overlapping(forum: Forum, booth: Booth | None, data: dict[str, Any]) -> Booth | None:
    """Another booth of the forum whose rectangle on the grid overlaps this one."""
    x, y, w, h = data["x"], data["y"], data["width"], data["height"]
    query = sa.select(Booth).where(
        Booth.forum_id == forum.id,
        Booth.x < x + w,
        Booth.x + Booth.width > x,
        Booth.y < y + h,
        Booth.y + Booth.height > y,
    )
    if booth is not None and booth.id is not None:
        query = query.where(Booth.id != booth.id)
    return db.session.scalars(query.limit(1)).first()


def save_booth(forum: Forum, booth: Booth | None, data: dict[str, Any], *, actor: User) -> Booth:
    """Create (booth None) or update a booth from validated form data.

    Its code is unique in the forum, it overlaps no other booth on the grid, and it still meets the needs
    of the exhibitor it is assigned to.
    """
    data = {**data, "code": data["code"].strip().upper()}
    zone = db.session.get(Zone, data["zone_id"])
    if zone is None or zone.forum_id != forum.id:
        raise ExhibitionError(_l("Choose a zone of this forum."))
    clash = db.session.scalar(sa.select(Booth).where(Booth.forum_id == forum.id, Booth.code == data["code"]))
    if clash is not None and clash is not booth:
        raise ExhibitionError(_l("Another booth already uses the code %(code)s.", code=data["code"]))
    other = _overlapping(forum, booth, data)
    if other is not None:
        raise ExhibitionError(_l("This booth would overlap booth %(code)s on the plan.", code=other.code))
    if booth is not None and booth.assignment is not None and booth.assignment.exhibitor.application is not None:
        application = booth.assignment.exhibitor.application
        probe = Booth(**{k: data[k] for k in BOOTH_FIELDS})
        if not probe.fits(**application.needs):
            raise ExhibitionError(_l("The exhibitor assigned to this booth needs more: unassign it first."))
    creating = booth is None
    if booth is None:
        booth = Booth(forum_id=forum.id)
        db.session.add(booth)
    for key in BOOTH_FIELDS:
        setattr(booth, key, data[key])
    booth.tier = BoothTier(data["tier"])
    db.session.flush()
    audit.record(
        "exhibition.booth_create" if creating else "exhibition.booth_update",
        actor=actor,
        forum=forum,
        target=booth,
        code=booth.code,
    )
    return booth


def delete_booth(booth: Booth, *, actor: User) -> None:
    """Remove a booth from the plan; an assigned booth must be unassigned first."""
    if booth.assignment is not None:
        raise ExhibitionError(_l("Booth %(code)s is assigned: unassign it before deleting it.", code=booth.code))
    audit.record("exhibition.booth_delete", actor=actor, forum=forum_of(booth.forum_id), code=booth.code)
    db.session.delete(booth)
    db.session.flush()


def get_booth(forum: Forum, booth_id: int) -> Booth | None:
    """The booth with this id in this forum, or None (never another forum's)."""
    booth = db.session.get(Booth, booth_id)
    return booth if booth is not None and booth.forum_id == forum.id else None


@dataclass
class PlanLayout:
    """How big the drawn floor plan is and where the zones' names go."""

    width: int
    height: int
    #: (zone, x, y) where each zone's label goes: above its top-left booth
    labels: list[tuple[Zone, int, int]]


def plan_layout(booths: list[Booth]) -> PlanLayout:
    """The extent of the floor plan (with a margin) and where to write the zones' names."""
    if not booths:
        return PlanLayout(10, 6, [])
    corners: dict[int, tuple[Zone, int, int]] = {}
    for booth in booths:
        zone, x, y = corners.get(booth.zone_id, (booth.zone, booth.x, booth.y))
        corners[booth.zone_id] = (zone, min(x, booth.x), min(y, booth.y))
    width = max(booth.x + booth.width for booth in booths) + 1
    height = max(booth.y + booth.height for booth in booths) + 1
    return PlanLayout(width, height, sorted(corners.values(), key=lambda item: item[0].code))


@dataclass
class PlanBooth:
    """A booth as the floor plan shows it: its status and holder as this audience may see them."""

    booth: Booth
    status: BoothStatus
    holder: Exhibitor | None


def plan_booths(booths: list[Booth], public: bool = False) -> list[PlanBooth]:
    """Each booth with the status to show (an unpublished offer is 'free' to the public) and its holder."""
    shown = []
    for booth in booths:
        status = BoothStatus.free if public and booth.status == BoothStatus.offered else booth.status
        holder = booth.assignment.exhibitor if booth.assignment and status != BoothStatus.free else None
        shown.append(PlanBooth(booth, status, holder))
    return shown
