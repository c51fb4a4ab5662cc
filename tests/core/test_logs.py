"""Capability keys stay out of logs: the app's logging and gunicorn's access log mask them; the
Referrer-Policy keeps them from leaving the site."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from helpers import free_port

from forum.logs import mask

ROOT = Path(__file__).resolve().parents[2]


def test_mask_hides_private_keys_and_tokens_and_keeps_the_rest():
    line = 'GET /f/rabat/me/Abc_123-x/calendar.ics?token=zz&lang=ar "/password/reset/eyJ.x" /f/rabat/me/k2/confirm/T0k'
    masked = mask(line)
    for secret in ("Abc_123-x", "zz", "eyJ.x", "k2", "T0k"):
        assert secret not in masked
    assert "/f/rabat/me/…/calendar.ics?token=…&lang=ar" in masked


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_the_apps_own_log_lines_are_masked(app):
    kept = _Kept()
    loggers = [app.logger, logging.getLogger("werkzeug")]
    for logger in loggers:
        logger.addHandler(kept)
        logger.setLevel(logging.INFO)
        logger.disabled = False  # the migrations' logging.config (run by the test database) disables them
    try:
        app.logger.warning("failed on %s", "/f/rabat/me/SECRETKEY42/badge.png")
        logging.getLogger("werkzeug").info('"GET /password/reset/RESETTOKEN HTTP/1.1" 302 -')
    finally:
        for logger in loggers:
            logger.removeHandler(kept)
    text = "\n".join(kept.lines)
    assert "SECRETKEY42" not in text and "RESETTOKEN" not in text
    assert "/f/rabat/me/…/badge.png" in text and "/password/reset/…" in text


def test_gunicorns_access_log_masks_keys_with_the_documented_settings(tmp_path):
    port, log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "SECRET_KEY": "x" * 32, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log), "app:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for path in ("/nothing/me/SECRETKEY42/", "/password/reset/RESETTOKEN?key=QUERYKEY"):
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    time.sleep(0.1)
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert "/nothing/me/…/" in text and "/password/reset/…" in text
    assert not any(secret in text for secret in ("SECRETKEY42", "RESETTOKEN", "QUERYKEY"))


def test_the_referrer_never_carries_a_private_address_off_the_site(client):
    assert client.get("/privacy").headers["Referrer-Policy"] == "same-origin"
