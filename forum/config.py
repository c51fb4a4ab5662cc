"""Settings read from the environment; the defaults run with zero set-up (SQLite in instance/)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from forum.ratelimit import ONE_TRIP


class ConfigError(RuntimeError):
    """A setting is missing or wrong for the chosen environment."""


def database_url(instance_path: str) -> str:
    """DATABASE_URL normalised for SQLAlchemy (psycopg 3 driver), or the SQLite file in instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "multaqa.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: str, environment: str) -> str:
    """SECRET_KEY from the environment; in development, one generated once into instance/."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if environment == "production":
        raise ConfigError("SECRET_KEY must be set when MULTAQA_ENV=production")
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _base_url_settings(base_url: str, production: bool) -> dict[str, Any]:
    if not base_url:
        return {"PREFERRED_URL_SCHEME": "https" if production else "http"}
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("BASE_URL must look like https://forum.example.ma")
    return {"SERVER_NAME": parts.netloc, "PREFERRED_URL_SCHEME": parts.scheme, "APPLICATION_ROOT": parts.path or "/"}


def _count(value: str, name: str) -> int:
    try:
        number = int(value.strip() or "0")
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigError(f"{name} must be a whole number of 0 or more")
    return number


def load(instance_path: str) -> dict[str, Any]:
    """The whole configuration as a dict, for app.config.update()."""
    env = os.environ
    environment = env.get("MULTAQA_ENV", "development")
    production = environment == "production"
    redis_url = env.get("REDIS_URL", "").strip() or None
    sign_in_days = timedelta(days=_count(env.get("SESSION_MAX_AGE_DAYS", "14"), "SESSION_MAX_AGE_DAYS") or 14)
    return {
        "MULTAQA_ENV": environment,
        "SECRET_KEY": secret_key(instance_path, environment),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # no pre-ping on every checkout: forum.db checks a connection that sat idle (_ping_after_idle)
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "REDIS_URL": redis_url,
        # Background jobs: "thread" in development, "rq" when Redis is configured, "eager" in tests.
        "JOBS_BACKEND": env.get("JOBS_BACKEND") or ("rq" if redis_url else "thread"),
        "JOBS_QUEUE": env.get("JOBS_QUEUE", "multaqa"),
        # Processes that draw one print batch of badges: by default every core the job may run on.
        "BADGE_PRINT_PROCESSES": _count(env.get("BADGE_PRINT_PROCESSES", "0"), "BADGE_PRINT_PROCESSES")
        or len(os.sched_getaffinity(0)),
        # Mail: "outbox" writes .eml files under instance/outbox; "smtp" delivers to MAIL_SERVER.
        "MAIL_BACKEND": env.get("MAIL_BACKEND") or ("smtp" if env.get("MAIL_SERVER") else "outbox"),
        "MAIL_SERVER": env.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "") == "1",
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Multaqa <no-reply@multaqa.local>"),
        "MAIL_OUTBOX": str(Path(instance_path) / "outbox"),
        "STORAGE_ROOT": env.get("STORAGE_ROOT") or str(Path(instance_path) / "files"),
        # SMS: Kannel's sendsms address (http://127.0.0.1:13013/cgi-bin/sendsms); without it, SMS are
        # written under instance/sms-outbox, like mail in development.
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL") or None,
        "SMS_GATEWAY_USER": env.get("SMS_GATEWAY_USER", "multaqa"),
        "SMS_GATEWAY_PASSWORD": env.get("SMS_GATEWAY_PASSWORD", ""),
        "SMS_SENDER": env.get("SMS_SENDER", "Multaqa"),
        "SMS_OUTBOX": str(Path(instance_path) / "sms-outbox"),
        # The public address used in links that leave the request (e-mails sent by jobs, calendar feeds).
        **_base_url_settings(env.get("BASE_URL", "").strip(), production),
        "BABEL_DEFAULT_LOCALE": "ar",
        "BABEL_DEFAULT_TIMEZONE": "Africa/Casablanca",
        "LANGUAGES": ("ar", "fr", "en"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Flask-Limiter's fixed window, one round trip to Redis per limited request (forum.ratelimit)
        "RATELIMIT_STRATEGY": ONE_TRIP,
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") != "0",
        # Apart from other apps' (or benchmark runs') counters kept in the same Redis
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", ""),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted: with one
        # (nginx), limits count per real client and HTTPS is seen as such. 0 ignores the headers,
        # which a client could otherwise forge to escape its limits.
        "TRUSTED_PROXIES": _count(env.get("TRUSTED_PROXIES", "0"), "TRUSTED_PROXIES"),
        "PASSWORD_RESET_MAX_AGE": 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A sign-in (its session and remember cookie) lasts at most this long; then the person signs in again.
        "REMEMBER_COOKIE_DURATION": sign_in_days,
        "SESSION_MAX_AGE": sign_in_days,
        # Platform admins and organisers must sign in with a second factor (an authenticator app).
        "TWO_FACTOR_REQUIRED": env.get("TWO_FACTOR_REQUIRED", "") == "1",
        # The suggestions while typing ask the database whether organisations were added or merged at most
        # this often per process (new ones are offered that much later): a process answering 5 keystrokes
        # a second queries for one in 50, not one in 5 (which a loaded database made the slowest ones).
        "SUGGESTIONS_RECHECK_SECONDS": 10.0,
    }
