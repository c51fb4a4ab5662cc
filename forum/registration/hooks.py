"""What registration adds to shared pages: the public "Register" link, the organiser's queue entry,
the dashboard's live balance, the team's badges, and realistic registration settings for the demo forums."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.auth.models import Role
from forum.extensions import db
from forum.registration import services
from forum.registration.models import (
    ApprovalMode,
    Category,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
    WaitlistMode,
)


@hooks.forum_links.register(order=10)
def register_link(forum: Any) -> hooks.ForumLink | None:
    if not forum.registration_is_open():
        return None
    return hooks.ForumLink(
        label=_l("Register"),
        url=url_for("registration.register", forum_slug=forum.slug),
        description=_l("Sign up to take part in the forum."),
    )


@hooks.manage_links.register(order=10)
def queue_link(forum: Any, user: Any) -> hooks.ForumLink | None:
    if not user.has_role(forum, Role.organiser):
        return None
    return hooks.ForumLink(label=_l("Registrations"), url=url_for("registration.queue", forum_slug=forum.slug))


@hooks.dashboard_panels.register(order=10)
def balance_panel(forum: Any, user: Any) -> hooks.DashboardPanel | None:
    if not user.has_role(forum, Role.organiser):
        return None
    return hooks.DashboardPanel(
        title=_l("Registrations"),
        template="registration/_balance_panel.html",
        context={"balance": services.balance(forum)},
        url=url_for("registration.queue", forum_slug=forum.slug),
    )


@hooks.seed_steps.register(order=10)
def seed_registration(forums: dict[str, Any], echo: Callable[[str], None]) -> None:
    """Quotas on the 6th forum, an open queue on the 7th: a few awaiting a decision, a waiting list."""
    draa, souss = forums["draa"], forums["souss"]
    for forum, data in (
        (
            draa,
            dict(
                approval=ApprovalMode.manual,
                waitlist=WaitlistMode.offer,
                min_women_percent=40,
                min_rural_percent=30,
                category_quotas={Category.private_sector.value: 30, Category.media.value: 15},
                province_quotas={"errachidia": 180},
            ),
        ),
        (
            souss,
            dict(
                approval=ApprovalMode.automatic,
                waitlist=WaitlistMode.offer,
                min_women_percent=40,
                min_rural_percent=25,
                category_quotas={Category.private_sector.value: 25},
            ),
        ),
    ):
        if db.session.get(RegistrationSettings, forum.id) is None:
            # Stored as they are: the seeded waiting list stays as it is rather than being offered places.
            settings = services.settings_for(forum)
            for key, value in data.items():
                setattr(settings, key, value)
            db.session.add(settings)
    for forum in forums.values():
        _order_waiting_list(forum)
    echo("Registration: quotas and waiting lists set on the 6th and 7th forums.")


def _order_waiting_list(forum: Any) -> None:
    """Give the seeded waiting list its order of arrival (their positions)."""
    waiting = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.forum_id == forum.id,
            Registration.status == RegistrationStatus.waitlisted,
            Registration.waitlisted_at.is_(None),
        )
        .order_by(Registration.id)
    ).all()
    for n, registration in enumerate(waiting):
        registration.waitlisted_at = registration.created_at + timedelta(minutes=n)
    db.session.flush()
