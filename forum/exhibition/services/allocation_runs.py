"""Automatic allocation: the applicants, a run of the solver (allocation.py) and the proposal it leaves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum import audit
from forum.auth.models import User
from forum.db import utcnow
from forum.events.models import Forum
from forum.exhibition import allocation
from forum.exhibition.models import (
    Booth,
    BoothApplication,
    BoothAssignment,
    BoothStatus,
    Exhibition,
    Exhibitor,
    ExhibitorStatus,
    Zone,
)
from forum.exhibition.services.applications import FloorIndex
from forum.exhibition.services.assignment import free_booths
from forum.exhibition.services.errors import ExhibitionError
from forum.exhibition.services.floor_plan import booths_of, find_exhibition, get_exhibition, zones_of
from forum.extensions import db


@dataclass
class ProposalRow:
    """One applicant on the allocation page, with its booth or the reason it has none."""

    exhibitor: Exhibitor
    application: BoothApplication
    assignment: BoothAssignment | None
    #: why there is no booth: "no_fit" (no chosen booth meets the needs) or "taken"
    reason: str | None = None


def applicants(forum: Forum) -> list[Exhibitor]:
    """Approved exhibitors with an application, earliest application first."""
    return list(
        db.session.scalars(
            sa.select(Exhibitor)
            .join(BoothApplication, BoothApplication.exhibitor_id == Exhibitor.id)
            .where(Exhibitor.forum_id == forum.id, Exhibitor.status == ExhibitorStatus.approved)
            .options(
                joinedload(Exhibitor.organisation),
                joinedload(Exhibitor.assignment),
                joinedload(Exhibitor.application).selectinload(BoothApplication.choices),
            )
            .order_by(BoothApplication.submitted_at, BoothApplication.id)
        ).unique()
    )


def run_allocation(forum: Forum, *, actor: User, now: datetime | None = None) -> dict[int, tuple[int, int]]:
    """Propose booths to the applicants still without one, optimally (see allocation.py).

    Assignments made by hand and published ones are kept; an earlier unpublished proposal is replaced.
    Returns {exhibitor id: (booth id, rank)} of the new proposal. A booth assigned by hand while it
    ran refuses the whole run (ExhibitionError, nothing stored): the organiser runs it again.
    """
    now = now or utcnow()
    # One allocation at a time per forum: the exhibition row is the lock.
    exhibition = get_exhibition(forum)
    db.session.scalar(sa.select(Exhibition.id).where(Exhibition.id == exhibition.id).with_for_update())
    db.session.execute(
        sa.delete(BoothAssignment).where(
            BoothAssignment.forum_id == forum.id,
            BoothAssignment.is_automatic.is_(True),
            BoothAssignment.is_published.is_(False),
        )
    )
    db.session.expire_all()
    booths = free_booths(booths_of(forum))
    floor = FloorIndex(booths)
    requests = [
        allocation.Request(
            key=exhibitor.id,
            priority=exhibitor.tier.priority,
            order=order,
            choices=floor.chosen(exhibitor.application, fitting=True),
        )
        for order, exhibitor in enumerate(e for e in applicants(forum) if e.assignment is None)
    ]
    result = allocation.allocate(requests, [booth.id for booth in booths])
    for exhibitor_id, (booth_id, rank) in result.items():
        db.session.add(
            BoothAssignment(
                forum_id=forum.id,
                booth_id=booth_id,
                exhibitor_id=exhibitor_id,
                choice_rank=rank,
                is_automatic=True,
                assigned_by_id=actor.id,
                assigned_at=now,
            )
        )
    try:
        db.session.flush()
    except IntegrityError as error:
        # A booth was assigned by hand while the allocation ran: nothing is stored.
        raise ExhibitionError(_l("The plan changed while the allocation ran. Run it again.")) from error
    db.session.expire_all()
    audit.record("exhibition.allocate", actor=actor, forum=forum, proposed=len(result), applicants=len(requests))
    return result


def proposal(forum: Forum) -> list[ProposalRow]:
    """Every applicant with the booth proposed or assigned, or the reason there is none."""
    floor = FloorIndex(booths_of(forum))
    rows = []
    for exhibitor in applicants(forum):
        application = exhibitor.application
        assignment = exhibitor.assignment
        reason = None
        if assignment is None:
            reason = "taken" if floor.chosen(application, fitting=True) else "no_fit"
        rows.append(ProposalRow(exhibitor, application, assignment, reason))
    return rows


@dataclass
class AllocationBoard:
    """What the allocation page shows: the proposal, the plan, and how much is not yet published."""

    rows: list[ProposalRow]
    booths: list[Booth]
    free_booths: list[Booth]
    zones: list[Zone]
    exhibition: Exhibition | None
    #: booths offered by the proposal, not yet published
    unpublished: int


def allocation_board(forum: Forum) -> AllocationBoard:
    """The proposal with the floor plan, the free booths and the count of offers not yet published."""
    rows = proposal(forum)
    booths = booths_of(forum)
    return AllocationBoard(
        rows=rows,
        booths=booths,
        free_booths=free_booths(booths),
        zones=zones_of(forum),
        exhibition=find_exhibition(forum),
        unpublished=sum(1 for booth in booths if booth.status == BoothStatus.offered),
    )
