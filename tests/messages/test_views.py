"""The organisers' message pages: access, writing with errors kept, live count, preview, send, record."""

from __future__ import annotations

import sqlalchemy as sa

from forum.auth.models import Role
from forum.messages.models import Delivery, Message


def _form(population, **overrides) -> dict:
    data = {
        "statuses": ["confirmed"],
        "sessions": [str(population.workshops[1].id)],
        "attendance": "",
        "subject-ar": "تغيير القاعة",
        "subject-fr": "Changement de salle",
        "body-ar": "مرحبا {name}، الورشة 2 تنتقل إلى القاعة ب.",
        "body-fr": "Bonjour {name}, l'atelier 2 passe en salle B.",
    }
    data.update(overrides)
    return data


def test_only_the_forums_organisers_reach_the_messages(population, as_role, make_forum, write, client):
    message = write(population.forum, {"statuses": ["confirmed"]})
    for role in (None, Role.checkin_agent, Role.rapporteur):
        signed_in, _forum, _user = as_role(role, population.forum)
        assert signed_in.get(f"/f/{population.forum.slug}/manage/messages/").status_code == 403
        assert signed_in.post(f"/f/{population.forum.slug}/manage/messages/{message.id}/send").status_code == 403
    elsewhere, _forum, _user = as_role(Role.organiser)  # organiser of another forum
    assert elsewhere.get(f"/f/{population.forum.slug}/manage/messages/{message.id}").status_code == 403
    own, _forum, _user = as_role(Role.organiser, population.other)
    assert own.get(f"/f/{population.other.slug}/manage/messages/{message.id}").status_code == 404


def test_an_unknown_placeholder_is_refused_and_the_form_kept(population, as_role, db):
    client, forum, _user = as_role(Role.organiser, population.forum)
    page = client.post(f"/f/{forum.slug}/manage/messages/new", data=_form(population, **{"body-fr": "Bonjour {nom}"}))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Unknown placeholder: {nom}" in html and "Bonjour {nom}" in html
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0


def test_the_count_follows_the_boxes_ticked(population, as_role):
    client, forum, _user = as_role(Role.organiser, population.forum)
    url = f"/f/{forum.slug}/manage/messages/count"
    assert client.get(url, query_string={"statuses": "confirmed"}).json["count"] == 6
    answer = client.get(url, query_string={"statuses": "confirmed", "sessions": population.workshops[1].id}).json
    assert answer == {"count": 3, "text": "3 people will receive it."}


def test_write_preview_send_and_read_the_record(population, as_role, mailbox, db):
    client, forum, _user = as_role(Role.organiser, population.forum)
    saved = client.post(f"/f/{forum.slug}/manage/messages/new", data=_form(population))
    message = db.session.scalar(sa.select(Message))
    assert saved.headers["Location"].endswith(f"/manage/messages/{message.id}")

    brahim = population.people["brahim"]
    page = client.get(f"/f/{forum.slug}/manage/messages/{message.id}", query_string={"recipient": brahim.id}).get_data(
        as_text=True
    )
    assert "Its group holds 3 people now." in page
    assert "Bonjour Brahim, l&#39;atelier 2 passe en salle B." in page

    sent = client.post(f"/f/{forum.slug}/manage/messages/{message.id}/send")
    assert sent.status_code == 302
    assert {m["To"] for m in mailbox.wait_for(3)} == {"amina@example.ma", "brahim@example.ma", "ilham@example.ma"}
    progress = client.get(f"/f/{forum.slug}/manage/messages/{message.id}/progress").get_data(as_text=True)
    assert "data-poll-stop" in progress and "3 people reached" in progress
    record = client.get(f"/f/{forum.slug}/manage/messages/{message.id}").get_data(as_text=True)
    assert "brahim@example.ma" in record and "chama@example.ma" not in record
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 3
    listing = client.get(f"/f/{forum.slug}/manage/messages/").get_data(as_text=True)
    assert "Changement de salle" in listing or "تغيير القاعة" in listing


def test_a_sent_message_is_not_edited(population, as_role, write, send):
    client, forum, _user = as_role(Role.organiser, population.forum)
    message = write(forum, {"statuses": ["waitlisted"]})
    send(message)
    answer = client.post(f"/f/{forum.slug}/manage/messages/{message.id}/edit", data=_form(population))
    assert "it can no longer be changed" in answer.get_data(as_text=True)
