"""The e-mails registration sends: the confirmation request of the double opt-in, the link to manage a
registration, a confirmed place, a place offered or passed on, a rejection."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import URLSafeTimedSerializer

from forum import jobs, mail
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
    """Ask the person to confirm their e-mail within `hours`; the mail also carries their link. The
    links are made here (on the request's host); the mail is written in the job, out of the sign-up."""
    link = mail.external_url(
        "registration.confirm_email",
        forum_slug=forum.slug,
        access_key=registration.access_key,
        token=confirmation_token(registration),
    )
    person = (registration.email, registration.locale, registration.name_ar, registration.name_latin)
    manage_link = self_service_url(registration, forum)
    jobs.enqueue("registration.confirmation_request", *person, forum.title, link, manage_link, hours, track=False)


@jobs.task("registration.confirmation_request")
def _confirmation_request(
    job: jobs.Job | None,
    email: str,
    locale: str,
    name_ar: str | None,
    name_latin: str | None,
    forum_title: dict[str, str],
    link: str,
    manage_link: str,
    hours: int,
) -> None:
    """The confirmation request, written in the person's language and handed over (a job of its own)."""
    mail.send_from_job(
        email,
        _l("Confirm your registration for %(forum)s"),
        "registration_confirm",
        locale=locale,
        attachments=(),
        forum=translated(forum_title, locale),
        registration=Registration(email=email, name_ar=name_ar, name_latin=name_latin),  # its name, as shown
        link=link,
        manage_link=manage_link,
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
