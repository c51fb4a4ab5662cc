"""Files (logos, photos, generated PDFs) under one private root, never a guessable public path."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app


def _root() -> Path:
    root = Path(current_app.config["STORAGE_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(key: str) -> Path:
    """The file behind a storage key; refuses keys that would leave the storage root."""
    root = _root().resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError(f"storage key outside the root: {key!r}")
    return path


def save(folder: str, data: bytes, suffix: str) -> str:
    """Store bytes under folder/ with an unguessable name; returns the storage key."""
    key = f"{folder}/{secrets.token_urlsafe(16)}{suffix}"
    path = path_of(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return key


def read(key: str) -> bytes:
    """The content of a stored file."""
    return path_of(key).read_bytes()


def delete(key: str | None) -> None:
    """Remove a stored file (nothing for None or a file already gone)."""
    if key:
        path_of(key).unlink(missing_ok=True)
