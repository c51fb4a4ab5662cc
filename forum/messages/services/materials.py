"""Materials: files attached to programme sessions, checked from their content, stored behind forum.storage."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from forum import audit, storage
from forum.auth.models import Role
from forum.errors import ForumError
from forum.events.models import Forum
from forum.extensions import db
from forum.messages.models import Material, MaterialKind
from forum.programme.models import Session
from forum.recommendations.services import can_edit_workshop

#: the largest file accepted (the request itself is limited to 8 MB by MAX_CONTENT_LENGTH)
MAX_BYTES = 7 * 1024 * 1024
PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODP = "application/vnd.oasis.opendocument.presentation"
IMAGES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
EXTENSIONS = {PDF: ".pdf", PPTX: ".pptx", ODP: ".odp", **{t: "." + f.lower() for f, t in IMAGES.items()}}
EXTENSIONS["image/jpeg"] = ".jpg"
#: shown in the browser; everything else is downloaded
INLINE = {PDF, *IMAGES.values()}


class MaterialError(ForumError):
    message = _l("This file cannot be attached: PDF, slides (PPTX or ODP) and images (PNG, JPEG, WebP, GIF) only.")


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODP.encode():
                return ODP
            if {"[Content_Types].xml", "ppt/presentation.xml"} <= names:
                return PPTX
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None


def _image_type(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = IMAGES.get(probe.format or "")
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return kind


def check_file(data: bytes) -> Checked:
    """The type of an uploaded file found from its bytes (never its name); refuses others and large ones."""
    if not data:
        raise MaterialError(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise MaterialError(_l("The file is too large (7 MB at most)."))
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        content_type = PDF
    elif data.startswith(b"PK\x03\x04"):
        content_type = _zip_type(data)
    else:
        content_type = _image_type(data)
    if content_type is None:
        raise MaterialError()
    return Checked(content_type, EXTENSIONS[content_type])


def clean_filename(name: str, title: str, extension: str) -> str:
    """The name offered on download: the uploader's name without its path, odd characters and extension."""
    stem = PurePath((name or "").replace("\\", "/")).stem
    stem = "".join(c if c.isalnum() or c in " -_." else "_" for c in stem).strip(" ._")[:150]
    if not stem:
        stem = "".join(c if c.isalnum() else "_" for c in title).strip("_")[:150] or "material"
    return stem + extension


def _speaker_user_ids(session: Session) -> set[int]:
    people = [*session.speakers, *([session.moderator] if session.moderator else [])]
    return {p.registration.user_id for p in people if p.registration and p.registration.user_id}


def can_manage(user: Any, session: Session) -> bool:
    """Organisers of the forum, the session's speakers who have an account, a workshop's rapporteur."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return can_edit_workshop(user, session) or user.id in _speaker_user_ids(session)


def is_public(material: Material, session: Session) -> bool:
    """Anyone may see it: marked public and its session published."""
    return material.is_public and session.published_at is not None


def can_download(user: Any, material: Material, session: Session) -> bool:
    """Public materials to anyone, the others to those who manage the session."""
    return is_public(material, session) or can_manage(user, session)


def materials_of(session: Session, *, public_only: bool = False) -> list[Material]:
    """The session's materials, oldest first (public ones only when asked)."""
    query = sa.select(Material).where(Material.session_id == session.id)
    if public_only:
        if session.published_at is None:
            return []
        query = query.where(Material.is_public.is_(True))
    return list(db.session.scalars(query.order_by(Material.created_at, Material.id)))


def public_materials(forum: Forum) -> list[tuple[Session, list[Material]]]:
    """The forum's published sessions that have public materials, in programme order, with them."""
    rows = db.session.execute(
        sa.select(Session, Material)
        .join(Material, Material.session_id == Session.id)
        .where(Session.forum_id == forum.id, Session.published_at.is_not(None), Material.is_public.is_(True))
        .order_by(Session.starts_at, Session.id, Material.created_at, Material.id)
    )
    grouped: dict[int, tuple[Session, list[Material]]] = {}
    for session, material in rows:
        grouped.setdefault(session.id, (session, []))[1].append(material)
    return list(grouped.values())


def sessions_with_materials(forum: Forum) -> list[tuple[Session, int]]:
    """Every session of the forum (drafts too), in programme order, with how many files it has."""
    count = (
        sa.select(sa.func.count(Material.id))
        .where(Material.session_id == Session.id)
        .correlate(Session)
        .scalar_subquery()
    )
    query = sa.select(Session, count).where(Session.forum_id == forum.id).order_by(Session.starts_at, Session.id)
    return [(session, n) for session, n in db.session.execute(query)]


def add_material(
    session: Session,
    *,
    kind: MaterialKind,
    title: str,
    filename: str,
    data: bytes,
    is_public: bool,
    actor: Any,
) -> Material:
    """Check and store a file, then attach it to the session."""
    if not can_manage(actor, session):
        raise MaterialError(_l("You may not add materials to this session."))
    checked = check_file(data)
    key = storage.save(f"materials/{session.forum_id}", data, checked.extension)
    material = Material(
        forum_id=session.forum_id,
        session_id=session.id,
        kind=kind,
        title=title.strip(),
        filename=clean_filename(filename, title, checked.extension),
        content_type=checked.content_type,
        size=len(data),
        storage_key=key,
        is_public=is_public,
        uploaded_by_id=actor.id,
    )
    db.session.add(material)
    db.session.flush()
    forum = db.session.get(Forum, session.forum_id)
    audit.record("message.material_added", actor=actor, forum=forum, target=material, title=material.title)
    return material


def remove_material(material: Material, session: Session, *, actor: Any) -> None:
    """Remove a material and its file (organisers, or the person who attached it while they manage the session)."""
    forum = db.session.get(Forum, session.forum_id)
    own = material.uploaded_by_id == actor.id and can_manage(actor, session)
    if not (actor.has_role(forum, Role.organiser) or own):
        raise MaterialError(_l("Only the organisers and the person who attached it may remove this file."))
    audit.record("message.material_removed", actor=actor, forum=forum, target=material, title=material.title)
    key = material.storage_key
    db.session.delete(material)
    db.session.flush()
    storage.delete(key)
