"""Helpers shared by the exhibition's services: a row's forum, writing to an exhibitor."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from forum import mail
from forum.events.models import Forum
from forum.exhibition.models import Exhibitor
from forum.extensions import db


def forum_of(forum_id: int) -> Forum:
    """The forum a row belongs to (from the identity map when it is loaded already)."""
    return db.session.get(Forum, forum_id)


SUBJECTS = {
    "Your organisation is invited to exhibit": _l("Your organisation is invited to exhibit"),
    "Your booth at the exhibition": _l("Your booth at the exhibition"),
    "Your booth application": _l("Your booth application"),
}


def mail_exhibitor(exhibitor: Exhibitor, subject: str, template: str, *, locale: str, **context: Any) -> None:
    """Write to the exhibitor's contact and staff, each in their own language."""
    forum = forum_of(exhibitor.forum_id)
    recipients = {exhibitor.contact_email: locale}
    for staff in exhibitor.staff:
        recipients[staff.user.email] = staff.user.locale or locale
    portal = mail.external_url("exhibition.portal", forum_slug=forum.slug)
    for address, language in recipients.items():
        mail.send(
            address,
            SUBJECTS[subject],
            template,
            locale=language,
            forum=forum,
            exhibitor=exhibitor,
            portal=portal,
            **context,
        )
