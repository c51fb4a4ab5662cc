"""Badge pages: the participant's PNG, print batches with progress and download, reissue, the e-mail,
printing on the spot at the desk."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import sqlalchemy as sa
from badge_checks import decode_all, pdf_pages
from helpers import body_of
from PIL import Image

from forum import hooks
from forum.badges.models import BadgePrint, PrintBatch
from forum.badges.services import badge_code, read_badge_code, registrations_to_print
from forum.registration.models import Category, RegistrationStatus


def test_a_confirmed_participant_gets_their_badge_png(client, make_forum, make_registration, verify_badge):
    forum = make_forum()
    registration = make_registration(forum)
    response = client.get(f"/f/{forum.slug}/me/{registration.access_key}/badge.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    verify_badge(Image.open(io.BytesIO(response.data)), registration)
    pending = make_registration(forum, status=RegistrationStatus.pending)
    assert client.get(f"/f/{forum.slug}/me/{pending.access_key}/badge.png").status_code == 403
    assert client.get(f"/f/{forum.slug}/me/not-a-key/badge.png").status_code == 404


def test_the_badge_link_is_offered_to_confirmed_participants_only(app, make_forum, make_registration):
    forum = make_forum()
    with app.test_request_context():
        links = hooks.registration_links.collect(make_registration(forum))
        assert any(link.url.endswith("/badge.png") for link in links)
        pending = make_registration(forum, status=RegistrationStatus.pending)
        assert not any(link.url.endswith("/badge.png") for link in hooks.registration_links.collect(pending))


@pytest.mark.parametrize(
    ("locale", "subject", "sentence", "direction"),
    [
        ("ar", "شارتك لـ المنتدى الجهوي", "شارتك مرفقة بهذه الرسالة", "rtl"),
        ("fr", "Votre badge pour Forum régional", "Votre badge est joint à ce message", "ltr"),
    ],
)
def test_confirmation_sends_the_badge_in_the_persons_language(
    app, db, client, mailbox, make_forum, make_registration, verify_badge, locale, subject, sentence, direction
):
    forum = make_forum()
    registration = make_registration(forum, locale=locale)
    with app.test_request_context(base_url="http://multaqa.test"):
        for hook in hooks.registration_confirmed:
            hook(registration)
        db.session.commit()
    message = mailbox.wait_for(1)[0]
    assert message["To"] == registration.email and message["Content-Language"] == locale
    assert message["Subject"].startswith(subject) and forum.title[locale] in message["Subject"]
    assert message["From"].addresses[0].addr_spec == "no-reply@multaqa.local"
    html = body_of(message, "html")
    assert f'lang="{locale}" dir="{direction}"' in html and sentence in html
    # The badge itself, attached: the person has it even offline.
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "image/png" and attachment.get_filename() == f"badge-{forum.slug}.png"
    verify_badge(Image.open(io.BytesIO(attachment.get_content())), registration)
    # And the link, which opens the same badge.
    text = body_of(message)
    assert forum.title[locale] in text and sentence in text
    link = next(line for line in text.splitlines() if line.startswith("http://multaqa.test/"))
    png = client.get(link.removeprefix("http://multaqa.test"))
    assert read_badge_code(decode_all(Image.open(io.BytesIO(png.data)))[0], forum_id=forum.id) == registration


def test_a_print_batch_builds_a_pdf_with_progress_and_marks_the_set_printed(db, as_role, make_registration, tmp_path):
    client, forum, _user = as_role("organiser")
    people = [make_registration(forum) for _ in range(5)]
    make_registration(forum, status=RegistrationStatus.pending)
    response = client.post(f"/f/{forum.slug}/manage/badges/", data={"selection": "unprinted", "layout": "a4"})
    assert response.status_code == 302
    batch = db.session.scalar(sa.select(PrintBatch))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<progress" in page and "data-poll=" in page
    progress = client.get(f"/f/{forum.slug}/manage/badges/batches/{batch.id}/progress").get_data(as_text=True)
    assert 'value="100"' in progress and "data-poll-stop" in progress
    pdf = client.get(f"/f/{forum.slug}/manage/badges/batches/{batch.id}/badges.pdf")
    assert pdf.mimetype == "application/pdf" and len(pdf.data) <= 100_000 * len(people)
    (tmp_path / "b.pdf").write_bytes(pdf.data)
    subprocess.run(
        [shutil.which("pdftoppm"), "-r", "150", "-gray", "-png", str(tmp_path / "b.pdf"), str(tmp_path / "p")]
    )
    codes = [code for page in sorted(tmp_path.glob("p*.png")) for code in decode_all(Image.open(page))]
    assert sorted(codes) == sorted(badge_code(p) for p in people)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(BadgePrint.id))) == 5
    assert registrations_to_print(forum.id, "unprinted") == []
    again = client.post(f"/f/{forum.slug}/manage/badges/", data={"selection": "unprinted", "layout": "a6"})
    assert again.status_code == 200 and "No confirmed registration matches" in again.get_data(as_text=True)


def test_print_sets_by_category_and_by_list(make_forum, make_registration):
    forum = make_forum()
    speaker = make_registration(forum, category=Category.speaker)
    other = make_registration(forum)
    assert registrations_to_print(forum.id, "category", category="speaker") == [speaker]
    assert registrations_to_print(forum.id, "listed", emails=[other.email.upper(), "nobody@x.ma"]) == [other]
    assert len(registrations_to_print(forum.id, "confirmed")) == 2


def test_reissue_makes_the_old_badge_unprinted_and_invalid(db, as_role, make_registration):
    client, forum, _user = as_role("organiser")
    person = make_registration(forum)
    old = badge_code(person)
    client.post(f"/f/{forum.slug}/manage/badges/", data={"selection": "confirmed", "layout": "a6"})
    assert registrations_to_print(forum.id, "unprinted") == []
    client.post(f"/f/{forum.slug}/manage/badges/reissue", data={"email": person.email})
    db.session.rollback()
    assert registrations_to_print(forum.id, "unprinted") == [person]
    assert badge_code(person) != old


def test_an_agent_prints_a_badge_on_the_spot(db, as_role, make_registration, verify_badge, tmp_path):
    client, forum, _user = as_role("checkin_agent")
    person = make_registration(forum)
    response = client.post(f"/f/{forum.slug}/checkin/badge/{person.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    # One A6 page, which the printer takes at its exact size, showing this person's badge.
    [(size, picture)] = pdf_pages(response.data, tmp_path)
    assert size == (105, 148)
    verify_badge(picture, person)
    db.session.rollback()
    assert db.session.scalar(sa.select(BadgePrint.badge_version)) == person.badge_version
