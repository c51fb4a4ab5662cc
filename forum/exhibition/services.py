"""Exhibition rules and workflows: floor plan, exhibitors and staff, applications, allocation, leads."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from forum import audit, images, mail, storage
from forum.auth import services as accounts
from forum.auth.models import Role, User
from forum.badges.services import read_badge_code
from forum.db import utcnow
from forum.errors import ForumError, NotAllowed
from forum.events.models import Forum
from forum.exhibition import allocation
from forum.exhibition.models import (
    ApplicationChoice,
    Booth,
    BoothApplication,
    BoothAssignment,
    BoothTier,
    Exhibition,
    Exhibitor,
    ExhibitorStaff,
    ExhibitorStatus,
    ExhibitorTier,
    Lead,
    Partnership,
    Sector,
    Zone,
)
from forum.extensions import db
from forum.registration import services as registration_services
from forum.registration.models import (
    Category,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationStatus,
)

#: the kinds of organisation that exhibit
EXHIBITOR_KINDS = (
    OrganisationKind.company,
    OrganisationKind.donor,
    OrganisationKind.public_institution,
    OrganisationKind.association,
    OrganisationKind.cooperative,
)


class ExhibitionError(ForumError):
    message = _l("This exhibition action is not possible.")


class BoothTaken(ExhibitionError):
    message = _l(
        "Booth %(booth)s has just been given to %(exhibitor)s by someone else. Reload the plan and choose again."
    )


class NoConsent(ExhibitionError):
    message = _l("This visitor did not agree to share their contact details with exhibitors: no lead was saved.")


# ---------------------------------------------------------------------------------------------------
# Floor plan


def get_exhibition(forum: Forum) -> Exhibition:
    """The forum's exhibition settings, created on first use."""
    exhibition = db.session.scalar(sa.select(Exhibition).where(Exhibition.forum_id == forum.id))
    if exhibition is None:
        exhibition = Exhibition(forum_id=forum.id)
        db.session.add(exhibition)
        db.session.flush()
    return exhibition


def find_exhibition(forum: Forum) -> Exhibition | None:
    return db.session.scalar(sa.select(Exhibition).where(Exhibition.forum_id == forum.id))


def set_deadline(forum: Forum, closes_at: datetime | None, *, actor: User) -> Exhibition:
    exhibition = get_exhibition(forum)
    exhibition.applications_close_at = closes_at
    audit.record("exhibition.deadline", actor=actor, forum=forum, closes_at=closes_at and closes_at.isoformat())
    return exhibition


def zones_of(forum: Forum) -> list[Zone]:
    return list(db.session.scalars(sa.select(Zone).where(Zone.forum_id == forum.id).order_by(Zone.code)))


def save_zone(forum: Forum, zone: Zone | None, *, code: str, name: dict[str, str], actor: User) -> Zone:
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
    """Create (booth None) or update a booth from validated form data."""
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
    if booth.assignment is not None:
        raise ExhibitionError(_l("Booth %(code)s is assigned: unassign it before deleting it.", code=booth.code))
    audit.record("exhibition.booth_delete", actor=actor, forum=_forum(booth.forum_id), code=booth.code)
    db.session.delete(booth)
    db.session.flush()


def _forum(forum_id: int) -> Forum:
    return db.session.get(Forum, forum_id)


CSV_COLUMNS = ("code", "zone", "area_m2", "x", "y", "width", "height", "tier", "power", "water", "wall")
_TRUE = {"1", "yes", "y", "true", "oui", "x", "نعم"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def import_booths(forum: Forum, text: str, *, actor: User) -> ImportResult:
    """Create or update booths from CSV (see CSV_COLUMNS); zones are created by code when missing.

    All or nothing: one bad line refuses the whole file, with every error listed by line number.
    """
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


# ---------------------------------------------------------------------------------------------------
# Exhibitors and their staff


def exhibitors_of(forum: Forum, *, status: ExhibitorStatus | None = None) -> list[Exhibitor]:
    query = (
        sa.select(Exhibitor)
        .join(Organisation)
        .where(Exhibitor.forum_id == forum.id)
        .options(
            joinedload(Exhibitor.organisation),
            joinedload(Exhibitor.assignment).joinedload(BoothAssignment.booth),
            joinedload(Exhibitor.application).selectinload(BoothApplication.choices),
        )
        .order_by(Organisation.name)
    )
    if status is not None:
        query = query.where(Exhibitor.status == status)
    return list(db.session.scalars(query).unique())


def get_exhibitor(forum: Forum, exhibitor_id: int) -> Exhibitor | None:
    """The exhibitor with this id in this forum, or None (never another forum's)."""
    exhibitor = db.session.get(Exhibitor, exhibitor_id)
    return exhibitor if exhibitor is not None and exhibitor.forum_id == forum.id else None


def exhibitor_of(user: User, forum: Forum) -> Exhibitor | None:
    """The exhibitor whose staff this user is at this forum."""
    return db.session.scalar(
        sa.select(Exhibitor)
        .join(ExhibitorStaff, ExhibitorStaff.exhibitor_id == Exhibitor.id)
        .where(ExhibitorStaff.user_id == user.id, ExhibitorStaff.forum_id == forum.id)
    )


def create_exhibitor(
    forum: Forum, *, name: str, kind: OrganisationKind, contact_email: str, contact_name: str | None, **fields: Any
) -> Exhibitor:
    if OrganisationKind(kind) not in EXHIBITOR_KINDS:
        raise ExhibitionError(_l("This kind of organisation cannot exhibit."))
    name = name.strip()
    organisation = db.session.scalar(
        sa.select(Organisation).where(sa.func.lower(Organisation.name) == name.lower(), Organisation.kind == kind)
    )
    if organisation is None:
        organisation = Organisation(name=name, kind=OrganisationKind(kind))
        db.session.add(organisation)
        db.session.flush()
    elif db.session.scalar(
        sa.select(Exhibitor.id).where(Exhibitor.forum_id == forum.id, Exhibitor.organisation_id == organisation.id)
    ):
        raise ExhibitionError(_l("%(name)s is already an exhibitor of this forum.", name=organisation.name))
    exhibitor = Exhibitor(
        forum_id=forum.id,
        organisation=organisation,
        contact_email=accounts.normalise_email(contact_email),
        contact_name=(contact_name or "").strip() or None,
        **fields,
    )
    db.session.add(exhibitor)
    db.session.flush()
    return exhibitor


def invite_exhibitor(
    forum: Forum,
    *,
    name: str,
    kind: OrganisationKind,
    contact_email: str,
    contact_name: str | None,
    tier: ExhibitorTier,
    actor: User,
    locale: str,
    now: datetime | None = None,
) -> Exhibitor:
    """The organisers invite an organisation: approved at once, its contact becomes its first staff."""
    now = now or utcnow()
    exhibitor = create_exhibitor(
        forum,
        name=name,
        kind=kind,
        contact_email=contact_email,
        contact_name=contact_name,
        status=ExhibitorStatus.approved,
        tier=ExhibitorTier(tier),
        decided_at=now,
    )
    add_staff(exhibitor, contact_email, contact_name, actor=actor, locale=locale, now=now)
    _mail_exhibitor(exhibitor, "Your organisation is invited to exhibit", "exhibition_invited", locale=locale)
    audit.record("exhibition.exhibitor_invite", actor=actor, forum=forum, target=exhibitor, name=exhibitor.name)
    return exhibitor


def request_to_exhibit(
    forum: Forum,
    *,
    name: str,
    kind: OrganisationKind,
    sector: Sector | None,
    contact_email: str,
    contact_name: str,
    description: dict[str, str],
    now: datetime | None = None,
) -> Exhibitor:
    """An organisation asks to exhibit (public form); the organisers approve or decline it."""
    exhibition = find_exhibition(forum)
    if exhibition is not None and not exhibition.accepts_applications(now):
        raise ExhibitionError(_l("Requests to exhibit are closed."))
    exhibitor = create_exhibitor(
        forum,
        name=name,
        kind=kind,
        contact_email=contact_email,
        contact_name=contact_name,
        status=ExhibitorStatus.pending,
        sector=Sector(sector) if sector else None,
        description=description,
    )
    audit.record("exhibition.exhibitor_request", forum=forum, target=exhibitor, name=exhibitor.name)
    return exhibitor


def approve_exhibitor(exhibitor: Exhibitor, *, actor: User, locale: str, now: datetime | None = None) -> Exhibitor:
    if exhibitor.status != ExhibitorStatus.pending:
        raise ExhibitionError(_l("This request has already been decided."))
    exhibitor.status, exhibitor.decided_at = ExhibitorStatus.approved, now or utcnow()
    add_staff(exhibitor, exhibitor.contact_email, exhibitor.contact_name, actor=actor, locale=locale, now=now)
    _mail_exhibitor(exhibitor, "Your organisation is invited to exhibit", "exhibition_invited", locale=locale)
    audit.record("exhibition.exhibitor_approve", actor=actor, forum=_forum(exhibitor.forum_id), target=exhibitor)
    return exhibitor


def decline_exhibitor(exhibitor: Exhibitor, *, actor: User, now: datetime | None = None) -> Exhibitor:
    if exhibitor.status != ExhibitorStatus.pending:
        raise ExhibitionError(_l("This request has already been decided."))
    exhibitor.status, exhibitor.decided_at = ExhibitorStatus.rejected, now or utcnow()
    audit.record("exhibition.exhibitor_decline", actor=actor, forum=_forum(exhibitor.forum_id), target=exhibitor)
    return exhibitor


def set_tier(exhibitor: Exhibitor, tier: ExhibitorTier, *, actor: User) -> Exhibitor:
    exhibitor.tier = ExhibitorTier(tier)
    audit.record(
        "exhibition.exhibitor_tier", actor=actor, forum=_forum(exhibitor.forum_id), target=exhibitor, tier=tier
    )
    return exhibitor


def add_staff(
    exhibitor: Exhibitor,
    email: str,
    name: str | None,
    *,
    actor: User | None,
    locale: str,
    now: datetime | None = None,
) -> ExhibitorStaff:
    """A person runs the booth: an account (invited if new), the exhibitor-staff role, a badge."""
    now = now or utcnow()
    forum = _forum(exhibitor.forum_id)
    user = accounts.find_user(email)
    if user is not None:
        existing = db.session.scalar(
            sa.select(ExhibitorStaff).where(ExhibitorStaff.forum_id == forum.id, ExhibitorStaff.user_id == user.id)
        )
        if existing is not None:
            if existing.exhibitor_id == exhibitor.id:
                return existing
            raise ExhibitionError(_l("%(email)s already works for another exhibitor of this forum.", email=user.email))
    accounts.invite(email, name, forum, Role.exhibitor_staff, actor=actor, locale=locale)
    user = accounts.find_user(email)
    registration = registration_services.register_team_member(
        forum, user, Category.exhibitor, organisation=exhibitor.organisation, now=now
    )
    staff = ExhibitorStaff(forum_id=forum.id, exhibitor=exhibitor, user_id=user.id, registration_id=registration.id)
    db.session.add(staff)
    db.session.flush()
    audit.record("exhibition.staff_add", actor=actor, forum=forum, target=exhibitor, email=user.email)
    return staff


def remove_staff(staff: ExhibitorStaff, *, actor: User) -> None:
    """The person no longer runs the booth; they keep their account and their registration."""
    forum = _forum(staff.forum_id)
    if len(staff.exhibitor.staff) <= 1:
        raise ExhibitionError(_l("An exhibitor keeps at least one staff member."))
    if staff.user_id == actor.id:
        raise ExhibitionError(_l("You cannot remove yourself."))
    from forum.auth.models import Membership

    membership = db.session.scalar(
        sa.select(Membership).filter_by(user_id=staff.user_id, forum_id=forum.id, role=Role.exhibitor_staff)
    )
    if membership is not None:
        accounts.dismiss(membership, actor=actor)
    audit.record("exhibition.staff_remove", actor=actor, forum=forum, target=staff.exhibitor, user=staff.user_id)
    db.session.delete(staff)
    db.session.flush()


def get_staff(exhibitor: Exhibitor, staff_id: int) -> ExhibitorStaff | None:
    staff = db.session.get(ExhibitorStaff, staff_id)
    return staff if staff is not None and staff.exhibitor_id == exhibitor.id else None


def update_profile(exhibitor: Exhibitor, data: dict[str, Any], *, actor: User) -> Exhibitor:
    """The public profile: descriptions per language, sector, website, what it offers and seeks."""
    exhibitor.description = data["description"]
    exhibitor.sector = Sector(data["sector"]) if data.get("sector") else None
    website = (data.get("website") or "").strip() or None
    if website and urlsplit(website).scheme not in ("http", "https"):
        raise ExhibitionError(_l("The website must start with http:// or https://."))
    exhibitor.website = website
    exhibitor.offers = [Partnership(v).value for v in data.get("offers", [])]
    exhibitor.seeks = [Partnership(v).value for v in data.get("seeks", [])]
    audit.record("exhibition.profile_update", actor=actor, forum=_forum(exhibitor.forum_id), target=exhibitor)
    return exhibitor


def save_logo(exhibitor: Exhibitor, data: bytes, *, actor: User) -> str:
    """Check, re-encode (metadata stripped) and store an uploaded logo; the old one is removed."""
    png = images.clean_logo(data)
    old = exhibitor.logo_key
    exhibitor.logo_key = storage.save("exhibitors", png, ".png")
    storage.delete(old)
    audit.record("exhibition.logo_update", actor=actor, forum=_forum(exhibitor.forum_id), target=exhibitor)
    return exhibitor.logo_key


# ---------------------------------------------------------------------------------------------------
# Applications


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
    forum = _forum(exhibitor.forum_id)
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


# ---------------------------------------------------------------------------------------------------
# Assignment by hand


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
    audit.record("exhibition.assign", actor=actor, forum=_forum(booth.forum_id), target=exhibitor, booth=booth.code)
    return assignment


def unassign(assignment: BoothAssignment, *, actor: User) -> None:
    audit.record(
        "exhibition.unassign",
        actor=actor,
        forum=_forum(assignment.forum_id),
        target=assignment.exhibitor,
        booth=assignment.booth.code,
    )
    db.session.delete(assignment)
    db.session.flush()


def get_assignment(forum: Forum, assignment_id: int) -> BoothAssignment | None:
    assignment = db.session.get(BoothAssignment, assignment_id)
    return assignment if assignment is not None and assignment.forum_id == forum.id else None


def get_booth(forum: Forum, booth_id: int) -> Booth | None:
    booth = db.session.get(Booth, booth_id)
    return booth if booth is not None and booth.forum_id == forum.id else None


# ---------------------------------------------------------------------------------------------------
# Automatic allocation


@dataclass
class ProposalRow:
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
    Returns {exhibitor id: (booth id, rank)} of the new proposal.
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
    booths = [booth for booth in booths_of(forum) if booth.assignment is None]
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
    db.session.flush()
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


def publish_allocation(forum: Forum, *, actor: User, now: datetime | None = None) -> int:
    """Publish every assignment not yet published and tell the applicants by e-mail."""
    now = now or utcnow()
    exhibition = get_exhibition(forum)
    fresh = list(
        db.session.scalars(
            sa.select(BoothAssignment)
            .where(BoothAssignment.forum_id == forum.id, BoothAssignment.is_published.is_(False))
            .with_for_update()
        )
    )
    for assignment in fresh:
        assignment.is_published = True
    exhibition.published_at = now
    db.session.flush()
    told = {assignment.exhibitor_id for assignment in fresh}
    for assignment in fresh:
        _mail_exhibitor(
            assignment.exhibitor,
            "Your booth at the exhibition",
            "exhibition_booth",
            locale=forum.default_locale,
            booth=assignment.booth,
        )
    for row in proposal(forum):
        if row.assignment is None and row.exhibitor.id not in told:
            _mail_exhibitor(row.exhibitor, "Your booth application", "exhibition_no_booth", locale=forum.default_locale)
    audit.record("exhibition.publish", actor=actor, forum=forum, published=len(fresh))
    return len(fresh)


SUBJECTS = {
    "Your organisation is invited to exhibit": _l("Your organisation is invited to exhibit"),
    "Your booth at the exhibition": _l("Your booth at the exhibition"),
    "Your booth application": _l("Your booth application"),
}


def _mail_exhibitor(exhibitor: Exhibitor, subject: str, template: str, *, locale: str, **context: Any) -> None:
    """Write to the exhibitor's contact and staff, each in their own language."""
    forum = _forum(exhibitor.forum_id)
    recipients = {exhibitor.contact_email: locale}
    for staff in exhibitor.staff:
        recipients[staff.user.email] = staff.user.locale or locale
    portal = mail.external_url("exhibition.portal", forum_slug=forum.slug)
    for address, language in recipients.items():
        mail.send(
            address,
            SUBJECTS[subject],
            template,
            locale=language,
            forum=forum,
            exhibitor=exhibitor,
            portal=portal,
            **context,
        )


# ---------------------------------------------------------------------------------------------------
# Leads


@dataclass
class ScanOutcome:
    lead: Lead
    is_new: bool


def record_lead(exhibitor: Exhibitor, code: str, *, actor: User, now: datetime | None = None) -> ScanOutcome:
    """Save the visitor behind a scanned badge as a lead of the exhibitor, if they consented.

    Raises BadgeCodeError (with its reason) for a code that is not a valid badge of this forum.
    """
    registration = read_badge_code(code, forum_id=exhibitor.forum_id)
    if registration.status != RegistrationStatus.confirmed:
        raise ExhibitionError(_l("This badge does not belong to a confirmed participant."))
    if not registration.shares_contact:
        raise NoConsent()
    existing = db.session.scalar(
        sa.select(Lead).where(Lead.exhibitor_id == exhibitor.id, Lead.registration_id == registration.id)
    )
    if existing is not None:
        return ScanOutcome(existing, False)
    lead = Lead(
        exhibitor_id=exhibitor.id, registration=registration, scanned_by_id=actor.id, scanned_at=now or utcnow()
    )
    try:
        with db.session.begin_nested():
            db.session.add(lead)
    except IntegrityError:
        existing = db.session.scalar(
            sa.select(Lead).where(Lead.exhibitor_id == exhibitor.id, Lead.registration_id == registration.id)
        )
        return ScanOutcome(existing, False)
    audit.record("exhibition.lead", actor=actor, forum=_forum(exhibitor.forum_id), target=lead)
    return ScanOutcome(lead, True)


def leads_of(exhibitor: Exhibitor) -> list[Lead]:
    return list(
        db.session.scalars(
            sa.select(Lead)
            .where(Lead.exhibitor_id == exhibitor.id)
            .options(joinedload(Lead.registration).joinedload(Registration.organisation))
            .order_by(Lead.scanned_at.desc(), Lead.id.desc())
        )
    )


def get_lead(exhibitor: Exhibitor, lead_id: int) -> Lead | None:
    lead = db.session.get(Lead, lead_id)
    return lead if lead is not None and lead.exhibitor_id == exhibitor.id else None


def update_note(lead: Lead, note: str, *, actor: User) -> Lead:
    lead.note = note.strip()
    return lead


def leads_csv(exhibitor: Exhibitor, *, zone: Any) -> str:
    """The exhibitor's leads as CSV (UTF-8 with BOM so spreadsheets read Arabic names)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["scanned_at", "name_ar", "name_latin", "email", "phone", "organisation", "job_title", "note"])
    for lead in leads_of(exhibitor):
        person = lead.registration
        writer.writerow(
            [
                lead.scanned_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                *(
                    _safe_cell(value)
                    for value in (
                        person.name_ar or "",
                        person.name_latin or "",
                        person.email,
                        person.phone or "",
                        person.organisation.name if person.organisation else "",
                        person.job_title or "",
                        lead.note,
                    )
                ),
            ]
        )
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """Text a spreadsheet will not run as a formula (phone numbers like +2126… stay as they are)."""
    if value[:1] in ("=", "@", "\t", "\r") or (value[:1] in ("+", "-") and not value[1:].replace(" ", "").isdigit()):
        return "'" + value
    return value


def scanned_by(registration: Registration) -> list[Lead]:
    """The exhibitors who scanned this visitor's badge."""
    return list(
        db.session.scalars(
            sa.select(Lead)
            .where(Lead.registration_id == registration.id)
            .options(joinedload(Lead.exhibitor).joinedload(Exhibitor.organisation))
            .order_by(Lead.scanned_at)
        )
    )


# ---------------------------------------------------------------------------------------------------
# Public directory and reports


def directory(
    forum: Forum, *, kind: str | None = None, sector: str | None = None, offer: str | None = None
) -> list[Exhibitor]:
    """Approved exhibitors, filtered by organisation kind, sector and what they offer."""
    exhibitors = exhibitors_of(forum, status=ExhibitorStatus.approved)
    if kind:
        exhibitors = [e for e in exhibitors if e.organisation.kind.value == kind]
    if sector:
        exhibitors = [e for e in exhibitors if e.sector is not None and e.sector.value == sector]
    if offer:
        exhibitors = [e for e in exhibitors if offer in (e.offers or [])]
    return exhibitors


def published_assignments(forum: Forum) -> dict[int, Exhibitor]:
    """{booth id: exhibitor} of the published assignments."""
    rows = db.session.execute(
        sa.select(BoothAssignment.booth_id, Exhibitor)
        .join(Exhibitor, Exhibitor.id == BoothAssignment.exhibitor_id)
        .where(BoothAssignment.forum_id == forum.id, BoothAssignment.is_published.is_(True))
        .options(selectinload(Exhibitor.organisation))
    ).all()
    return dict(rows)


@dataclass
class PlanLayout:
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
