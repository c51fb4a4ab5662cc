"""The forum's registration settings: approval, waiting list, delays and quotas."""

from __future__ import annotations

from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import ApprovalMode, RegistrationSettings, WaitlistMode


def settings_for(forum: Forum) -> RegistrationSettings:
    """The forum's registration settings (defaults, not yet saved, when the organisers never set them)."""
    settings = db.session.get(RegistrationSettings, forum.id)
    return settings if settings is not None else default_settings(forum)


def default_settings(forum: Forum) -> RegistrationSettings:
    """The settings of a forum whose organisers never set them: automatic approval, offers held 48 hours."""
    return RegistrationSettings(
        forum_id=forum.id,
        approval=ApprovalMode.automatic,
        waitlist=WaitlistMode.offer,
        offer_hold_hours=48,
        confirmation_hours=48,
        reapprove_on_edit=True,
        category_quotas={},
        province_quotas={},
        category_minimums={},
    )
