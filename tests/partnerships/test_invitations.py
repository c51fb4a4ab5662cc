"""Invitation campaigns: import, mails in the invitee's language, statuses, reminders, access."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from helpers import body_of

from forum.partnerships.models import Invitation
from forum.partnerships.services import invitations

CSV = (
    "name,email,organisation,sector,language\n"
    "Karim Alaoui,karim@agri.ma,Agri Sud,private_sector,ar\n"
    "Claire Martin,claire@fondation.org,Fondation Atlas,donor,fr\n"
)


def _upload(client, forum, text: str):
    data = {"file": (io.BytesIO(text.encode()), "invitees.csv")}
    return client.post(f"/f/{forum.slug}/manage/meetings/invitations/import", data=data, follow_redirects=True)


def _link(message, kind: str) -> str:
    link = re.search(rf"https?://\S+/invited/\S+{'/decline' if kind == 'decline' else ''}\b", body_of(message))
    return "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]


def test_an_import_with_bad_rows_is_refused_whole_with_each_line_named(as_role, db):
    client, forum, _ = as_role("organiser")
    bad = CSV + "No mail,not-an-email,X,donor,fr\nSomeone,s@x.ma,Y,donor,de\n"
    html = _upload(client, forum, bad).get_data(as_text=True)
    assert "Line 4: a value is missing or not valid." in html and "Line 5:" in html
    assert invitations.invitations_of(forum) == []
    html = _upload(client, forum, "name,email\nA,a@b.ma\n").get_data(as_text=True)
    assert "The file lacks the columns: organisation, sector, language." in html
    html = _upload(client, forum, CSV).get_data(as_text=True)
    assert "2 invitations added." in html and "claire@fondation.org" in html
    assert "1 invitation added." in _upload(client, forum, CSV + "New,new@x.ma,,,en\n").get_data(as_text=True)


def test_invitations_go_in_the_persons_language_and_follow_opened_registered_declined(as_role, db, mailbox):
    client, forum, _ = as_role("organiser")
    _upload(client, forum, CSV)
    client.post(f"/f/{forum.slug}/manage/meetings/invitations/send")
    messages = {m["To"]: m for m in mailbox.wait_for(2)}
    arabic, french = messages["karim@agri.ma"], messages["claire@fondation.org"]
    assert "المنتدى الجهوي" in arabic["Subject"] or "المنتدى الجهوي" in body_of(arabic)
    assert "التمويلات البديلة" in body_of(arabic) and "Financements alternatifs" in body_of(french)
    assert "Forum régional" in body_of(french)
    client.post("/logout")
    page = client.get(_link(arabic, "register"), follow_redirects=True).get_data(as_text=True)
    assert 'value="karim@agri.ma"' in page and 'value="Agri Sud"' in page
    assert re.search(r'value="private_sector"[^>]*selected|selected[^>]*value="private_sector"', page)
    decline_page = client.get(_link(french, "decline"))
    assert decline_page.status_code == 200
    client.post(_link(french, "decline"))
    karim = db.session.scalar(db.select(Invitation).filter_by(email="karim@agri.ma"))
    claire = db.session.scalar(db.select(Invitation).filter_by(email="claire@fondation.org"))
    assert karim.status == "opened" and claire.status == "declined"
    assert client.get(_link(french, "decline")[:-12] + "x/decline").status_code == 404  # an altered link


def test_a_registration_with_the_invited_email_marks_it_registered_and_reminders_skip_it(
    as_role, db, mailbox, make_registration
):
    client, forum, _ = as_role("organiser")
    _upload(client, forum, CSV)
    sent = datetime(2026, 12, 1, 9, tzinfo=UTC)
    invitations.send_invitations(forum, now=sent)
    db.session.commit()
    mailbox.wait_for(2)
    mailbox.clear()
    make_registration(forum, email="karim@agri.ma")
    html = client.get(f"/f/{forum.slug}/manage/meetings/invitations/").get_data(as_text=True)
    assert re.search(r'data-invitation="karim@agri.ma">.*?data-status="registered"', html, re.S)
    assert invitations.send_reminders(forum, now=sent + timedelta(hours=2)) == 0  # the same day
    later = sent + timedelta(days=3)
    assert invitations.send_reminders(forum, now=later) == 1
    db.session.commit()
    assert invitations.send_reminders(forum, now=later + timedelta(hours=1)) == 0  # never twice a day
    (reminder,) = mailbox.wait_for(1)
    assert reminder["To"] == "claire@fondation.org" and "pas encore" in body_of(reminder)


def test_only_organisers_reach_the_pages_and_another_forums_invitation_is_unknown(as_role, make_forum, db):
    client, forum, _ = as_role("organiser")
    _upload(client, forum, CSV)
    invitation = invitations.invitations_of(forum)[0]
    other = make_forum()
    assert client.get(f"/f/{other.slug}/invited/{invitations.token(invitation)}").status_code == 404
    assert client.get(f"/f/{other.slug}/manage/meetings/invitations/").status_code in (302, 403)
    moderator, _, _ = as_role("rapporteur", forum=forum)
    assert moderator.get(f"/f/{forum.slug}/manage/meetings/invitations/").status_code in (302, 403)
    assert moderator.post(f"/f/{forum.slug}/manage/meetings/invitations/send").status_code in (302, 403)
    assert invitations.invitations_of(forum)[0].sent_at is None


def test_the_invitation_is_in_the_persons_export_and_goes_with_the_erasure(as_role, db, make_registration):
    from forum.privacy import services as privacy
    from forum.privacy.services.export import personal_sections

    client, forum, _ = as_role("organiser")
    _upload(client, forum, CSV)
    karim = make_registration(forum, email="karim@agri.ma")
    section = next(s for s in personal_sections(karim) if s.key == "partnerships")
    assert "Agri Sud" in str(section.records)
    privacy.erase(karim, reason="request")
    db.session.commit()
    assert [i.email for i in invitations.invitations_of(forum)] == ["claire@fondation.org"]
