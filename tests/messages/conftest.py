"""A forum whose people differ by every criterion a segment can name, and a helper to send a message."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from exhibition_factories import create_exhibitor
from helpers import local

from forum.checkin.models import Admission, CheckInList, ListKind
from forum.messages import services
from forum.messages.models import Message
from forum.programme.models import Session, SessionKind, Signup, SignupStatus, Speaker
from forum.registration.models import Area, Category, Registration, RegistrationStatus


@pytest.fixture
def population(db, make_forum, make_registration, make_user, mailbox):
    """Twelve people of one forum (and one of another forum, never reached)."""
    forum = make_forum()
    other = make_forum()
    make_registration(other, email="elsewhere@example.ma")
    day = forum.starts_on + timedelta(days=1)
    workshops = []
    for n in (1, 2):
        session = Session(
            forum_id=forum.id,
            kind=SessionKind.workshop,
            title={"ar": f"الورشة {n}", "fr": f"Atelier {n}", "en": f"Workshop {n}"},
            starts_at=local(forum, day, 9 + 2 * n),
            ends_at=local(forum, day, 10 + 2 * n),
            is_signup_required=True,
            published_at=forum.created_at,
        )
        db.session.add(session)
        workshops.append(session)
    entrance = CheckInList(forum_id=forum.id, kind=ListKind.entrance, day=forum.starts_on)
    db.session.add(entrance)
    db.session.commit()
    people = {
        "amina": dict(locale="ar"),
        "brahim": dict(locale="fr", area=Area.urban, province="midelt"),
        "chama": dict(locale="en", status=RegistrationStatus.waitlisted),
        "driss": dict(locale="fr", status=RegistrationStatus.pending, category=Category.cooperative),
        "fadwa": dict(locale="ar", category=Category.public_sector, province="ouarzazate"),
        "ghita": dict(locale="fr", status=RegistrationStatus.cancelled),
        "hamza": dict(locale="ar", category=Category.speaker),
        "ilham": dict(locale="fr", area=Area.urban),
    }
    registrations = {
        name: make_registration(forum, email=f"{name}@example.ma", name_latin=name.title(), **values)
        for name, values in people.items()
    }
    for name, session in (
        ("amina", workshops[1]),
        ("brahim", workshops[1]),
        ("fadwa", workshops[0]),
        ("ilham", workshops[1]),
    ):
        db.session.add(
            Signup(session_id=session.id, registration_id=registrations[name].id, status=SignupStatus.confirmed)
        )
    db.session.add(
        Signup(session_id=workshops[1].id, registration_id=registrations["driss"].id, status=SignupStatus.waitlisted)
    )
    for name in ("amina", "fadwa", "hamza"):
        db.session.add(Admission(list_id=entrance.id, registration_id=registrations[name].id))
    db.session.add(Speaker(forum_id=forum.id, registration_id=registrations["hamza"].id, name_latin="Hamza"))
    db.session.commit()
    staff = make_user("kenza@example.ma", name="Kenza Staff")
    create_exhibitor(forum, staff=staff)
    registrations["kenza"] = db.session.scalar(
        sa.select(Registration).where(Registration.forum_id == forum.id, Registration.email == "kenza@example.ma")
    )
    mailbox.clear()  # the staff member's badge
    return SimpleNamespace(forum=forum, other=other, workshops=workshops, people=registrations)


@pytest.fixture
def write(db, make_user):
    """write(forum, segment, ...) -> a saved draft message (texts in Arabic and French by default)."""

    def do(forum, segment: dict | None = None, *, essential: bool = False, subject=None, body=None) -> Message:
        message = services.save_message(
            forum,
            None,
            segment=services.Segment.of(segment or {}),
            subject=subject or {"ar": "الحافلة تنطلق على الساعة 8:00", "fr": "Le bus part à 8h00"},
            body=body
            or {
                "ar": "مرحبا {name}،\n\nالحافلة إلى {forum} تنطلق على الساعة 8:00.\n\nتسجيلك: {link}",
                "fr": "Bonjour {name},\n\nLe bus pour {forum} part à 8h00.\n\nVotre inscription : {link}",
            },
            is_essential=essential,
            actor=None,
        )
        db.session.commit()
        return message

    return do


@pytest.fixture
def send(db):
    """send(message) -> the job, run at once (jobs are eager in tests)."""

    def do(message: Message):
        job = services.send_message(message, actor=None)
        db.session.commit()
        return job

    return do
