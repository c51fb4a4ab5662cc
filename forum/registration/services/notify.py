"""The e-mails registration sends: the confirmation request of the double opt-in, the link to manage a
registration, a confirmed place, a place offered or passed on, a rejection."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import URLSafeTimedSerializer

from forum import mail
from forum.db import translated
from forum.events.models import Forum
from forum.registration.models import Registration

CONFIRM_SALT = "multaqa.registration-confirm"


def confirmation_token(registration: Registration) -> str:
    """A signed, dated token over the registration's access key (it exists before the row does)."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT).dumps(registration.access_key)


def forum_name(forum: Forum, locale: str) -> str:
    """The forum's title in the person's language, for the subject and body of their e-mails."""
    return translated(forum.title, locale)


def self_service_url(registration: Registration, forum: Forum | None = None) -> str:
    """The person's private link to their registration (the self-service page)."""
    forum = forum or registration.forum
    return mail.external_url("registration.self_service", forum_slug=forum.slug, access_key=registration.access_key)


def send_confirmation_request(registration: Registration, forum: Forum, *, hours: int) -> None:
    """Ask the person to confirm their e-mail within `hours`; the mail also carries their link."""
    link = mail.external_url(
        "registration.confirm_email",
        forum_slug=forum.slug,
        access_key=registration.access_key,
        token=confirmation_token(registration),
    )
    mail.send(
        registration.email,
        _l("Confirm your registration for %(forum)s"),
        "registration_confirm",
        locale=registration.locale,
        forum=forum_name(forum, registration.locale),
        registration=registration,
        link=link,
        manage_link=self_service_url(registration, forum),
        hours=hours,
    )


def _send(registration: Registration, subject: Any, template: str, forum: Forum | None = None, **context: Any) -> None:
    """One of the person's e-mails, in their language, with the link to their registration."""
    mail.send(
        registration.email,
        subject,
        template,
        locale=registration.locale,
        forum=forum_name(forum or registration.forum, registration.locale),
        registration=registration,
        link=self_service_url(registration, forum),
        **context,
    )


def send_link(registration: Registration) -> None:
    """Send the person the link to their registration again."""
    _send(registration, _l("Your registration for %(forum)s"), "registration_link")


def send_confirmed(registration: Registration) -> None:
    """Tell the person their place is confirmed."""
    _send(registration, _l("Your place at %(forum)s is confirmed"), "registration_confirmed")


def send_rejection(registration: Registration) -> None:
    """Tell the person their registration was rejected (with the organisers' reason, if any)."""
    _send(registration, _l("Your registration for %(forum)s"), "registration_rejected")


def send_offer(registration: Registration, forum: Forum) -> None:
    """Offer a freed place to a person of the waiting list."""
    _send(registration, _l("A place is free for you at %(forum)s"), "registration_offer", forum)


def send_offer_lapsed(registration: Registration, forum: Forum, *, position: int | None) -> None:
    """Tell the person the place offered to them was passed on, and where they now are on the list."""
    _send(
        registration,
        _l("The place offered to you at %(forum)s has been passed on"),
        "registration_offer_lapsed",
        forum,
        position=position,
    )
