"""Booth applications: the choices offered, submitting one, and how its choices expand to booths."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from forum import audit
from forum.auth.models import User
from forum.db import utcnow
from forum.events.models import Forum
from forum.exhibition.models import ApplicationChoice, Booth, BoothApplication, Exhibitor, ExhibitorStatus, Zone
from forum.exhibition.services._common import forum_of
from forum.exhibition.services.errors import ExhibitionError
from forum.exhibition.services.floor_plan import get_exhibition, zones_of
from forum.extensions import db


def choice_options(forum: Forum) -> list[tuple[str, str]]:
    """What an application may choose: any booth of a zone ("z<id>") or one booth ("b<id>")."""
    options = []
    for zone in zones_of(forum):
        options.append((f"z{zone.id}", str(_l("Zone %(zone)s (any booth)", zone=zone.label))))
        for booth in zone.booths:
            features = [
                str(label)
                for flag, label in (
                    (booth.has_power, _l("power")),
                    (booth.has_water, _l("water")),
                    (booth.has_wall, _l("wall")),
                )
                if flag
            ]
            detail = ", ".join([f"{booth.area_m2} m²", booth.tier.title, *features])
            options.append((f"b{booth.id}", f"{booth.code} ({detail})"))
    return options


def _resolve_choice(forum: Forum, token: str) -> tuple[int | None, int | None]:
    prefix, number = token[:1], token[1:]
    if prefix not in ("b", "z") or not number.isdigit():
        raise ExhibitionError(_l("Choose booths or zones of this forum."))
    ident = int(number)
    if prefix == "b":
        booth = db.session.get(Booth, ident)
        if booth is None or booth.forum_id != forum.id:
            raise ExhibitionError(_l("Choose booths or zones of this forum."))
        return booth.id, None
    zone = db.session.get(Zone, ident)
    if zone is None or zone.forum_id != forum.id:
        raise ExhibitionError(_l("Choose booths or zones of this forum."))
    return None, zone.id


def submit_application(
    exhibitor: Exhibitor,
    *,
    choices: list[str],
    needs_power: bool,
    needs_water: bool,
    needs_wall: bool,
    min_area_m2: int,
    showcase: str,
    actor: User,
    now: datetime | None = None,
) -> BoothApplication:
    """Create or change the exhibitor's booth application (its first submission time is kept)."""
    now = now or utcnow()
    forum = forum_of(exhibitor.forum_id)
    if exhibitor.status != ExhibitorStatus.approved:
        raise ExhibitionError(_l("Your organisation must be approved before it applies for a booth."))
    if not get_exhibition(forum).accepts_applications(now):
        raise ExhibitionError(_l("The deadline for booth applications has passed."))
    tokens = [token for token in choices if token]
    if not tokens:
        raise ExhibitionError(_l("Give at least one choice."))
    if len(tokens) > 3 or len(set(tokens)) != len(tokens):
        raise ExhibitionError(_l("Give up to three different choices."))
    resolved = [_resolve_choice(forum, token) for token in tokens]
    application = exhibitor.application
    if application is None:
        application = BoothApplication(forum_id=forum.id, exhibitor=exhibitor, submitted_at=now)
        db.session.add(application)
    application.needs_power, application.needs_water, application.needs_wall = needs_power, needs_water, needs_wall
    application.min_area_m2 = min_area_m2 or 0
    application.showcase = showcase.strip()
    application.choices.clear()
    db.session.flush()
    for rank, (booth_id, zone_id) in enumerate(resolved, start=1):
        application.choices.append(ApplicationChoice(rank=rank, booth_id=booth_id, zone_id=zone_id))
    db.session.flush()
    audit.record("exhibition.application_save", actor=actor, forum=forum, target=exhibitor, choices=tokens)
    return application


class Spot(NamedTuple):
    """What the allocation needs to know of a booth, as plain values (fast to compare in bulk)."""

    id: int
    zone_id: int
    has_power: bool
    has_water: bool
    has_wall: bool
    area_m2: int


def choice_tokens(application: BoothApplication | None) -> list[str]:
    """An application's choices as choice_options' tokens, by rank (what its form shows again)."""
    if application is None:
        return []
    return [f"b{choice.booth_id}" if choice.booth_id else f"z{choice.zone_id}" for choice in application.choices]


class FloorIndex:
    """The booths considered, by id and by zone, to expand an application's choices quickly."""

    def __init__(self, booths: list[Booth]) -> None:
        spots = [Spot(b.id, b.zone_id, b.has_power, b.has_water, b.has_wall, b.area_m2) for b in booths]
        self.by_id = {spot.id: spot for spot in spots}
        self.by_zone: dict[int, list[Spot]] = {}
        for spot in spots:
            self.by_zone.setdefault(spot.zone_id, []).append(spot)

    def chosen(self, application: BoothApplication, *, fitting: bool) -> dict[int, int]:
        """{booth id: best rank} of the booths an application chose (a zone stands for its booths),
        only those that meet its needs when `fitting`."""
        power, water, wall, area = (
            application.needs_power,
            application.needs_water,
            application.needs_wall,
            application.min_area_m2 or 0,
        )
        chosen: dict[int, int] = {}
        for choice in application.choices:  # ordered by rank: the first rank seen is the best
            if choice.booth_id is not None:
                spot = self.by_id.get(choice.booth_id)
                candidates = [spot] if spot is not None else []
            else:
                candidates = self.by_zone.get(choice.zone_id, [])
            for spot in candidates:
                if spot.id in chosen:
                    continue
                if fitting and not (
                    (spot.has_power or not power)
                    and (spot.has_water or not water)
                    and (spot.has_wall or not wall)
                    and spot.area_m2 >= area
                ):
                    continue
                chosen[spot.id] = choice.rank
        return chosen
