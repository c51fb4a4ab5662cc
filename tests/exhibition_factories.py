"""Factories for the exhibition tests and its browser journeys: a floor plan, exhibitors, applications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import current_app

from forum.auth.models import Role
from forum.exhibition import services
from forum.exhibition.models import Booth, Exhibitor, ExhibitorStatus, ExhibitorTier, Zone
from forum.extensions import db
from forum.registration.models import OrganisationKind


def create_booths(
    forum, actor, *codes: str, zone: str = "A", power: bool = True, water: bool = False, area: int = 9
) -> dict[str, Booth]:
    """Booths of 3 m × 3 m in a row of a zone (created when missing); each zone has its own rows."""
    zones = {z.code: z for z in services.zones_of(forum)}
    the_zone: Zone = zones.get(zone) or services.save_zone(
        forum, None, code=zone, name={"en": f"Hall {zone}"}, actor=actor
    )
    row = 4 * (ord(zone) - ord("A"))
    start = len(the_zone.booths) * 3
    booths = {}
    for n, code in enumerate(codes):
        data = dict(
            code=code,
            zone_id=the_zone.id,
            area_m2=area,
            x=start + 3 * n,
            y=row,
            width=3,
            height=3,
            tier="standard",
            has_power=power,
            has_water=water,
            has_wall=False,
        )
        booths[code] = services.save_booth(forum, None, data, actor=actor)
    db.session.commit()
    return booths


def create_exhibitor(
    forum,
    name: str = "Atlas Solar",
    *,
    staff: Any = None,
    tier: ExhibitorTier = ExhibitorTier.standard,
    kind: OrganisationKind = OrganisationKind.company,
    **fields: Any,
) -> Exhibitor:
    """An approved exhibitor; `staff` (a User) becomes its staff member."""
    exhibitor = services.create_exhibitor(
        forum,
        name=name,
        kind=kind,
        contact_email=f"contact@{name.lower().replace(' ', '')}.ma",
        contact_name="Contact",
        status=ExhibitorStatus.approved,
        tier=tier,
        **fields,
    )
    if staff is not None:
        with current_app.test_request_context():
            services.add_staff(exhibitor, staff.email, staff.name, actor=None, locale="en")
    db.session.commit()
    return exhibitor


@pytest.fixture
def organiser(make_forum, make_user):
    forum = make_forum()
    return forum, make_user(forum=forum, roles=(Role.organiser,))


@pytest.fixture
def make_booths(db) -> Callable[..., dict[str, Booth]]:
    """make_booths(forum, actor, "A1", "A2", zone="A", power=True, area=9)."""
    return create_booths


@pytest.fixture
def make_exhibitor(db, make_user) -> Callable[..., Exhibitor]:
    """make_exhibitor(forum, "Name", staff=user, or True for a new user, or False for none)."""

    def make(forum, name: str = "Atlas Solar", *, staff: Any = True, **kwargs: Any) -> Exhibitor:
        if staff is True:
            staff = make_user(name=f"Staff of {name}")
        return create_exhibitor(forum, name, staff=staff or None, **kwargs)

    return make


@pytest.fixture
def apply(db) -> Callable[..., Any]:
    """apply(exhibitor, booth_or_zone, ..., power=False, area=0, now=...): submit an application."""

    def do(exhibitor, *choices, power: bool = False, water: bool = False, area: int = 0, now=None):
        tokens = [f"b{c.id}" if isinstance(c, Booth) else f"z{c.id}" for c in choices]
        application = services.submit_application(
            exhibitor,
            choices=tokens,
            needs_power=power,
            needs_water=water,
            needs_wall=False,
            min_area_m2=area,
            showcase="Solar pumps",
            actor=None,
            now=now,
        )
        db.session.commit()
        return application

    return do
