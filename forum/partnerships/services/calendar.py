"""A person's meetings as `PersonalEvent`s, for their agenda page, their calendar feed and reminders."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from forum.hooks import PersonalEvent
from forum.i18n import person_name
from forum.partnerships.services.booking import meetings_of
from forum.registration.models import Registration


def public_name(registration: Registration) -> str:
    """A person's name as others see it (never their e-mail)."""
    return person_name(registration.name_ar, registration.name_latin) or "—"


def meeting_events(registration: Registration) -> list[PersonalEvent]:
    """Each meeting of the person: with whom, where (the table or booth), and a link to their page."""
    events = []
    for meeting in meetings_of(registration):
        other = meeting.request.other(registration)
        name = public_name(other)
        organisation = other.organisation.name if other.organisation is not None else ""
        events.append(
            PersonalEvent(
                uid=f"meeting-{meeting.id}.{registration.forum.slug}@multaqa",
                title=_("Meeting with %(name)s", name=f"{name} ({organisation})" if organisation else name),
                start_at=meeting.slot.starts_at,
                end_at=meeting.slot.ends_at,
                location=meeting.place.name,
                description=meeting.request.message,
                url=url_for(
                    "partnerships.hub",
                    forum_slug=registration.forum.slug,
                    access_key=registration.access_key,
                    _external=True,
                ),
            )
        )
    return events
