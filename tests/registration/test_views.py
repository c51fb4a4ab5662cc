"""Registration pages: the public form, the participant's link, the organisers' queue, exports."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from helpers import body_of
from openpyxl import load_workbook
from sqlalchemy.engine.default import CacheStats

from forum.audit import entries_for
from forum.badges.services import badge_code
from forum.exhibition import services as exhibition
from forum.registration import services
from forum.registration.models import Category, Gender, Organisation, OrganisationKind, Person, RegistrationStatus

Status = RegistrationStatus


def form_data(**overrides):
    data = {
        "name_ar": "خديجة أوحمان",
        "name_latin": "Khadija Ouahmane",
        "email": "khadija@example.ma",
        "phone": "0612345678",
        "organisation_id": "",
        "organisation_name": "جمعية واحة زيز",
        "organisation_kind": "association",
        "organisation_province": "errachidia",
        "organisation_area": "rural",
        "job_title": "Présidente",
        "category": "association",
        "gender": "female",
        "province": "errachidia",
        "area": "rural",
        "locale": "ar",
        "accessibility_needs": ["sign_language"],
        "consent": "y",
    }
    data.update(overrides)
    return data


def test_the_form_registers_and_normalises_the_phone(client, make_forum, mailbox):
    forum = make_forum()
    assert 'name="name_ar"' in client.get(f"/f/{forum.slug}/register").get_data(as_text=True)
    response = client.post(f"/f/{forum.slug}/register", data=form_data())
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/sent")
    registration = services.find(forum, "khadija@example.ma")
    assert registration.phone == "+212612345678"
    assert registration.organisation.name == "جمعية واحة زيز" and registration.job_title == "Présidente"
    assert registration.accessibility_needs == ["sign_language"] and not registration.shares_contact
    assert mailbox.wait_for(1)[0]["To"] == "khadija@example.ma"


def test_a_sign_up_runs_three_statements_built_once_the_lock_taken_by_the_last(client, db, make_forum, count_queries):
    forum = make_forum(capacity=2)
    page = f"/f/{forum.slug}/register"
    postgresql = client.application.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    client.post(page, data=form_data(email="first@example.ma"))  # it stores the consent wording
    compiled = []

    def note_compiling(conn, cursor, statement, parameters, context, executemany):
        if context.compiled is not None:
            compiled.append(context.cache_hit != CacheStats.CACHE_HIT)

    sa.event.listen(db.engine, "before_cursor_execute", note_compiling)
    badge_secrets = set()
    try:
        for email, status in (("second@example.ma", Status.pending), ("third@example.ma", Status.waitlisted)):
            compiled.clear()
            with count_queries() as counter:
                response = client.post(page, data=form_data(email=email, organisation_name=""))
            assert response.status_code == 302
            statements = [s for s in counter.statements if s != "BEGIN IMMEDIATE"]  # SQLite's write intent
            # the forum; what the sign-up needs to know, with the e-mail's person (SQLite: a statement of
            # its own); the registration, written with its place or on the waiting list
            assert len(statements) == (3 if postgresql else 4), statements
            assert not any(compiled)  # each statement compiled once, by the first sign-up
            deciding = statements[-1]
            assert "forum_full" in deciding and "INSERT INTO registration" in deciding
            if postgresql:
                assert "INSERT INTO person" in statements[1] and "FOR NO KEY UPDATE" in deciding  # until the commit
            registration = services.find(forum, email)
            assert registration.status == status and registration.holds_place == (status == Status.pending)
            assert registration.waitlisted_at is None if status == Status.pending else registration.waitlisted_at
            assert db.session.get(Person, registration.person_id).email == email
            badge_secrets.add(registration.badge_secret)  # the columns' own defaults, drawn for each row
            assert registration.badge_version == 1 and registration.updated_at is not None
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note_compiling)
    assert len(badge_secrets) == 2 and forum.places_taken == 2


def test_the_empty_form_follows_the_language_and_the_list_of_organisations(client, db, make_forum):
    forum = make_forum()
    page = client.get(f"/f/{forum.slug}/register", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Votre province" in page and '<option value="fr" selected>' in page
    assert "Cooperative Tafilalet" not in page
    page = client.get(f"/f/{forum.slug}/register", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<option value="ar" selected>' in page and "Votre province" not in page
    # Added elsewhere (another worker process, an organiser): the next visitor already sees it.
    db.session.add(Organisation(name="Cooperative Tafilalet", kind=OrganisationKind.cooperative, province="errachidia"))
    db.session.commit()
    page = client.get(f"/f/{forum.slug}/register", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Cooperative Tafilalet" in page
    # Each visitor gets their own CSRF token with the shared form.
    other = client.application.test_client()
    tokens = {
        re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', c.get(f"/f/{forum.slug}/register").text)[1]
        for c in (client, other)
    }
    assert len(tokens) == 2


def test_the_form_page_kept_for_visitors_shows_the_forum_as_it_is_now_and_each_visitors_own_state(
    app, client, db, make_forum, make_user, login
):
    forum = make_forum()
    url = f"/f/{forum.slug}/register"
    first = client.get(url).text
    assert forum.title["en"] in first and "· Errachidia</p>" in first and "Sign out" not in first
    forum.title = {**forum.title, "en": "Oasis forum"}
    forum.city = {**forum.city, "en": "Erfoud"}
    db.session.commit()
    page = client.get(url).text
    assert "Oasis forum" in page and "· Erfoud</p>" in page and "· Errachidia</p>" not in page
    # A message waiting for this visitor is shown once, with the form.
    with client.session_transaction() as kept:
        kept["_flashes"] = [("info", "Your link has expired.")]
    assert "Your link has expired." in client.get(url).text
    assert "Your link has expired." not in client.get(url).text
    # A signed-in visitor gets their own menu; the next visitor who is not signed in does not.
    login(make_user())
    assert "Sign out" in client.get(url).text
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "Sign out" not in other.get(url).text and "Oasis forum" in other.get(url).text


def test_an_organisation_is_picked_from_the_regions_list_only(client, db, make_forum):
    forum = make_forum()
    here = Organisation(name="Cooperative Tafilalet", kind=OrganisationKind.cooperative, province="errachidia")
    elsewhere = Organisation(name="Association Tanger", kind=OrganisationKind.association, province="tanger-assilah")
    db.session.add_all([here, elsewhere])
    db.session.commit()
    assert "Association Tanger" not in client.get(f"/f/{forum.slug}/register").get_data(as_text=True)
    for wrong in (str(elsewhere.id), "999999", "abc"):
        response = client.post(
            f"/f/{forum.slug}/register",
            data=form_data(organisation_id=wrong, organisation_name="", email="k@example.ma"),
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "Choose an organisation from the list." in page
        assert 'value="k@example.ma"' in page and "Cooperative Tafilalet" in page
    assert services.find(forum, "k@example.ma") is None
    response = client.post(
        f"/f/{forum.slug}/register", data=form_data(organisation_id=str(here.id), organisation_name="")
    )
    assert response.status_code == 302
    assert services.find(forum, "khadija@example.ma").organisation_id == here.id


def test_international_phone_forms_are_accepted(client, make_forum):
    forum = make_forum()
    client.post(f"/f/{forum.slug}/register", data=form_data(phone="00212 5 35 65 12 34", email="a@example.ma"))
    assert services.find(forum, "a@example.ma").phone == "+212535651234"


def test_bad_input_is_explained_next_to_each_field_in_french_and_kept(client, make_forum):
    forum = make_forum()
    data = form_data(name_ar="", name_latin="", phone="12", email="not-an-email", consent="")
    data["job_title"] = "Trésorière"
    response = client.post(f"/f/{forum.slug}/register", data=data, headers={"Accept-Language": "fr"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ce numéro de téléphone est invalide." in html
    assert 'id="phone-error"' in html and 'id="email-error"' in html and 'id="name_ar-error"' in html
    assert 'value="Trésorière"' in html and 'value="not-an-email"' in html
    assert "consent" in re.search(r'class="field checkbox has-error[^"]*">\s*<input[^>]*id="(\w+)"', html).group(1)
    assert services.find(forum, "not-an-email") is None


def test_names_must_be_in_their_script(client, make_forum):
    forum = make_forum()
    response = client.post(f"/f/{forum.slug}/register", data=form_data(name_ar="Khadija", name_latin="خديجة"))
    html = response.get_data(as_text=True)
    assert "Write this name in Arabic letters." in html and "Write this name in Latin letters." in html


def test_a_second_registration_with_the_same_email_is_refused_with_the_link_resent(client, make_forum, mailbox):
    forum = make_forum()
    client.post(f"/f/{forum.slug}/register", data=form_data())
    response = client.post(f"/f/{forum.slug}/register", data=form_data(email="KHADIJA@example.ma"))
    assert "already registered for this forum" in response.get_data(as_text=True)
    assert len(mailbox.wait_for(2)) == 2
    assert "/confirm/" not in body_of(mailbox.messages[1])


def test_closed_and_not_yet_open_pages_say_when(client, make_forum):
    now = datetime.now(UTC)
    soon = make_forum(registration_opens_at=now + timedelta(days=3))
    html = client.get(f"/f/{soon.slug}/register").get_data(as_text=True)
    assert "Registration opens on" in html and "name_ar" not in html
    past = make_forum(registration_opens_at=now - timedelta(days=9), registration_closes_at=now - timedelta(days=1))
    assert "Registration closed on" in client.get(f"/f/{past.slug}/register").get_data(as_text=True)
    assert client.post(f"/f/{past.slug}/register", data=form_data()).status_code == 200
    assert services.find(past, "khadija@example.ma") is None


def test_forum_page_links_to_the_form_while_open(client, make_forum):
    forum = make_forum()
    assert f"/f/{forum.slug}/register" in client.get(f"/f/{forum.slug}/").get_data(as_text=True)
    closed = make_forum(registration_closes_at=datetime.now(UTC) - timedelta(days=1))
    assert f"/f/{closed.slug}/register" not in client.get(f"/f/{closed.slug}/").get_data(as_text=True)


def test_registration_posts_are_rate_limited(client, make_forum):
    forum = make_forum()
    codes = [client.post(f"/f/{forum.slug}/register", data={"email": "x"}).status_code for _ in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429


def test_the_emailed_link_confirms_and_the_page_shows_the_status(client, make_forum, mailbox):
    forum = make_forum(capacity=1)
    client.post(f"/f/{forum.slug}/register", data=form_data(email="one@example.ma"))
    client.post(f"/f/{forum.slug}/register", data=form_data(email="two@example.ma"))
    first, second = mailbox.wait_for(2)
    link = re.search(r"http://localhost(/f/\S+/confirm/\S+)", body_of(first)).group(1)
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "your place is confirmed" in page.lower()
    link = re.search(r"http://localhost(/f/\S+/confirm/\S+)", body_of(second)).group(1)
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "waiting list, in position 1" in page


def test_a_participant_link_opens_only_its_own_registration(client, make_forum, make_registration):
    forum, other = make_forum(), make_forum()
    mine = make_registration(forum)
    theirs = make_registration(other)
    assert mine.email in client.get(f"/f/{forum.slug}/me/{mine.access_key}/").get_data(as_text=True)
    assert client.get(f"/f/{forum.slug}/me/{theirs.access_key}/").status_code == 404
    assert client.post(f"/f/{forum.slug}/me/{theirs.access_key}/cancel").status_code == 404


def test_participant_edits_and_cancels(client, make_forum, make_registration):
    forum = make_forum()
    registration = make_registration(forum)
    base = f"/f/{forum.slug}/me/{registration.access_key}"
    assert registration.name_latin in client.get(f"{base}/edit").get_data(as_text=True)
    data = form_data(phone="+212 661-234567", name_latin="Fatima Alaoui", province=registration.province)
    assert client.post(f"{base}/edit", data=data).status_code == 302
    assert registration.phone == "+212661234567" and registration.name_latin == "Fatima Alaoui"
    assert client.post(f"{base}/cancel").status_code == 302
    assert registration.status == Status.cancelled
    assert "This registration is cancelled." in client.get(f"{base}/").get_data(as_text=True)


def test_only_organisers_open_the_queue(as_role, make_forum):
    client, forum, _ = as_role("checkin_agent")
    assert client.get(f"/f/{forum.slug}/manage/registration/").status_code == 403
    assert client.get(f"/f/{forum.slug}/manage/registration/export.csv").status_code == 403


def test_queue_filters_search_and_shows_the_balance_move(as_role, make_registration, count_queries):
    client, forum, _ = as_role("organiser")
    for n in range(12):
        make_registration(forum, status=Status.pending, name_latin=f"Person {n}", gender=Gender.male)
    make_registration(forum, status=Status.pending, name_latin="Itto Amghar", province="midelt")
    make_registration(forum, status=Status.confirmed, name_latin="Said Filali")
    with count_queries() as counter:
        html = client.get(f"/f/{forum.slug}/manage/registration/").get_data(as_text=True)
    assert counter.count < 20
    assert "Itto Amghar" in html and 'Women <span dir="ltr">100% → 50%</span>' in html
    html = client.get(f"/f/{forum.slug}/manage/registration/?province=midelt").get_data(as_text=True)
    assert "Itto Amghar" in html and "Person 1" not in html
    html = client.get(f"/f/{forum.slug}/manage/registration/?q=filali&status=confirmed").get_data(as_text=True)
    assert "Said Filali" in html and "Itto Amghar" not in html


def test_organiser_approves_rejects_and_bulk_decides(as_role, make_registration, db, mailbox):
    client, forum, organiser = as_role("organiser")
    forum.capacity = 2
    db.session.commit()
    people = [make_registration(forum, status=Status.pending, locale="en") for _ in range(4)]
    response = client.post(f"/f/{forum.slug}/manage/registration/{people[0].id}/approve")
    assert response.status_code == 302 and people[0].status == Status.confirmed
    client.post(f"/f/{forum.slug}/manage/registration/{people[1].id}/reject", data={"reason": "Not from the region"})
    assert people[1].status == Status.rejected and people[1].decided_by_id == organiser.id
    assert any("Not from the region" in body_of(m) for m in mailbox.wait_for(2))
    response = client.post(
        f"/f/{forum.slug}/manage/registration/bulk",
        data={"action": "approve", "ids": [str(people[2].id), str(people[3].id)]},
        follow_redirects=True,
    )
    assert [people[2].status, people[3].status] == [Status.confirmed, Status.waitlisted]
    assert "Done for 2 registrations" in response.get_data(as_text=True)
    detail = client.get(f"/f/{forum.slug}/manage/registration/{people[1].id}").get_data(as_text=True)
    assert "Rejected: <q>Not from the region</q>" in detail and organiser.name in detail
    detail = client.get(f"/f/{forum.slug}/manage/registration/{people[3].id}", headers={"Accept-Language": "fr"})
    assert "Approuvé (le forum était complet : liste d’attente)" in detail.get_data(as_text=True)


def test_exports_keep_arabic_for_excel(as_role, make_registration):
    client, forum, _ = as_role("organiser")
    make_registration(forum, name_ar="يطو أمغار", category=Category.cooperative)
    make_registration(forum, name_ar="محمد الدرعي", category=Category.expert)
    response = client.get(f"/f/{forum.slug}/manage/registration/export.csv?category=cooperative")
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert "يطو أمغار" in text and "محمد الدرعي" not in text
    response = client.get(f"/f/{forum.slug}/manage/registration/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"يطو أمغار", "محمد الدرعي"}


def test_settings_are_saved_with_quotas(as_role):
    client, forum, _ = as_role("organiser")
    data = {
        "approval": "manual",
        "waitlist": "promote",
        "offer_hold_hours": "24",
        "confirmation_hours": "72",
        "min_women_percent": "40",
        "category_quotas-private_sector": "20",
        "province_quotas-midelt": "50",
    }
    assert client.post(f"/f/{forum.slug}/manage/registration/settings", data=data).status_code == 302
    settings = services.settings_for(forum)
    assert settings.approval.value == "manual" and settings.waitlist.value == "promote"
    assert settings.category_quotas == {"private_sector": 20} and settings.province_quotas == {"midelt": 50}
    assert not settings.reapprove_on_edit and settings.min_women_percent == 40
    html = client.get(f"/f/{forum.slug}/manage/registration/settings").get_data(as_text=True)
    assert 'name="province_quotas-midelt"' in html and 'value="50"' in html


def test_dashboard_shows_the_live_balance(as_role, make_registration):
    client, forum, _ = as_role("organiser")
    make_registration(forum, gender=Gender.female)
    make_registration(forum, gender=Gender.male, status=Status.waitlisted)
    html = client.get(f"/f/{forum.slug}/manage/").get_data(as_text=True)
    assert "Among confirmed participants" in html and 'data-poll="' in html
    fragment = client.get(f"/f/{forum.slug}/manage/registration/balance").get_data(as_text=True)
    assert re.search(r'data-count="confirmed">\s*1<', fragment)
    assert re.search(r'data-count="waitlisted">\s*1<', fragment)


def test_the_form_needs_its_csrf_token(app, client, make_forum):
    forum = make_forum()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(f"/f/{forum.slug}/register", data=form_data())
        created_without_token = services.find(forum, "khadija@example.ma")
        page = client.get(f"/f/{forum.slug}/register").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        accepted = client.post(f"/f/{forum.slug}/register", data={**form_data(), "csrf_token": token})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400 and created_without_token is None
    assert accepted.status_code == 302 and services.find(forum, "khadija@example.ma") is not None


def test_a_speaker_can_edit_without_losing_the_category_given_by_organisers(client, make_forum, make_registration):
    forum = make_forum()
    speaker = make_registration(forum, category=Category.speaker)
    data = form_data(category="speaker", province=speaker.province)
    response = client.post(f"/f/{forum.slug}/me/{speaker.access_key}/edit", data=data)
    assert response.status_code == 302 and speaker.category == Category.speaker


def test_an_organiser_corrects_a_registration_which_keeps_its_place_and_is_audited(
    as_role, make_registration, db, make_user, login
):
    client, forum, organiser = as_role("organiser")
    elsewhere = Organisation(name="Association Tanger", kind=OrganisationKind.association, province="tanger-assilah")
    db.session.add(elsewhere)
    db.session.commit()
    person = make_registration(forum, organisation_id=elsewhere.id, shares_contact=True)
    page = client.get(f"/f/{forum.slug}/manage/registration/{person.id}/edit").get_data(as_text=True)
    assert person.name_latin in page and f'<option value="{elsewhere.id}" selected>' in page
    assert 'value="speaker"' in page and "shares_contact" not in page
    data = form_data(
        name_latin="Fatima Zahra Alaoui",
        email="ignored@example.ma",
        organisation_id=str(elsewhere.id),
        organisation_name="",
        category="speaker",
    )
    response = client.post(f"/f/{forum.slug}/manage/registration/{person.id}/edit", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/registration/{person.id}")
    db.session.expire_all()
    person = db.session.get(type(person), person.id)
    assert person.name_latin == "Fatima Zahra Alaoui" and person.category == Category.speaker
    assert person.email.startswith("participant") and person.shares_contact
    assert person.status == Status.confirmed and person.organisation_id == elsewhere.id
    entry = entries_for(forum, target=f"registration:{person.id}")[0]
    assert entry.action == "registration.organiser_update" and entry.actor_id == organiser.id
    assert entry.data["changed"] == "category"
    # Bad input: the message next to the field, the answers kept, nothing saved.
    response = client.post(
        f"/f/{forum.slug}/manage/registration/{person.id}/edit", data={**data, "phone": "12", "name_latin": "Fatima Z"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "This is not a valid phone number." in page and 'value="Fatima Z"' in page
    db.session.expire_all()
    assert db.session.get(type(person), person.id).name_latin == "Fatima Zahra Alaoui"


def test_only_the_forums_organisers_correct_its_registrations(as_role, make_forum, make_registration, db):
    forum = make_forum()
    person = make_registration(forum)
    path = f"/f/{forum.slug}/manage/registration/{person.id}/edit"
    for role, forum_of_role in (("checkin_agent", forum), ("organiser", make_forum()), (None, forum)):
        client, _, _ = as_role(role, forum=forum_of_role)
        assert client.get(path).status_code == 403
        assert client.post(path, data=form_data(name_latin="Someone Else")).status_code == 403
        client.post("/logout")
    assert client.get(path).status_code == 302  # signed out: to the login page
    other_client, other_forum, _ = as_role("organiser")
    # Another forum's organiser cannot reach it through their own forum's address either.
    assert other_client.get(f"/f/{other_forum.slug}/manage/registration/{person.id}/edit").status_code == 404
    db.session.expire_all()
    assert db.session.get(type(person), person.id).name_latin != "Someone Else"


def test_a_correction_that_would_break_a_quota_is_refused(as_role, make_registration, db):
    client, forum, _ = as_role("organiser")
    services.save_settings(forum, {"category_quotas": {"expert": 1}}, actor=None)
    db.session.commit()
    make_registration(forum, category=Category.expert)
    person = make_registration(forum)
    waiting = make_registration(forum, status=Status.waitlisted)
    data = form_data(organisation_name="", category="expert")
    response = client.post(f"/f/{forum.slug}/manage/registration/{person.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The quota for this category (1) is reached." in page
    db.session.expire_all()
    assert db.session.get(type(person), person.id).category == Category.association
    # Someone without a place may be put in that category: it takes no place.
    response = client.post(f"/f/{forum.slug}/manage/registration/{waiting.id}/edit", data=data)
    assert response.status_code == 302
    assert services.places_left(forum) == forum.capacity - 2


def test_an_organiser_registers_a_guest_who_is_confirmed_and_gets_their_link_and_badge(as_role, db, mailbox):
    client, forum, organiser = as_role("organiser")
    page = client.get(f"/f/{forum.slug}/manage/registration/").get_data(as_text=True)
    assert f'href="/f/{forum.slug}/manage/registration/new"' in page
    page = client.get(f"/f/{forum.slug}/manage/registration/new").get_data(as_text=True)
    assert 'value="media"' in page and 'value="organiser"' in page
    [box] = re.findall(r'<input[^>]*name="shares_contact"[^>]*>', page)
    assert "checked" not in box  # unticked unless the organiser says the person agreed
    data = form_data(email="Journaliste@Presse.ma", phone="", category="media", locale="fr", consent="y")
    response = client.post(f"/f/{forum.slug}/manage/registration/new", data=data)
    assert response.status_code == 302
    guest = services.find(forum, "journaliste@presse.ma")
    assert response.headers["Location"].endswith(f"/manage/registration/{guest.id}")
    assert guest.status == Status.confirmed and guest.category == Category.media and guest.phone is None
    assert guest.decided_by_id == organiser.id and guest.consent_at is not None and not guest.shares_contact
    assert guest.organisation.name == "جمعية واحة زيز"
    entry = entries_for(forum, target=f"registration:{guest.id}")[0]
    assert entry.action == "registration.add" and entry.actor_id == organiser.id
    texts = [body_of(m) for m in mailbox.wait_for(2) if m["To"] == "journaliste@presse.ma"]
    assert len(texts) == 2 and any("badge" in text for text in texts)
    assert any(f"/f/{forum.slug}/me/{guest.access_key}/" in text for text in texts)


def test_an_organiser_records_the_persons_consent_to_share_contact_and_a_scan_respects_it(as_role, db, make_exhibitor):
    client, forum, _ = as_role("organiser")
    page = client.get(f"/f/{forum.slug}/manage/registration/new", headers={"Accept-Language": "fr"})
    assert "Ne cochez que si elle l’a dit." in page.get_data(as_text=True)
    agreed = form_data(email="agreed@example.ma", shares_contact="y")
    assert client.post(f"/f/{forum.slug}/manage/registration/new", data=agreed).status_code == 302
    client.post(f"/f/{forum.slug}/manage/registration/new", data=form_data(email="silent@example.ma"))
    agreed, silent = services.find(forum, "agreed@example.ma"), services.find(forum, "silent@example.ma")
    assert agreed.shares_contact and not silent.shares_contact
    exhibitor = make_exhibitor(forum)
    scanner = exhibitor.staff[0].user
    assert exhibition.record_lead(exhibitor, badge_code(agreed), actor=scanner).is_new
    with pytest.raises(exhibition.NoConsent):
        exhibition.record_lead(exhibitor, badge_code(silent), actor=scanner)


def test_registering_a_person_explains_bad_input_and_keeps_it(as_role, db, make_registration):
    client, forum, _ = as_role("organiser")
    data = form_data(email="not-an-address", consent="", name_latin="Karim Idrissi", phone="12")
    page = client.post(f"/f/{forum.slug}/manage/registration/new", data=data).get_data(as_text=True)
    assert "This is not a valid e-mail address." in page and "This is not a valid phone number." in page
    assert "Registering a person needs their agreement to the processing of their data." in page
    assert 'value="Karim Idrissi"' in page and 'value="not-an-address"' in page
    assert services.find(forum, "not-an-address") is None
    # An e-mail registered here already: said next to the field, with the way to that registration.
    taken = make_registration(forum)
    page = client.post(f"/f/{forum.slug}/manage/registration/new", data=form_data(email=taken.email)).get_data(
        as_text=True
    )
    assert f"{taken.email} is already registered at this forum." in page
    assert f'href="/f/{forum.slug}/manage/registration/{taken.id}"' in page


def test_registering_a_person_never_exceeds_the_capacity(as_role, db, make_forum, make_registration):
    forum = make_forum(capacity=1)
    make_registration(forum)
    client, _, _ = as_role("organiser", forum=forum)
    page = client.post(f"/f/{forum.slug}/manage/registration/new", data=form_data()).get_data(as_text=True)
    assert "The forum is full: free a place or raise its capacity first." in page and 'value="Khadija Ouahmane"' in page
    assert services.find(forum, "khadija@example.ma") is None and services.places_taken(forum) == 1


def test_only_the_forums_organisers_register_a_person(as_role, make_forum, db):
    forum = make_forum()
    path = f"/f/{forum.slug}/manage/registration/new"
    for role, forum_of_role in (("checkin_agent", forum), ("organiser", make_forum()), ("rapporteur", forum)):
        client, _, _ = as_role(role, forum=forum_of_role)
        assert client.get(path).status_code == 403
        assert client.post(path, data=form_data()).status_code == 403
    assert services.find(forum, "khadija@example.ma") is None


def test_an_organiser_sends_a_persons_email_again(as_role, make_registration, make_forum, db, mailbox, client):
    organiser_client, forum, organiser = as_role("organiser")
    unconfirmed = make_registration(forum, status=Status.pending, email_confirmed_at=None, locale="en")
    confirmed = make_registration(forum, locale="en")
    page = organiser_client.get(f"/f/{forum.slug}/manage/registration/{unconfirmed.id}").get_data(as_text=True)
    assert "Send the confirmation e-mail again" in page
    response = organiser_client.post(f"/f/{forum.slug}/manage/registration/{unconfirmed.id}/resend")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/registration/{unconfirmed.id}")
    link = re.search(r"http://localhost(/f/\S+/confirm/\S+)", body_of(mailbox.wait_for(1)[0])).group(1)
    assert "your place is confirmed" in client.get(link, follow_redirects=True).get_data(as_text=True).lower()
    organiser_client.post(f"/f/{forum.slug}/manage/registration/{confirmed.id}/resend")
    mail = next(m for m in mailbox.wait_for(3) if m["To"] == confirmed.email)
    assert f"/f/{forum.slug}/me/{confirmed.access_key}/" in body_of(mail) and "/confirm/" not in body_of(mail)
    detail = organiser_client.get(f"/f/{forum.slug}/manage/registration/{confirmed.id}").get_data(as_text=True)
    assert "E-mail sent again by an organiser" in detail and organiser.name in detail
    # Only this forum's organisers, and only for this forum's registrations.
    sent = len(mailbox.wait_for(4))
    other_client, other_forum, _ = as_role("organiser")
    assert other_client.post(f"/f/{other_forum.slug}/manage/registration/{confirmed.id}/resend").status_code == 404
    agent_client, _, _ = as_role("checkin_agent", forum=forum)
    assert agent_client.post(f"/f/{forum.slug}/manage/registration/{confirmed.id}/resend").status_code == 403
    assert len(mailbox.messages) == sent


def test_minimum_shares_per_category_are_saved_and_shown_met_or_below(as_role, make_registration):
    client, forum, _ = as_role("organiser")
    url = f"/f/{forum.slug}/manage/registration/settings"
    base = {"approval": "automatic", "waitlist": "offer", "offer_hold_hours": "48", "confirmation_hours": "48"}
    refused = client.post(url, data={**base, "category_minimums-private_sector": "150"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "A minimum share is a percentage between 0 and 100." in html
    assert 'name="category_minimums-private_sector"' in html and 'value="150"' in html
    too_much = {**base, "category_minimums-private_sector": "60", "category_minimums-expert": "50"}
    html = client.post(url, data=too_much).get_data(as_text=True)
    assert "add up to more than 100%" in html and not services.settings_for(forum).category_minimums
    good = {**base, "category_minimums-private_sector": "15", "category_minimums-cooperative": "10"}
    assert client.post(url, data=good).status_code == 302
    assert services.settings_for(forum).category_minimums == {"private_sector": 15, "cooperative": 10}
    assert 'value="15"' in client.get(url).get_data(as_text=True)
    make_registration(forum, category=Category.private_sector)
    for _ in range(3):
        make_registration(forum, category=Category.expert)
    fragment = client.get(f"/f/{forum.slug}/manage/registration/balance").get_data(as_text=True)
    rows = dict(re.findall(r'data-target="(\w+)">(.*?)</tr>', fragment, re.S))
    assert "met" in rows["private_sector"] and "below target" not in rows["private_sector"]  # 1 in 4: 25%
    assert "below target" in rows["cooperative"]  # none of 4
    dashboard = client.get(f"/f/{forum.slug}/manage/").get_data(as_text=True)
    assert "Minimum shares per category" in dashboard and "below target" in dashboard
