"""Bad input never reaches a server error: control characters, ids too large, the database's refusals."""

from __future__ import annotations

import sqlalchemy as sa

from forum.registration.models import Registration

SIGNUP = {
    "name_ar": "خديجة\x00 أوحمان",
    "name_latin": "Khadija\x00 Ouahmane\x07",
    "email": "khadija@example.ma",
    "phone": "0612345678",
    "organisation_id": "",
    "organisation_name": "جمعية\x1b واحة زيز",
    "organisation_kind": "association",
    "organisation_province": "errachidia",
    "organisation_area": "rural",
    "job_title": "Présidente\x00",
    "category": "association",
    "gender": "female",
    "province": "errachidia",
    "area": "rural",
    "locale": "ar",
    "consent": "y",
}


def test_control_characters_are_removed_from_a_public_form_and_the_person_is_told(client, db, make_forum):
    forum = make_forum()
    response = client.post(f"/f/{forum.slug}/register", data=SIGNUP, headers={"Accept-Language": "en"})
    assert response.status_code == 302
    registration = db.session.scalar(sa.select(Registration).where(Registration.forum_id == forum.id))
    assert registration.name_latin == "Khadija Ouahmane" and registration.name_ar == "خديجة أوحمان"
    assert registration.job_title == "Présidente" and registration.organisation.name == "جمعية واحة زيز"
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).text
    assert "Invisible control characters were removed" in page


def test_a_form_sent_back_with_an_error_keeps_the_rest_of_the_text(client, make_forum):
    forum = make_forum()
    page = client.post(
        f"/f/{forum.slug}/register", data={**SIGNUP, "email": "not an e-mail\x00"}, headers={"Accept-Language": "en"}
    )
    assert page.status_code == 200
    assert 'value="Khadija Ouahmane"' in page.text and "Invisible control characters were removed" in page.text


def test_json_strings_and_query_arguments_are_cleaned(app):
    with app.test_request_context("/?q=a%00b%7F", method="POST", json={"k\x00": ["x\x00y", {"z": "\ud800w"}]}):
        from flask import request

        assert request.args["q"] == "ab"
        assert request.get_json() == {"k": ["xy", {"z": "w"}]}


def test_addresses_with_control_characters_or_ids_too_large_are_not_found(client, make_forum, as_role):
    forum = make_forum()
    assert client.get("/f/%00/").status_code == 404
    assert client.get(f"/f/{forum.slug}/me/abc%00def/").status_code == 404
    signed_in, forum, _user = as_role("organiser", forum)
    assert signed_in.get(f"/f/{forum.slug}/manage/registration/{2**31}").status_code == 404
    assert signed_in.get(f"/f/{forum.slug}/manage/registration/{10**30}").status_code == 404


def test_a_value_the_database_cannot_hold_is_a_bad_request_with_a_reason(as_role):
    signed_in, forum, _user = as_role("organiser")
    data = {"booth_id": str(10**30), "exhibitor_id": "1"}
    response = signed_in.post(f"/f/{forum.slug}/manage/exhibition/assign", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "outside what can be stored" in response.text
