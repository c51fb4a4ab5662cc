"""What a person tells about themselves: the fields they may edit, their organisation, their e-mail."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import Area, Organisation, OrganisationKind, Registration
from forum.registration.names import name_key
from forum.registration.services._common import Status

#: fields whose change can send a confirmed registration back for approval (they move the balance)
KEY_FIELDS = ("category", "organisation_id", "province", "area", "gender")


#: fields a participant may edit on their own registration
EDITABLE_FIELDS = (
    "name_ar",
    "name_latin",
    "phone",
    "job_title",
    "category",
    "gender",
    "province",
    "area",
    "locale",
    "accessibility_needs",
    "accessibility_note",
    "has_disability",
    "shares_contact",
)


ACCESSIBILITY_NEEDS = ("wheelchair", "sign_language", "large_print")


def normalise_email(email: str) -> str:
    """An e-mail as stored: trimmed and lower-cased."""
    return email.strip().lower()


def find(forum: Forum, email: str) -> Registration | None:
    """The registration of this e-mail at the forum, if any."""
    return db.session.scalar(
        sa.select(Registration).where(Registration.forum_id == forum.id, Registration.email == normalise_email(email))
    )


def organisation_for(data: dict[str, Any]) -> Organisation | None:
    """The organisation picked (by id) or described (a new one, reused when the same name exists, however
    it is spelt: accents, hamza forms, punctuation)."""
    if data.get("organisation_id"):
        return db.session.get(Organisation, data["organisation_id"])
    name = (data.get("organisation_name") or "").strip()
    if not name:
        return None
    existing = db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.name_key == name_key(name), Organisation.merged_into_id.is_(None))
        .order_by(Organisation.id)
        .limit(1)
    )
    if existing is not None:
        return existing
    organisation = Organisation(
        name=name,
        kind=OrganisationKind(data["organisation_kind"]),
        province=data.get("organisation_province") or None,
        area=Area(data["organisation_area"]) if data.get("organisation_area") else None,
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def fill_details(registration: Registration, data: dict[str, Any]) -> None:
    """Copy the editable fields given in `data` (trimmed, empty as None) onto the registration."""
    for key in EDITABLE_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, str):
                value = value.strip() or None
            setattr(registration, key, value)
    registration.accessibility_needs = [n for n in (data.get("accessibility_needs") or []) if n in ACCESSIBILITY_NEEDS]
    registration.has_disability = bool(data.get("has_disability"))
    registration.shares_contact = bool(data.get("shares_contact"))


def was_never_confirmed(registration: Registration) -> bool:
    """An expired sign-up whose e-mail was never confirmed may be made again from scratch."""
    return registration.status == Status.cancelled and registration.cancel_reason == "expired"
