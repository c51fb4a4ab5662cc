"""Messages in a person's data export; erasure keeps the sending record and the survey's figures."""

from __future__ import annotations

import json

import sqlalchemy as sa

from forum.messages import services
from forum.messages.models import Answer, Delivery
from forum.privacy import services as privacy
from forum.privacy.services.export import personal_sections


def test_the_export_lists_the_messages_sent_to_the_person(population, write, send):
    send(write(population.forum, {"status": ["confirmed"]}))
    amina = population.people["amina"]
    section = next(s for s in personal_sections(amina) if s.key == "messages")
    text = json.dumps(section.records, ensure_ascii=False)
    assert "amina@example.ma" in text and "الحافلة تنطلق" in text


def test_erasure_blanks_the_address_and_the_words_but_keeps_the_counts(survey, population, write, send, db):
    amina = population.people["amina"]
    send(write(population.forum, {"status": ["confirmed"]}))
    sent_before = db.session.scalar(sa.select(sa.func.count(Delivery.id)))
    values = {survey.questions[0].id: "4", survey.questions[2].id: "Amina de Zagora a aimé"}
    services.submit(survey, amina, values)
    db.session.commit()
    privacy.erase(amina, reason="request")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == sent_before
    assert db.session.scalar(sa.select(Delivery.address).where(Delivery.registration_id == amina.id)) == ""
    assert db.session.scalar(sa.select(sa.func.count(Answer.id)).where(Answer.text.is_not(None))) == 0
    answered, results = services.results(survey)
    assert answered == 1 and results[0].average == 4
