"""A forum whose people differ by every criterion a segment can name, and a helper to send a message."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote_to_bytes

import pytest
import sqlalchemy as sa
from exhibition_factories import create_exhibitor
from helpers import free_port, local
from werkzeug.serving import make_server

from forum.checkin.models import Admission, CheckInList, ListKind
from forum.messages import services
from forum.messages.models import Message, QuestionKind
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


def _bytes(field: str) -> bytes:
    """fakesmsc's URL encoding of a payload: "+" for the byte 0x20, %XX for the others it escapes."""
    return unquote_to_bytes(field.replace("+", " "))


class Gateway:
    """Kannel (bearerbox + smsbox) with fakesmsc as the operator, started by scripts/kannel.sh."""

    def __init__(self, folder: Path, sendsms_port: int) -> None:
        self.folder, self.url = folder, f"http://127.0.0.1:{sendsms_port}/cgi-bin/sendsms"

    def received(self) -> list[tuple[str, str, bytes, bytes]]:
        """Each SMS part the operator got: sender, number, UDH (b"" for a single SMS) and payload bytes."""
        log = (self.folder / "fakesmsc.log").read_text(errors="replace")
        parts = []
        for line in re.findall(r"Got message \d+: <(.*)>", log):
            fields = line.split(" ")
            sender, number, kind = fields[:3]
            if kind == "udh":  # udh <udh> data <payload>
                parts.append((sender, number, _bytes(fields[3]), _bytes(fields[5])))
            elif kind == "text":  # plain text, spaces and all
                parts.append((sender, number, b"", " ".join(fields[3:]).encode()))
            else:
                parts.append((sender, number, b"", _bytes(fields[3])))
        return parts

    def wait_for(self, count: int, timeout: float = 15) -> list[tuple[str, str, bytes, bytes]]:
        deadline = time.monotonic() + timeout
        while len(parts := self.received()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(parts) >= count, f"expected {count} SMS parts, the operator got {len(parts)}"
        return parts


@pytest.fixture(scope="session")
def sms_gateway(tmp_path_factory) -> Iterator[Gateway]:
    script = Path(__file__).resolve().parents[2] / "scripts" / "kannel.sh"
    for _ in range(3):  # a free port may be taken by another program before Kannel binds it: new ports
        folder = tmp_path_factory.mktemp("kannel")
        ports = {name: free_port() for name in ("ADMIN", "SMSBOX", "FAKE", "SENDSMS")}
        env = {**os.environ, **{f"KANNEL_{name}_PORT": str(port) for name, port in ports.items()}}
        env.update(SMS_GATEWAY_USER="multaqa", SMS_GATEWAY_PASSWORD="test-password")
        started = subprocess.run([str(script), "start", str(folder)], env=env, capture_output=True)
        if started.returncode == 0:
            break
    started.check_returncode()
    try:
        yield Gateway(folder, ports["SENDSMS"])
    finally:
        subprocess.run([str(script), "stop", str(folder)], env=env, check=False, capture_output=True)


@pytest.fixture(scope="session")
def live_app(app) -> Iterator[str]:
    """The test app served on a loopback port, for the gateway's delivery reports."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def sms(app, sms_gateway) -> Iterator[Gateway]:
    """SMS go through the gateway for this test."""
    saved = {key: app.config[key] for key in ("SMS_GATEWAY_URL", "SMS_GATEWAY_USER", "SMS_GATEWAY_PASSWORD")}
    app.config.update(SMS_GATEWAY_URL=sms_gateway.url, SMS_GATEWAY_USER="multaqa", SMS_GATEWAY_PASSWORD="test-password")
    (sms_gateway.folder / "fakesmsc.log").write_text("")  # fakesmsc appends: each test reads its own
    yield sms_gateway
    app.config.update(saved)


def after_the_forum(forum) -> datetime:
    """Six in the evening of the forum's last day (when its survey may open), in UTC."""
    return datetime.combine(forum.ends_on, dtime(18), tzinfo=forum.zone).astimezone(UTC)


@pytest.fixture
def survey(population, db):
    """Three questions (one about workshop 2, attended by Amina in its room), opened after the forum."""
    forum = population.forum
    add = services.add_question
    add(
        forum,
        kind=QuestionKind.rating,
        text={"fr": "Note globale", "ar": "التقييم العام"},
        choices=[],
        session_id=None,
        actor=None,
    )
    add(
        forum,
        kind=QuestionKind.multiple,
        text={"fr": "Ce qui vous a servi"},
        choices=[{"fr": "Les ateliers"}, {"fr": "Les rencontres"}, {"fr": "L'exposition"}],
        session_id=None,
        actor=None,
    )
    add(
        forum,
        kind=QuestionKind.text,
        text={"fr": "Votre avis sur l'atelier"},
        choices=[],
        session_id=population.workshops[1].id,
        actor=None,
    )
    room = CheckInList(
        forum_id=forum.id, kind=ListKind.session, day=forum.ends_on, session_id=population.workshops[1].id
    )
    db.session.add(room)
    db.session.flush()
    db.session.add(Admission(list_id=room.id, registration_id=population.people["amina"].id))
    services.open_survey(forum, actor=None, now=after_the_forum(forum))
    db.session.commit()
    return services.survey_of(forum)
