"""Capability keys stay out of logs: the private links' keys and reset tokens are masked in every line.

A participant's private address (`/f/<forum>/me/<key>/…`, their calendar feed too) and a password reset
link are capabilities: whoever reads one in a log can act as the person. `mask` replaces them with `…`;
`SecretsFilter` applies it to every record of the app's own logging (and the development server's),
and `MaskedGunicornLogger` to gunicorn's access log (gunicorn.conf.py names it, with a format that keeps
neither the query string, nor the referrer, nor the browser).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask

_SECRETS = re.compile(r"(/me/|/password/reset/|/confirm/|[?&](?:token|key|access_key)=)[^/?&#\s\"']+")


def mask(text: str) -> str:
    """The text with every capability key or token replaced by `…`."""
    return _SECRETS.sub(r"\1…", text)


class SecretsFilter(logging.Filter):
    """Masks capability keys in a record's message and arguments (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: mask(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


_FILTER = SecretsFilter()


def register_log_masking(app: Flask) -> None:
    """Put the filter on the app's logger, the development server's and the root handlers (once each)."""
    loggers = (app.logger, logging.getLogger("werkzeug"), logging.getLogger("forum"))
    for target in (*loggers, *logging.getLogger().handlers):
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is the production server; development and tests run without it
    _GunicornLogger = None

if _GunicornLogger is not None:

    class MaskedGunicornLogger(_GunicornLogger):
        """gunicorn's logger, its access-log atoms masked (the request line, path, query and referrer)."""

        def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
            atoms = super().atoms(resp, req, environ, request_time)
            for name in ("r", "U", "q", "f"):
                if isinstance(atoms.get(name), str):
                    atoms[name] = mask(atoms[name])
            return atoms
