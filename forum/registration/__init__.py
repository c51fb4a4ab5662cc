"""Participants and their organisations: sign-up, confirmation, moderation, quotas, waiting list."""

import os

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("registration", __name__)


@bp.record_once
def _defaults(state: BlueprintSetupState) -> None:
    """The module's settings, overridable from the environment or the app's config."""
    state.app.config.setdefault("REGISTRATION_RATE_LIMIT", os.environ.get("REGISTRATION_RATE_LIMIT", "20 per minute"))
