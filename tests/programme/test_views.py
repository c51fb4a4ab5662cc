"""Programme pages: public programme, participant agenda and sign-up, the organisers' editor."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from forum.programme import services
from forum.programme.models import ProgrammeVersion, Session, Signup, SignupStatus
from forum.registration.models import RegistrationStatus

DAY1, DAY2 = date(2026, 2, 13), date(2026, 2, 14)


def _programme(forum, make_room, make_session, count: int) -> list[Session]:
    rooms = [make_room(forum, f"Salle {n}") for n in range(4)]
    return [
        make_session(
            forum,
            rooms[n % 4],
            DAY2 if n % 2 else DAY1,
            (8 + n // 4, 0),
            (8 + n // 4, 45),
            is_signup_required=n % 3 == 0,
        )
        for n in range(count)
    ]


def test_public_programme_queries_do_not_grow_with_sessions_or_participants(
    client, db, forum, make_room, make_session, make_registration, make_speaker, count_queries
):
    speakers = [make_speaker(forum, f"Speaker {n}") for n in range(3)]
    sessions = _programme(forum, make_room, make_session, 4)
    with count_queries() as small:
        assert client.get(f"/f/{forum.slug}/programme/").status_code == 200
    more = _programme(forum, make_room, make_session, 16)
    for n, session in enumerate(sessions + more):
        session.speakers = speakers[: n % 3 + 1]
    db.session.commit()
    for _ in range(10):
        person = make_registration(forum)
        for session in more:
            if session.is_signup_required:
                services.sign_up(person, session)
                break
    db.session.commit()
    with count_queries() as large:
        response = client.get(f"/f/{forum.slug}/programme/")
    assert response.status_code == 200
    assert large.count == small.count, large.statements


def test_public_programme_by_day_with_filters_and_hidden_drafts(client, forum, make_room, make_session):
    make_session(
        forum,
        make_room(forum, "A"),
        DAY2,
        (9, 30),
        (12, 30),
        theme="RSE",
        title={"en": "Corporate social responsibility"},
    )
    make_session(
        forum,
        make_room(forum, "B"),
        DAY1,
        (9, 30),
        (10, 30),
        theme="ouverture",
        title={"en": "Opening session"},
        kind="ceremony",
        is_signup_required=False,
    )
    make_session(forum, make_room(forum, "C"), DAY1, (11, 0), (12, 0), title={"en": "Draft idea"}, published=False)
    page = client.get(f"/f/{forum.slug}/programme/").get_data(as_text=True)
    assert (
        page.index("Friday, February 13, 2026")
        < page.index("Opening session")
        < page.index("Saturday, February 14, 2026")
        < page.index("Corporate social responsibility")
    )
    assert "Draft idea" not in page
    assert "50 seats left" in page
    filtered = client.get(f"/f/{forum.slug}/programme/?theme=RSE").get_data(as_text=True)
    assert "Corporate social responsibility" in filtered and "Opening session" not in filtered
    by_kind = client.get(f"/f/{forum.slug}/programme/?kind=ceremony").get_data(as_text=True)
    assert "Opening session" in by_kind and "Corporate social responsibility" not in by_kind


def test_session_page_shows_speakers_room_and_seats_left(
    client, db, forum, make_room, make_speaker, make_session, make_registration
):
    speaker = make_speaker(forum, "Said Benali", organisation="Banque Atlas Finance")
    session = make_session(forum, make_room(forum), DAY2, (9, 30), (12, 30), capacity=3, speaker_ids=[speaker.id])
    services.sign_up(make_registration(forum), session)
    db.session.commit()
    page = client.get(f"/f/{forum.slug}/programme/sessions/{session.id}").get_data(as_text=True)
    assert "Said Benali" in page and "Banque Atlas Finance" in page and "قاعة Salle A" in page
    assert "<dt>Seats left</dt>\n      <dd>2</dd>" in page
    draft = make_session(forum, make_room(forum, "B"), DAY2, (9, 30), (12, 30), published=False)
    assert client.get(f"/f/{forum.slug}/programme/sessions/{draft.id}").status_code == 404


def test_people_are_named_in_the_script_of_the_page(client, db, forum, make_room, make_speaker, make_session):
    speaker = make_speaker(forum, "Said Benali", name_ar="سعيد بنعلي")
    make_session(forum, make_room(forum), DAY2, (9, 30), (12, 30), speaker_ids=[speaker.id])
    url = f"/f/{forum.slug}/programme/"  # the cards name each speaker once (the session page gives both)
    arabic = client.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "سعيد بنعلي" in arabic and "Said Benali" not in arabic
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Said Benali" in french and "سعيد بنعلي" not in french
    printed = client.get(f"/f/{forum.slug}/programme/print?lang=ar").get_data(as_text=True)
    assert "سعيد بنعلي" in printed
    latin_only = make_speaker(forum, "Karim Tazi", name_ar="")
    assert latin_only.display_name == "Karim Tazi"  # the one script given, whatever the page


def test_printable_programme_in_each_language(client, forum, make_room, make_session):
    make_session(forum, make_room(forum), DAY2, (9, 30), (12, 30))
    arabic = client.get(f"/f/{forum.slug}/programme/print?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic and "ورشة التمويل التشاركي" in arabic
    french = client.get(f"/f/{forum.slug}/programme/print?lang=fr").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in french and "Atelier financement participatif" in french
    assert "samedi 14 février 2026" in french


def test_participant_signs_up_is_refused_a_clash_and_cancels(
    client, db, forum, make_room, make_session, make_registration
):
    first = make_session(forum, make_room(forum, "A"), DAY2, (9, 30), (12, 30), title={"en": "Crowdfunding"})
    clash = make_session(forum, make_room(forum, "B"), DAY2, (9, 30), (12, 30), title={"en": "CSR"})
    person = make_registration(forum)
    base = f"/f/{forum.slug}/me/{person.access_key}"
    response = client.post(f"{base}/signup", data={"session_id": first.id}, follow_redirects=True)
    assert "You are signed up to “Crowdfunding”." in response.get_data(as_text=True)
    response = client.post(f"{base}/signup", data={"session_id": clash.id}, follow_redirects=True)
    assert "overlaps with “Crowdfunding” (Sat 09:30–12:30)" in response.get_data(as_text=True)
    agenda = client.get(f"{base}/agenda").get_data(as_text=True)
    assert "Give my place back" in agenda and f"{base}/calendar.ics" in agenda
    assert agenda.count("Your choice") == 1
    cancelled = client.post(f"{base}/signup/cancel", data={"session_id": first.id})
    assert cancelled.status_code == 302, cancelled.get_data(as_text=True)[-3000:]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signup)) == 0


def test_sign_up_needs_a_confirmed_registration_and_a_post(client, forum, make_room, make_session, make_registration):
    session = make_session(forum, make_room(forum), DAY2, (9, 30), (12, 30))
    pending = make_registration(forum, status=RegistrationStatus.pending)
    signup = {"session_id": session.id}
    assert client.post(f"/f/{forum.slug}/me/{pending.access_key}/signup", data=signup).status_code == 403
    confirmed = make_registration(forum)
    assert client.get(f"/f/{forum.slug}/me/{confirmed.access_key}/signup").status_code == 405
    assert client.post(f"/f/{forum.slug}/me/{confirmed.access_key}/signup", data={"session_id": 999}).status_code == 404


def test_organiser_pages_need_the_organiser_role(as_role, forum):
    agent_client, _, _ = as_role("checkin_agent", forum=forum)
    assert agent_client.get(f"/f/{forum.slug}/manage/programme/").status_code == 403


def test_form_fallback_creates_refuses_conflicts_and_warns(as_role, db, forum, make_room, make_session):
    client, _, _ = as_role("organiser", forum=forum)
    room = make_room(forum, capacity=20)
    make_session(forum, room, DAY2, (9, 0), (10, 0), title={"en": "Existing"})
    form = {
        "kind": "workshop",
        "title-fr": "Nouvel atelier",
        "room_id": str(room.id),
        "starts_at": "2026-02-14T09:30",
        "ends_at": "2026-02-14T11:00",
        "capacity": "40",
        "is_signup_required": "y",
    }
    base = f"/f/{forum.slug}/manage/programme"
    refused = client.post(f"{base}/sessions/new", data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "The room is already taken by “Existing” (Sat 09:00–10:00)." in page
    assert 'value="Nouvel atelier"' in page  # nothing typed is lost
    form["starts_at"], form["ends_at"] = "2026-02-14T10:00", "2026-02-14T11:00"
    saved = client.post(f"{base}/sessions/new", data=form, follow_redirects=True)
    assert "fewer than the session&#39;s capacity of 40" in saved.get_data(as_text=True)
    created = db.session.scalar(sa.select(Session).where(Session.capacity == 40))
    assert created.published_at is None
    grid = client.get(f"{base}/?day=2026-02-14").get_data(as_text=True)
    assert f'data-session="{created.id}"' in grid and "Nouvel atelier" in grid


def test_move_endpoint_answers_json_for_the_timetable_script(as_role, forum, make_room, make_session):
    client, _, _ = as_role("organiser", forum=forum)
    room_a, room_b = make_room(forum, "A"), make_room(forum, "B")
    make_session(forum, room_b, DAY2, (9, 0), (10, 0))
    moving = make_session(forum, room_a, DAY2, (9, 0), (10, 0))
    url = f"/f/{forum.slug}/manage/programme/sessions/{moving.id}/move"
    clash = client.post(
        url, data={"room_id": room_b.id, "starts_at": "2026-02-14T09:30", "ends_at": "2026-02-14T10:30"}
    )
    assert clash.status_code == 409 and "The room is already taken" in clash.json["errors"][0]
    moved = client.post(
        url, data={"room_id": room_b.id, "starts_at": "2026-02-14T10:00", "ends_at": "2026-02-14T11:30"}
    )
    assert moved.json == {"ok": True, "warnings": []}


def test_publish_then_review_and_send_notifications(
    as_role, db, forum, make_room, make_session, make_registration, mailbox
):
    client, _, _ = as_role("organiser", forum=forum)
    session = make_session(forum, make_room(forum), DAY2, (9, 0), (10, 0), published=False)
    base = f"/f/{forum.slug}/manage/programme"
    assert "Crowdfunding workshop" in client.get(f"{base}/publish").get_data(as_text=True)
    client.post(f"{base}/publish")
    person = make_registration(forum, email="karim@example.ma")
    services.sign_up(person, session)
    services.save_session(forum, session, {"is_cancelled": True}, actor=None)
    db.session.commit()
    response = client.post(f"{base}/publish", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Version 2 of the programme is published." in page and "karim@example.ma" in page
    assert mailbox.messages == []
    client.post(f"{base}/versions/2")
    assert mailbox.wait_for(1)[0]["To"] == "karim@example.ma"
    assert db.session.scalar(sa.select(ProgrammeVersion.notified_at).where(ProgrammeVersion.number == 2))


def test_a_speaker_is_linked_to_their_registration_for_badge_and_check_in(
    as_role, db, make_forum, make_registration, make_speaker
):
    from forum.registration.models import Category

    client, forum, _ = as_role("organiser")
    speaker = make_speaker(forum)
    registered = make_registration(forum, category=Category.speaker, name_latin="Nadia Idrissi")
    participant = make_registration(forum, name_latin="Karim Participant")
    elsewhere = make_registration(make_forum(), category=Category.speaker)
    path = f"/f/{forum.slug}/manage/programme/speakers/{speaker.id}"
    page = client.get(path).get_data(as_text=True)
    assert f'<option value="{registered.id}">' in page and "Karim Participant" not in page
    data = {"name_latin": "Nadia Idrissi", "name_ar": "نادية", "bio-fr": "", "bio-ar": "", "bio-en": ""}
    for refused in (participant, elsewhere):
        page = client.post(path, data={**data, "registration_id": str(refused.id)}).get_data(as_text=True)
        assert "Not a valid choice" in page
    db.session.expire_all()
    assert db.session.get(type(speaker), speaker.id).registration_id is None
    assert client.post(path, data={**data, "registration_id": str(registered.id)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(speaker), speaker.id).registration == registered
    # Once linked, the speaker stays listed (and can be unlinked) even if their category changes.
    registered.category = Category.expert
    db.session.commit()
    assert f'<option selected value="{registered.id}">' in client.get(path).get_data(as_text=True)
    assert client.post(path, data={**data, "registration_id": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(speaker), speaker.id).registration_id is None


def test_speakers_are_listed_as_each_language_joins_names(client, db, forum, make_room, make_session, make_speaker):
    session = make_session(forum, make_room(forum), DAY1, (9, 30), (11, 0))
    session.speakers = [make_speaker(forum, "Nadia Idrissi"), make_speaker(forum, "Karim Alami", name_ar="كريم")]
    db.session.commit()
    french = client.get(f"/f/{forum.slug}/programme/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    arabic = client.get(f"/f/{forum.slug}/programme/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "Nadia Idrissi et Karim Alami" in french and "نادية وكريم" in arabic


def test_before_the_programme_is_published_pages_say_when_it_comes_and_offer_nothing_empty(
    client, db, make_forum, make_room, make_session, make_registration
):
    upcoming = make_forum(starts_on=date(2027, 3, 10), ends_on=date(2027, 3, 11))
    person = make_registration(upcoming)
    base = f"/f/{upcoming.slug}/me/{person.access_key}"
    english = {"Accept-Language": "en"}
    coming = "The programme has not been published yet. It will appear here before the forum opens on March 10, 2027"
    agenda = client.get(f"{base}/agenda", headers=english).get_data(as_text=True)
    assert f"{coming}; you will be able to choose your workshops then." in agenda
    assert "Workshops to choose" not in agenda and "calendar.ics" not in agenda
    links = client.get(f"{base}/", headers=english).get_data(as_text=True)
    assert "My agenda and workshops" in links and coming in links
    assert "calendar.ics" not in links and "My calendar (iCalendar)" not in links
    public = client.get(f"/f/{upcoming.slug}/programme/", headers=english).get_data(as_text=True)
    assert f"{coming}." in public and "programme.ics" not in public and "Printable programme" not in public
    french = client.get(f"{base}/agenda", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "10 mars 2027" in french
    forum_page = client.get(f"/f/{upcoming.slug}/", headers=english).get_data(as_text=True)
    assert f"/f/{upcoming.slug}/programme/" not in forum_page  # no "Programme" link until published

    session = make_session(upcoming, make_room(upcoming), date(2027, 3, 10), (9, 0), (10, 0), title={"en": "CSR"})
    agenda = client.get(f"{base}/agenda", headers=english).get_data(as_text=True)
    assert "Workshops to choose" in agenda and "has not been published" not in agenda
    assert "You have no session yet: choose your workshops below." in agenda and "calendar.ics" not in agenda
    links = client.get(f"{base}/", headers=english).get_data(as_text=True)
    assert "Choose your workshops and see your sessions." in links and "calendar.ics" not in links
    services.sign_up(person, session)
    db.session.commit()
    assert f"{base}/calendar.ics" in client.get(f"{base}/agenda", headers=english).get_data(as_text=True)
    assert f"{base}/calendar.ics" in client.get(f"{base}/", headers=english).get_data(as_text=True)
    public = client.get(f"/f/{upcoming.slug}/programme/", headers=english).get_data(as_text=True)
    assert "programme.ics" in public and "CSR" in public
    assert f"/f/{upcoming.slug}/programme/" in client.get(f"/f/{upcoming.slug}/", headers=english).get_data(
        as_text=True
    )


@pytest.fixture
def offered(db, forum, make_room, make_session, make_registration):
    """`person` holds a seat in "Finance" and is offered one in the parallel "CSR"; `behind` waits for both."""
    held = make_session(forum, make_room(forum, "A"), DAY2, (9, 0), (12, 0), capacity=1, title={"en": "Finance"})
    wanted = make_session(forum, make_room(forum, "B"), DAY2, (10, 0), (11, 0), capacity=1, title={"en": "CSR"})
    person, other, behind = make_registration(forum), make_registration(forum), make_registration(forum)
    services.sign_up(person, held)
    services.sign_up(other, wanted)
    services.sign_up(person, wanted)
    services.sign_up(behind, held)
    services.sign_up(behind, wanted)
    services.cancel_signup(other, wanted)
    db.session.commit()
    return f"/f/{forum.slug}/me/{person.access_key}", held, wanted, person, behind


def _statuses(db) -> set[tuple]:
    return set(db.session.execute(sa.select(Signup.registration_id, Signup.session_id, Signup.status)).all())


def test_the_agenda_offers_a_held_seat_to_take_or_to_stay(client, db, offered):
    base, held, wanted, person, behind = offered
    english = {"Accept-Language": "en"}
    agenda = client.get(f"{base}/agenda", headers=english).get_data(as_text=True)
    offer = agenda[agenda.index('action="' + f"{base}/signup/offer") :]
    offer = offer[: offer.index("</form>")]
    assert 'name="csrf_token"' in offer and f'name="session_id" value="{wanted.id}"' in offer
    assert "A seat has become free in “CSR”" in offer and "overlaps with “Finance”" in offer
    assert "Take the seat in “CSR” (your seat in “Finance” goes to the next person)" in offer
    assert "Stay in “Finance”" in offer
    french = client.get(f"{base}/agenda", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Rester dans « Finance »" in french

    taken = client.post(f"{base}/signup/offer", data={"session_id": wanted.id, "answer": "take"}, headers=english)
    page = client.get(taken.location, headers=english).get_data(as_text=True)
    assert "You now have a seat in “CSR”" in page and "A seat is free for you" not in page
    confirmed, waiting = SignupStatus.confirmed, SignupStatus.waitlisted
    after = {(person.id, wanted.id, confirmed), (behind.id, held.id, confirmed), (behind.id, wanted.id, waiting)}
    assert _statuses(db) == after
    again = client.post(f"{base}/signup/offer", data={"session_id": wanted.id, "answer": "stay"}, follow_redirects=True)
    assert "No seat is offered to you in this session any more." in again.get_data(as_text=True)
    assert _statuses(db) == after  # the seat taken stays


def test_staying_where_seated_gives_the_held_seat_to_the_next(client, db, offered):
    base, held, wanted, person, behind = offered
    stayed = client.post(
        f"{base}/signup/offer", data={"session_id": wanted.id, "answer": "stay"}, follow_redirects=True
    )
    assert "You keep your seat; the seat in “CSR” goes to the next person." in stayed.get_data(as_text=True)
    confirmed, waiting = SignupStatus.confirmed, SignupStatus.waitlisted
    assert _statuses(db) == {
        (person.id, held.id, confirmed),
        (behind.id, held.id, waiting),
        (behind.id, wanted.id, confirmed),
    }


def test_an_offer_whose_overlapping_seat_was_given_back_names_no_clash(client, db, offered):
    base, held, wanted, person, behind = offered
    services.cancel_signup(person, held)
    db.session.commit()
    agenda = client.get(f"{base}/agenda", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "A seat has become free in “CSR”" in agenda and "overlaps with" not in agenda
    assert "Take the seat in “CSR”</button>" in agenda
    client.post(f"{base}/signup/offer", data={"session_id": wanted.id, "answer": "take"})
    assert (person.id, wanted.id, SignupStatus.confirmed) in _statuses(db)
