"""The consent wording in force, as a version: each registration keeps the one it accepted."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from forum.extensions import db
from forum.privacy.models import ConsentText

#: the box people tick at registration (the sign-up form shows this very text)
CONSENT_LABEL = _l("I have read the notice on personal data and agree to the processing of my data for this forum.")


def consent_texts() -> dict[str, str]:
    """The wording in force in every language: the box's text and the notice's controller and CNDP number."""
    config = current_app.config
    notice = f"{config['PRIVACY_CONTROLLER']} · CNDP {config['PRIVACY_CNDP_NUMBER']}".strip(" ·")
    texts = {}
    for language in config["LANGUAGES"]:
        with force_locale(language):
            texts[language] = f"{CONSENT_LABEL} ({notice})" if notice else str(CONSENT_LABEL)
    return texts


def _wording() -> tuple[dict[str, str], str]:
    """The wording in force and its digest, worked out once per app and settings it is made of (the
    translations do not change while the app runs): every sign-up asks for it."""
    config = current_app.config
    settings = (config["PRIVACY_CONTROLLER"], config["PRIVACY_CNDP_NUMBER"], tuple(config["LANGUAGES"]))
    known = current_app.extensions.setdefault("multaqa.consent_wording", {})
    if settings not in known:
        texts = consent_texts()
        digest = hashlib.sha256(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        known[settings] = (texts, digest)
    return known[settings]


def consent_digest() -> str:
    """The digest of the wording in force (a sign-up reads its stored id within a query of its own)."""
    return _wording()[1]


def current_consent_id() -> int:
    """The id of the wording in force, stored the first time it is used (one indexed read after that)."""
    texts, digest = _wording()
    row_id = db.session.scalar(sa.select(ConsentText.id).where(ConsentText.digest == digest))
    if row_id is None:
        try:
            with db.session.begin_nested():
                row = ConsentText(digest=digest, texts=texts)
                db.session.add(row)
            row_id = row.id
        except sa.exc.IntegrityError:  # another request stored the same wording at the same instant
            row_id = db.session.scalar(sa.select(ConsentText.id).where(ConsentText.digest == digest))
    return row_id
