"""Messages to segments: who they reach, in which language, once each, and the stop link."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from helpers import body_of, free_port

from forum.jobs import Job, JobStatus
from forum.messages import services
from forum.messages.models import Delivery, DeliveryStatus, MessageStatus, OptOut

SEGMENTS = {
    "confirmed": ({"statuses": ["confirmed"]}, {"amina", "brahim", "fadwa", "hamza", "ilham", "kenza"}),
    "waiting or pending": ({"statuses": ["waitlisted", "pending"]}, {"chama", "driss"}),
    "workshop 2, confirmed": ({"statuses": ["confirmed"], "sessions": ["w2"]}, {"amina", "brahim", "ilham"}),
    "workshop 1 or 2": ({"sessions": ["w1", "w2"]}, {"amina", "brahim", "fadwa", "ilham"}),
    "category": ({"categories": ["public_sector", "cooperative"]}, {"fadwa", "driss"}),
    "province": ({"provinces": ["midelt", "ouarzazate"]}, {"brahim", "fadwa"}),
    "urban": ({"areas": ["urban"]}, {"brahim", "ilham"}),
    "present": ({"attendance": "present"}, {"amina", "fadwa", "hamza"}),
    "absent, confirmed": ({"attendance": "absent", "statuses": ["confirmed"]}, {"brahim", "ilham", "kenza"}),
    "speakers": ({"groups": ["speakers"]}, {"hamza"}),
    "exhibitors": ({"groups": ["exhibitors"]}, {"kenza"}),
    "speakers and exhibitors": ({"groups": ["speakers", "exhibitors"]}, {"hamza", "kenza"}),
}


def _segment(population, segment: dict) -> dict:
    ids = {"w1": population.workshops[0].id, "w2": population.workshops[1].id}
    return {**segment, "sessions": [ids[s] for s in segment.get("sessions", [])]}


@pytest.mark.parametrize("name", list(SEGMENTS))
def test_each_filter_counts_the_people_it_sends_to(population, write, send, mailbox, name):
    segment, expected = SEGMENTS[name]
    message = write(population.forum, _segment(population, segment))

    count = services.count_recipients(population.forum, services.Segment.of(message.segment), essential=False)
    job = send(message)

    received = {m["To"].split("@")[0] for m in mailbox.wait_for(len(expected))}
    assert received == expected
    assert count == len(expected)
    assert job.status == JobStatus.done and job.progress == 100
    assert message.status == MessageStatus.sent


def test_each_person_reads_their_language_with_their_name_and_link(population, write, send, mailbox, client):
    send(write(population.forum, {"statuses": ["confirmed"], "sessions": [population.workshops[1].id]}))
    mails = mailbox.wait_for(3)
    amina = next(m for m in mails if m["To"] == "amina@example.ma")
    brahim = next(m for m in mails if m["To"] == "brahim@example.ma")
    assert amina["Subject"] == "الحافلة تنطلق على الساعة 8:00"
    assert f"مرحبا {population.people['amina'].name_ar}،" in body_of(amina)
    assert "الحافلة إلى المنتدى الجهوي" in body_of(amina)
    assert 'dir="rtl"' in body_of(amina, "html")
    assert brahim["Subject"] == "Le bus part à 8h00"
    assert "Bonjour Brahim" in body_of(brahim) and "Le bus pour Forum régional" in body_of(brahim)
    link = next(line.split(" : ")[1] for line in body_of(brahim).splitlines() if line.startswith("Votre inscription"))
    assert population.people["brahim"].access_key in link
    assert client.get(link.replace("http://localhost", "")).status_code == 200


def test_a_person_without_their_language_gets_the_forums(population, write, send, mailbox):
    send(write(population.forum, {"statuses": ["waitlisted"]}))  # chama reads English; no English text
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == "chama@example.ma" and mail["Content-Language"] == "ar"


def test_nobody_who_stopped_the_messages_gets_a_non_essential_one(population, write, send, mailbox, db, client):
    send(write(population.forum, {"areas": ["urban"]}))
    brahim = next(m for m in mailbox.wait_for(2) if m["To"] == "brahim@example.ma")
    stop = brahim["List-Unsubscribe"].strip().strip("<>").replace("http://localhost", "")
    page = client.get(stop)
    assert page.status_code == 200 and "Stop these messages" in page.get_data(as_text=True)
    client.post(stop, data={"choice": "stop"})
    assert db.session.get(OptOut, population.people["brahim"].id) is not None
    mailbox.clear()

    send(write(population.forum, {"areas": ["urban"]}))
    assert {m["To"] for m in mailbox.wait_for(1)} == {"ilham@example.ma"}
    mailbox.clear()

    essential = write(population.forum, {"areas": ["urban"]}, essential=True)
    assert services.count_recipients(population.forum, services.Segment.of(essential.segment), essential=True) == 2
    send(essential)
    mails = mailbox.wait_for(2)
    assert {m["To"] for m in mails} == {"brahim@example.ma", "ilham@example.ma"}
    assert all(m["List-Unsubscribe"] is None for m in mails)


def test_a_message_is_never_sent_twice_when_its_job_runs_again(
    population, write, send, mailbox, db, app, make_registration
):
    message = write(population.forum, {"statuses": ["confirmed"]})
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nobody listens: the job fails before anything is sent
    try:
        job = send(message)
    finally:
        app.config["MAIL_PORT"] = port
    db.session.refresh(job)
    db.session.refresh(message)
    assert job.status == JobStatus.failed and message.status == MessageStatus.failed
    assert not mailbox.messages

    send(message)  # again: everyone, once
    assert len(mailbox.wait_for(6)) == 6
    send(message)  # and again: nobody new, nothing sent
    assert len(mailbox.messages) == 6

    make_registration(population.forum, email="late@example.ma")
    send(message)  # someone joined the group since: only they get it
    assert [m["To"] for m in mailbox.wait_for(7)][6:] == ["late@example.ma"]
    statuses = db.session.scalars(sa.select(Delivery.status).where(Delivery.message_id == message.id)).all()
    assert statuses == [DeliveryStatus.sent] * 7
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 4


class Refusing:
    """An SMTP server that refuses addresses starting with "nobody"."""

    def __init__(self) -> None:
        self.received: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("nobody"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def test_an_address_the_server_refuses_is_recorded_as_a_bounce(population, write, send, db, app, make_registration):
    make_registration(population.forum, email="nobody@example.ma", area="urban")
    handler, port = Refusing(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    saved = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = port
    try:
        send(write(population.forum, {"areas": ["urban"]}))
    finally:
        app.config["MAIL_PORT"] = saved
        controller.stop()
    assert sorted(handler.received) == ["brahim@example.ma", "ilham@example.ma"]
    rows = dict(db.session.execute(sa.select(Delivery.address, Delivery.status)).all())
    assert rows == {
        "brahim@example.ma": DeliveryStatus.sent,
        "ilham@example.ma": DeliveryStatus.sent,
        "nobody@example.ma": DeliveryStatus.bounced,
    }
    bounce = db.session.scalar(sa.select(Delivery).where(Delivery.status == DeliveryStatus.bounced))
    assert bounce.error.startswith("550")


def test_a_sent_message_cannot_be_changed_and_unknown_placeholders_are_refused(population, write, send):
    message = write(population.forum, {"statuses": ["waitlisted"]})
    send(message)
    with pytest.raises(services.MessageError):
        services.save_message(
            population.forum,
            message,
            segment=services.Segment(),
            subject={"fr": "x"},
            body={"fr": "y"},
            is_essential=False,
            actor=None,
        )
    assert services.unknown_placeholders("Bonjour {nom}, {name} {link}") == ["nom"]


def test_a_group_of_nobody_cannot_be_sent_to(population, write):
    message = write(population.forum, {"categories": ["donor"]})
    with pytest.raises(services.MessageError):
        services.send_message(message, actor=None)
