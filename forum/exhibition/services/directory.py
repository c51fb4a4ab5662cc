"""The public side of exhibitors: the directory, their profile and logo."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from forum import audit, images, storage
from forum.auth.models import Role, User
from forum.events.models import Forum
from forum.exhibition.models import Exhibitor, ExhibitorStatus, Sector
from forum.exhibition.services._common import forum_of
from forum.exhibition.services.errors import ExhibitionError
from forum.exhibition.services.exhibitors import exhibitor_of, exhibitors_of
from forum.partnerships.vocabulary import Support


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


def update_profile(exhibitor: Exhibitor, data: dict[str, Any], *, logo: bytes | None = None, actor: User) -> Exhibitor:
    """The public profile: descriptions per language, sector, website, what it offers and seeks,
    and the logo when one is uploaded (see save_logo)."""
    exhibitor.description = data["description"]
    exhibitor.sector = Sector(data["sector"]) if data.get("sector") else None
    website = (data.get("website") or "").strip() or None
    if website and urlsplit(website).scheme not in ("http", "https"):
        raise ExhibitionError(_l("The website must start with http:// or https://."))
    exhibitor.website = website
    exhibitor.offers = [Support(v).value for v in data.get("offers", [])]
    exhibitor.seeks = [Support(v).value for v in data.get("seeks", [])]
    audit.record("exhibition.profile_update", actor=actor, forum=forum_of(exhibitor.forum_id), target=exhibitor)
    if logo is not None:
        save_logo(exhibitor, logo, actor=actor)
    return exhibitor


def save_logo(exhibitor: Exhibitor, data: bytes, *, actor: User) -> str:
    """Check, re-encode (metadata stripped) and store an uploaded logo; the old one is removed."""
    png = images.clean_logo(data)
    old = exhibitor.logo_key
    exhibitor.logo_key = storage.save("exhibitors", png, ".png")
    storage.delete(old)
    audit.record("exhibition.logo_update", actor=actor, forum=forum_of(exhibitor.forum_id), target=exhibitor)
    return exhibitor.logo_key


def logo_visible(exhibitor: Exhibitor, viewer: Any) -> bool:
    """An approved exhibitor's logo is public; before that only the organisers and its own staff see it
    (`viewer` is the signed-in user or an anonymous one)."""
    if exhibitor.status == ExhibitorStatus.approved:
        return True
    if not viewer.is_authenticated:
        return False
    forum = forum_of(exhibitor.forum_id)
    return viewer.has_role(forum, Role.organiser) or exhibitor_of(viewer, forum) is exhibitor
