"""Security headers on every response, and the safe-redirect check for `next` URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are accepted as a `next` URL."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


#: the headers every response carries (HSTS besides, in production over HTTPS)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
)


def add_security_headers(app: Flask, response: Response) -> Response:
    """The security headers on a response to the current request (those it already has are kept)."""
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    if app.config["MULTAQA_ENV"] == "production" and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def register_security_headers(app: Flask) -> None:
    """Add the security headers (CSP, nosniff, no framing, HSTS in production over HTTPS) to every
    response the pipeline gives (the devices' gate adds them to its own with add_security_headers)."""
    app.after_request(lambda response: add_security_headers(app, response))
