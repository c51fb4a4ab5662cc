"""The floor: the least Flask + SQLAlchemy Core code that does what a request must do at the very least,
served by the same gunicorn on the same database as Multaqa, so a bench can print Multaqa's figure as a
ratio to it (measured in the same run, it means the same on a fast or a slow machine).

scan:    POST /api/f/<slug>/checkin/scan {"code", "nonce"}: the code's registration by its key (one
         indexed SELECT), one INSERT of the scan into the scan trail; answers {"outcome": "ok"}.
         The trail is Multaqa's own table, with the keys and indexes the data model gives it (every
         scan must leave its row there), as a sign-up's INSERT goes into the registrations' table.
sign-up: GET /f/<slug>/register, a form with its choices; POST: read the form's choices, one INSERT of
         the registration (pending, as a sign-up starts), a redirect to /register/sent.

Nothing else: no session, no CSRF check, no language, no template engine, no ORM. Served with
`Deployment.serve_floor()` (bench/harness.py): `gunicorn floor:app` with Multaqa's DATABASE_URL.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from html import escape

import sqlalchemy as sa
from flask import Flask, abort, jsonify, redirect, request


def _url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://")


app = Flask(__name__)
engine = sa.create_engine(_url(os.environ["DATABASE_URL"]))
meta = sa.MetaData()
registration = sa.Table("registration", meta, autoload_with=engine)
forum = sa.Table("forum", meta, autoload_with=engine)
checkin = sa.Table("checkin", meta, autoload_with=engine)
engine.dispose()  # reflection's connection is not carried into the request handlers


CHOICES = {
    "category": ("association", "cooperative", "public_sector", "private_sector", "donor", "expert", "elected"),
    "gender": ("female", "male", "unspecified"),
    "area": ("urban", "rural"),
    "locale": ("ar", "fr", "en"),
}
FIND = sa.select(registration.c.id, registration.c.forum_id, registration.c.status).where(
    registration.c.id == sa.bindparam("id")
)
SCAN = checkin.insert()
ANSWER = {"outcome": "ok"}
FORUM_ID = sa.select(forum.c.id).where(forum.c.slug == sa.bindparam("slug"))
SIGN_UP = registration.insert()
_forum_ids: dict[str, int] = {}


def _forum_id(slug: str) -> int:
    if slug not in _forum_ids:
        with engine.connect() as conn:
            found = conn.execute(FORUM_ID, {"slug": slug}).scalar()
        if found is None:
            abort(404)
        _forum_ids[slug] = found
    return _forum_ids[slug]


@app.post("/api/f/<slug>/checkin/scan")
def scan(slug: str):
    data = request.get_json()
    try:
        registration_id = int(data["code"].split(".")[1].split("-")[1], 36)
    except (KeyError, IndexError, ValueError, AttributeError):
        return jsonify(outcome="refused"), 400
    with engine.begin() as conn:
        row = conn.execute(FIND, {"id": registration_id}).first()
        if row is None or row.status != "confirmed":
            return jsonify(outcome="refused")
        conn.execute(
            SCAN,
            {
                "forum_id": row.forum_id,
                "registration_id": row.id,
                "outcome": "ok",
                "reason": "ok",
                "nonce": data["nonce"],
                "response": ANSWER,
                "at": datetime.now(UTC),
            },
        )
    return jsonify(outcome="ok")


@app.get("/")
def home():
    return "floor"


@app.get("/f/<slug>/register")
def form(slug: str):
    fields = "".join(
        f'<select name="{name}">' + "".join(f"<option>{escape(v)}</option>" for v in values) + "</select>"
        for name, values in CHOICES.items()
    )
    return (
        '<form method="post"><input type="hidden" name="csrf_token" value="floor">'
        '<input name="name_ar"><input name="name_latin"><input name="email"><input name="phone">'
        f'<input name="province">{fields}<input type="checkbox" name="consent"></form>'
    )


@app.post("/f/<slug>/register")
def sign_up(slug: str):
    values = request.form
    if any(values.get(name) not in choices for name, choices in CHOICES.items()) or not values.get("consent"):
        return "invalid", 400
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            SIGN_UP,
            {
                "forum_id": _forum_id(slug),
                "name_ar": values.get("name_ar"),
                "name_latin": values.get("name_latin"),
                "email": values["email"].strip().lower(),
                "phone": values.get("phone"),
                "category": values["category"],
                "gender": values["gender"],
                "province": values.get("province"),
                "area": values["area"],
                "locale": values["locale"],
                "accessibility_needs": [],
                "has_disability": False,
                "consent_at": now,
                "shares_contact": False,
                "status": "pending",
                "holds_place": False,
                "access_key": secrets.token_urlsafe(24),
                "badge_secret": secrets.token_urlsafe(24),
                "badge_version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )
    return redirect(f"/f/{slug}/register/sent")
