"""Assignment by hand: giving a booth to an exhibitor (locked against a second organiser), taking it back."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from forum import audit
from forum.auth.models import User
from forum.db import utcnow
from forum.errors import NotAllowed
from forum.events.models import Forum
from forum.exhibition.models import Booth, BoothAssignment, Exhibitor, ExhibitorStatus
from forum.exhibition.services._common import forum_of
from forum.exhibition.services.applications import FloorIndex
from forum.exhibition.services.errors import BoothTaken, ExhibitionError
from forum.exhibition.services.exhibitors import exhibitors_of
from forum.extensions import db


def assign(booth: Booth, exhibitor: Exhibitor, *, actor: User, now: datetime | None = None) -> BoothAssignment:
    """Give a booth to an exhibitor. The booth row is locked, so of two organisers assigning the same
    booth at once, the second waits, then sees the first one's assignment and is told who got it."""
    if booth.forum_id != exhibitor.forum_id:
        raise NotAllowed()
    if exhibitor.status != ExhibitorStatus.approved:
        raise ExhibitionError(_l("Only approved exhibitors get a booth."))
    db.session.scalar(sa.select(Booth.id).where(Booth.id == booth.id).with_for_update())
    holder = db.session.scalar(
        sa.select(BoothAssignment).where(BoothAssignment.booth_id == booth.id).execution_options(populate_existing=True)
    )
    if holder is not None:
        if holder.exhibitor_id == exhibitor.id:
            return holder
        raise BoothTaken(booth=booth.code, exhibitor=holder.exhibitor.name)
    current = db.session.scalar(
        sa.select(BoothAssignment)
        .where(BoothAssignment.exhibitor_id == exhibitor.id)
        .execution_options(populate_existing=True)
    )
    if current is not None:
        raise ExhibitionError(
            _l(
                "%(name)s already has booth %(booth)s: unassign it first.",
                name=exhibitor.name,
                booth=current.booth.code,
            )
        )
    application = exhibitor.application
    rank = None
    if application is not None:
        if not booth.fits(**application.needs):
            raise ExhibitionError(_l("Booth %(booth)s does not meet this exhibitor's needs.", booth=booth.code))
        rank = FloorIndex([booth]).chosen(application, fitting=False).get(booth.id)
    assignment = BoothAssignment(
        forum_id=booth.forum_id,
        booth_id=booth.id,
        exhibitor_id=exhibitor.id,
        choice_rank=rank,
        assigned_by_id=actor.id,
        assigned_at=now or utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(assignment)
        db.session.expire(booth, ["assignment"])
        db.session.expire(exhibitor, ["assignment"])
    except IntegrityError as error:
        holder = db.session.scalar(sa.select(BoothAssignment).where(BoothAssignment.booth_id == booth.id))
        if holder is None:
            raise ExhibitionError(_l("%(name)s already has a booth.", name=exhibitor.name)) from error
        raise BoothTaken(booth=booth.code, exhibitor=holder.exhibitor.name) from error
    audit.record("exhibition.assign", actor=actor, forum=forum_of(booth.forum_id), target=exhibitor, booth=booth.code)
    return assignment


def unassign(assignment: BoothAssignment, *, actor: User) -> None:
    """Take a booth back from its exhibitor (a proposal or a published assignment): it is free again."""
    audit.record(
        "exhibition.unassign",
        actor=actor,
        forum=forum_of(assignment.forum_id),
        target=assignment.exhibitor,
        booth=assignment.booth.code,
    )
    db.session.delete(assignment)
    db.session.flush()


def free_booths(booths: list[Booth]) -> list[Booth]:
    """The booths of the list nobody holds, not even as an unpublished proposal."""
    return [booth for booth in booths if booth.assignment is None]


def exhibitors_without_booth(forum: Forum) -> list[Exhibitor]:
    """The approved exhibitors that hold no booth yet: those a booth can be given to by hand."""
    return [
        exhibitor for exhibitor in exhibitors_of(forum, status=ExhibitorStatus.approved) if exhibitor.assignment is None
    ]
