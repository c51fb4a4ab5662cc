"""Serving the static build: versioned URLs from url_for('static', ...), WhiteNoise in front of the app."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask_compress import Compress
from whitenoise import WhiteNoise

from forum.assets.build import MANIFEST, VERSIONED, build

ROOT = Path(__file__).resolve().parents[2]
#: Pages and JSON answers compressed on the way out (static files come compressed from the build).
PAGE_COMPRESSION = {
    "COMPRESS_MIMETYPES": ["text/html", "application/json"],
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_BR_LEVEL": 5,
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 1000,
}
#: A file without a version in its name (a page may keep its URL) is cached for an hour.
UNVERSIONED_MAX_AGE = 3600


def build_dir(app: Flask) -> Path | None:
    """Where the static build lives: STATIC_BUILD_DIR (setting or environment), by default build/static;
    an empty setting turns the build off."""
    folder = app.config.get("STATIC_BUILD_DIR", os.environ.get("STATIC_BUILD_DIR", str(ROOT / "build" / "static")))
    return Path(folder) if folder else None


def _immutable(path: str, url: str) -> bool:
    return VERSIONED.search(url) is not None


def _nosniff(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def register_assets(app: Flask) -> None:
    """Add `flask assets build`; compress pages (Brotli or gzip); when a build exists, serve it (versioned,
    compressed, cached for a year)."""
    app.cli.add_command(assets)
    for key, value in PAGE_COMPRESSION.items():
        app.config.setdefault(key, value)
    Compress(app)
    folder = build_dir(app)
    if folder is None or not (folder / MANIFEST).is_file():
        return
    manifest: dict[str, str] = json.loads((folder / MANIFEST).read_text())
    app.extensions["static_manifest"] = manifest

    def versioned_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    app.url_defaults(versioned_url)
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(folder),
        prefix=app.static_url_path,
        max_age=UNVERSIONED_MAX_AGE,
        immutable_file_test=_immutable,
        add_headers_function=_nosniff,
    )


@click.group("assets")
def assets() -> None:
    """Static files: the versioned, compressed build with subset fonts."""


@assets.command("build")
def assets_build() -> None:
    """Build static/ into STATIC_BUILD_DIR (default build/static): subset fonts, versioned names, gzip and Brotli."""
    folder = build_dir(current_app)
    if folder is None:
        click.echo("STATIC_BUILD_DIR is empty: static/ is served as it is, nothing to build.")
        return
    build(Path(current_app.static_folder or ROOT / "static"), folder, click.echo)
