"""SMS: parts counted as the network counts them, Arabic through a real Kannel as UCS-2 arriving intact at
the operator (fakesmsc) split as counted, delivery reports recorded, consent, and the outbox without gateway."""

from __future__ import annotations

import time
from collections import defaultdict

import pytest
import sqlalchemy as sa

from forum.messages import services
from forum.messages.models import Channel, Delivery, DeliveryStatus, SmsConsent

ARABIC = (
    "مرحبا {name}، الحافلة إلى المنتدى تنطلق غدا على الساعة الثامنة صباحا من المحطة الطرقية، المرجو الحضور قبل الموعد."
)
FRENCH = "Bonjour {name}, le bus pour le forum part demain a 8h00 de la gare routiere."


def test_parts_are_counted_as_the_network_counts_them():
    assert (services.sms_count("a" * 160).parts, services.sms_count("a" * 161).parts) == (1, 2)
    assert services.sms_count("a" * 161).per_part == 153 and services.sms_count("a" * 306).parts == 2
    assert services.sms_count("€" * 80).length == 160  # the extension table counts twice
    arabic = services.sms_count("س" * 70)
    assert (arabic.is_unicode, arabic.parts, arabic.left) == (True, 1, 0)
    assert services.sms_count("س" * 71).parts == 2 and services.sms_count("س" * 134).parts == 2
    assert services.sms_count("س" * 135).parts == 3


def _consent(db, *registrations, phones=("+212661000001", "+212661000002", "+212661000003")):
    for registration, phone in zip(registrations, phones, strict=False):
        registration.phone = phone
        db.session.add(SmsConsent(registration_id=registration.id))
    db.session.commit()


def _parts_by_number(parts):
    """Each number's SMS, reassembled from its parts in the order their UDH gives, as bytes."""
    messages = defaultdict(dict)
    for _sender, number, udh, payload in parts:
        if udh:  # 05 00 03 <reference> <total> <sequence>
            messages[number][udh[5]] = payload
        else:
            messages[number][1] = payload
    return {number: [chunks[n] for n in sorted(chunks)] for number, chunks in messages.items()}


def test_an_arabic_sms_arrives_intact_and_split_as_counted(population, write, db, app, sms, live_app):
    amina, brahim = population.people["amina"], population.people["brahim"]
    _consent(db, amina, brahim)
    message = services.save_message(
        population.forum,
        None,
        segment=services.Segment(statuses=["confirmed"]),
        subject={"ar": "الحافلة", "fr": "Le bus"},
        body={"ar": ARABIC, "fr": FRENCH},
        is_essential=False,
        actor=None,
        channel=Channel.sms,
    )
    db.session.commit()
    assert services.reach_of(message, population.forum) == 2  # the others did not agree to SMS
    with app.test_request_context(base_url=live_app):
        services.send_message(message, actor=None)
    db.session.commit()

    expected = services.fill(ARABIC, {"name": amina.name_ar})
    count = services.sms_count(expected)
    assert count.parts == 2
    received = _parts_by_number(sms.wait_for(count.parts + 1))
    arabic = received["+212661000001"]
    assert len(arabic) == count.parts
    assert b"".join(arabic).decode("utf-16-be") == expected
    french = received["+212661000002"]
    assert len(french) == 1 and b"Bonjour Brahim, le bus pour le forum part demain" in french[0]

    deadline = time.monotonic() + 30  # the gateway reports to the app's address
    while time.monotonic() < deadline:
        db.session.rollback()  # a fresh snapshot (SQLite's WAL keeps a read transaction's view)
        statuses = db.session.scalars(sa.select(Delivery.status).where(Delivery.message_id == message.id)).all()
        if statuses == [DeliveryStatus.delivered] * 2:
            break
        time.sleep(0.2)
    assert statuses == [DeliveryStatus.delivered] * 2
    addresses = set(db.session.scalars(sa.select(Delivery.address).where(Delivery.message_id == message.id)))
    assert addresses == {"+212661000001", "+212661000002"}


def test_a_forged_report_changes_nothing(population, client, db):
    assert client.get("/api/messages/sms-report/forged?status=1").status_code == 404


def test_without_a_gateway_sms_go_to_the_outbox(population, db, app, tmp_path):
    _consent(db, population.people["brahim"])
    message = services.save_message(
        population.forum,
        None,
        segment=services.Segment(),
        subject={"fr": "Bus"},
        body={"fr": FRENCH},
        is_essential=True,
        actor=None,
        channel=Channel.sms,
    )
    db.session.commit()
    saved = app.config["SMS_OUTBOX"]
    app.config["SMS_OUTBOX"] = str(tmp_path)
    try:
        services.send_message(message, actor=None)
        db.session.commit()
    finally:
        app.config["SMS_OUTBOX"] = saved
    (sent,) = tmp_path.iterdir()
    assert (
        sent.read_text()
        == "To: +212661000001\n\nBonjour Brahim, le bus pour le forum part demain a 8h00 de la gare routiere.\n"
    )


def test_a_person_agrees_to_sms_from_their_messages_page(population, client, db, make_registration):
    amina = population.people["amina"]
    url = f"/f/{population.forum.slug}/me/{amina.access_key}/messages/stop"
    client.post(url, data={"choice": "sms-on"})
    assert db.session.get(SmsConsent, amina.id) is not None
    client.post(url, data={"choice": "sms-off"})
    assert db.session.get(SmsConsent, amina.id) is None
    nophone = make_registration(population.forum, phone=None)
    answer = client.post(f"/f/{population.forum.slug}/me/{nophone.access_key}/messages/stop", data={"choice": "sms-on"})
    assert answer.status_code == 302 and db.session.get(SmsConsent, nophone.id) is None


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_the_count_follows_the_channel(population, as_role, db, channel):
    _consent(db, population.people["amina"])
    client, forum, _user = as_role("organiser", population.forum)
    answer = client.get(
        f"/f/{forum.slug}/manage/messages/count", query_string={"statuses": "confirmed", "channel": channel}
    )
    assert answer.json["count"] == (6 if channel == "email" else 1)
