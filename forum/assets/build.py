"""The static build: every file of static/ under a versioned name (its content's hash), CSS pointing at the
versioned names, web fonts subset, text files pre-compressed (gzip, Brotli), and a manifest."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from whitenoise.compress import Compressor

from forum.assets.fonts import web_fonts

MANIFEST = "manifest.json"
#: A versioned file name: name.<12 hex digits>.ext
VERSIONED = re.compile(r"\.[0-9a-f]{12}\.[\w]+$")
#: Files that stay out of the build: the TrueType sources of the fonts (read from static/ by the PDF
#: renderer, never by browsers) and hidden files.
SKIPPED = re.compile(r"(^|/)\.|\.ttf$")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def versioned_name(path: str, data: bytes) -> str:
    """`css/app.css` as `css/app.<hash>.css`, the hash taken from the file's content."""
    stem, dot, suffix = path.rpartition(".")
    if not dot or "/" in suffix:
        stem, suffix = path, ""
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"{stem}.{digest}.{suffix}" if suffix else f"{stem}.{digest}"


def _rewrite_css(path: str, css: str, manifest: dict[str, str]) -> str:
    """CSS whose url(...) references to other static files point at their versioned names."""
    folder = posixpath.dirname(path)

    def versioned(match: re.Match) -> str:
        quote, url = match.group(1), match.group(2).strip()
        if re.match(r"^(data:|[a-z]+://|/|#)", url):
            return match.group(0)
        target, sep, tail = url.partition("?") if "?" in url else url.partition("#")
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved not in manifest:
            return match.group(0)
        new = posixpath.relpath(manifest[resolved], folder or ".")
        return f"url({quote}{new}{sep}{tail}{quote})"

    return CSS_URL.sub(versioned, css)


def build(static_dir: Path, out_dir: Path, log: Callable[[str], None] = print) -> dict[str, str]:
    """Write the build of `static_dir` into `out_dir` (replaced whole); return the manifest (name: versioned)."""
    sources = {
        file.relative_to(static_dir).as_posix(): file.read_bytes()
        for file in sorted(static_dir.rglob("*"))
        if file.is_file() and not SKIPPED.search(file.relative_to(static_dir).as_posix())
    }
    fonts = web_fonts(static_dir / "fonts")
    sources.update({f"fonts/{name}": data for name, data in fonts.items()})
    log(
        f"{len(fonts)} web fonts subset: " + ", ".join(f"{name} {len(data) // 1024} KB" for name, data in fonts.items())
    )
    staging = out_dir.with_name(out_dir.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    manifest: dict[str, str] = {}
    # CSS last, so that the files it points at already have their versioned names.
    for path in sorted(sources, key=lambda name: (name.endswith(".css"), name)):
        data = sources[path]
        if path.endswith(".css"):
            data = _rewrite_css(path, data.decode("utf-8"), manifest).encode("utf-8")
        manifest[path] = versioned_name(path, data)
        for name in (path, manifest[path]):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    compressor = Compressor(quiet=True)
    for file in sorted(staging.rglob("*")):
        if file.is_file() and compressor.should_compress(file.name):
            compressor.compress(str(file))
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    log(f"{len(manifest)} static files built into {out_dir}")
    return manifest
