"""Personal data under law 09-08: the notice, versioned consent, a person's export and erasure, retention."""

import os

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("privacy", __name__)


@bp.record_once
def _defaults(state: BlueprintSetupState) -> None:
    """The module's settings (the notice's controller, contact and CNDP number; the retention default)."""
    env, config = os.environ, state.app.config
    config.setdefault("PRIVACY_CONTROLLER", env.get("PRIVACY_CONTROLLER", ""))
    config.setdefault("PRIVACY_CONTACT", env.get("PRIVACY_CONTACT", ""))
    config.setdefault("PRIVACY_CNDP_NUMBER", env.get("PRIVACY_CNDP_NUMBER", ""))
    config.setdefault("PRIVACY_RETENTION_DAYS", int(env.get("PRIVACY_RETENTION_DAYS", "365")))
    config.setdefault("PRIVACY_RATE_LIMIT", env.get("PRIVACY_RATE_LIMIT", "10 per hour"))
