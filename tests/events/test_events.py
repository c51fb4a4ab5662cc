"""The forum series: public pages, editing, team appointments, dashboard, demo data."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import sqlalchemy as sa
from helpers import body_of
from PIL import Image

from forum.audit import AuditEntry
from forum.auth.models import Membership, Role
from forum.events.models import Forum, ForumStatus
from forum.registration.models import Registration


def test_home_lists_upcoming_and_past_forums_but_not_drafts(client, make_forum):
    today = date.today()
    make_forum(title={"en": "Coming soon forum"})
    make_forum(
        title={"en": "Old forum"},
        starts_on=today - timedelta(days=300),
        ends_on=today - timedelta(days=299),
        status=ForumStatus.archived,
    )
    make_forum(title={"en": "Secret draft"}, status=ForumStatus.draft)
    html = client.get("/").get_data(as_text=True)
    upcoming, past = html.split("Past forums")
    assert "Coming soon forum" in upcoming and "Old forum" in past
    assert "Secret draft" not in html


def test_forum_page_shows_theme_dates_and_region(client, make_forum):
    forum = make_forum(starts_on=date(2027, 2, 13), ends_on=date(2027, 2, 14))
    html = client.get(f"/f/{forum.slug}/").get_data(as_text=True)
    assert "Alternative financing" in html
    assert "February 13, 2027" in html or "13 February 2027" in html
    assert "Drâa-Tafilalet" in html or "Draa-Tafilalet" in html
    assert "Registration open" not in html  # the card badge is for the list; the page says "Open until"
    assert "Open until" in html


def test_draft_forum_is_hidden_from_the_public_but_not_from_its_team(client, as_role, make_forum):
    forum = make_forum(status=ForumStatus.draft)
    assert client.get(f"/f/{forum.slug}/").status_code == 404
    organiser_client, _, _ = as_role(Role.organiser, forum=forum)
    assert organiser_client.get(f"/f/{forum.slug}/").status_code == 200


def test_unknown_forum_is_404(client):
    assert client.get("/f/no-such-forum/").status_code == 404


FORM = {
    "title-ar": "المنتدى الجهوي السابع",
    "title-fr": "7e Forum régional",
    "slug": "souss-massa-2027",
    "edition": "7",
    "region": "souss-massa",
    "city-ar": "أكادير",
    "city-fr": "Agadir",
    "city-en": "",
    "starts_on": "2027-02-19",
    "ends_on": "2027-02-20",
    "registration_opens_at": "2026-12-01T09:00",
    "registration_closes_at": "2027-02-16T23:00",
    "capacity": "350",
    "status": "open",
    "default_locale": "ar",
}


def test_admin_creates_a_forum_with_times_read_in_casablanca(as_role, db):
    client, _, admin = as_role(None, is_admin=True)
    response = client.post("/admin/forums/new", data=FORM)
    assert response.status_code == 302
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == "souss-massa-2027"))
    assert forum.title == {"ar": "المنتدى الجهوي السابع", "fr": "7e Forum régional"}
    # 09:00 in Casablanca on 1 Dec 2026 is 08:00 UTC (UTC+1).
    assert forum.registration_opens_at.hour == 8
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "forum.create")).actor_id == admin.id


def test_organisers_cannot_create_forums(as_role):
    client, _, _ = as_role(Role.organiser)
    assert client.get("/admin/forums/new").status_code == 403


def test_bad_input_is_explained_next_to_the_field_and_nothing_is_lost(as_role):
    client, _, _ = as_role(None, is_admin=True)
    data = {**FORM, "title-ar": "", "title-fr": "", "ends_on": "2027-02-01", "slug": "Bad Slug!"}
    html = client.post("/admin/forums/new", data=data).get_data(as_text=True)
    assert "Give this text in at least one language." in html
    assert "The forum cannot end before it starts." in html
    assert "Use lower-case letters, digits and hyphens." in html
    assert 'value="Agadir"' in html and 'value="Bad Slug!"' in html and "2027-02-16T23:00" in html


def test_two_forums_cannot_share_an_address(as_role, make_forum):
    client, _, _ = as_role(None, is_admin=True)
    make_forum(slug="souss-massa-2027")
    html = client.post("/admin/forums/new", data=FORM).get_data(as_text=True)
    assert "Another forum already uses this address." in html


def test_organiser_edits_their_forum(as_role, db):
    client, forum, _ = as_role(Role.organiser)
    page = client.get(f"/f/{forum.slug}/manage/edit").get_data(as_text=True)
    assert forum.title["fr"] in page
    data = {**FORM, "slug": forum.slug, "title-en": "Renamed forum"}
    response = client.post(f"/f/{forum.slug}/manage/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(forum)
    assert forum.title["en"] == "Renamed forum" and forum.city == {"ar": "أكادير", "fr": "Agadir"}


def test_organiser_invites_a_rapporteur_who_receives_a_link(as_role, db, mailbox):
    client, forum, _ = as_role(Role.organiser)
    response = client.post(
        f"/f/{forum.slug}/manage/team", data={"email": "Rapporteur@Example.ma", "name": "Khadija", "role": "rapporteur"}
    )
    assert response.status_code == 302
    membership = db.session.scalar(sa.select(Membership).where(Membership.role == Role.rapporteur))
    assert membership.user.email == "rapporteur@example.ma" and membership.forum_id == forum.id
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "rapporteur@example.ma"
    assert re.search(r"/password/reset/\S+", body_of(message))


def test_inviting_a_new_person_needs_their_name(as_role):
    client, forum, _ = as_role(Role.organiser)
    html = client.post(f"/f/{forum.slug}/manage/team", data={"email": "new@example.ma", "role": "rapporteur"})
    assert "give their full name" in html.get_data(as_text=True)


def test_only_an_admin_appoints_organisers(as_role, db):
    client, forum, _ = as_role(Role.organiser)
    response = client.post(
        f"/f/{forum.slug}/manage/team", data={"email": "x@example.ma", "name": "X", "role": "organiser"}
    )
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 1


def test_organiser_removes_a_role_with_a_post(as_role, make_user, db):
    client, forum, _ = as_role(Role.organiser)
    agent = make_user(forum=forum, roles=(Role.checkin_agent,))
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == agent.id))
    assert client.get(f"/f/{forum.slug}/manage/team/{membership.id}/remove").status_code == 405
    client.post(f"/f/{forum.slug}/manage/team/{membership.id}/remove")
    assert db.session.get(Membership, membership.id) is None


def test_organiser_cannot_remove_a_role_in_another_forum(as_role, make_forum, make_user, db):
    client, _, _ = as_role(Role.organiser)
    other = make_forum()
    agent = make_user(forum=other, roles=(Role.checkin_agent,))
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == agent.id))
    assert client.post(f"/f/{other.slug}/manage/team/{membership.id}/remove").status_code == 403


def test_my_work_lists_forums_with_roles(as_role):
    client, forum, _ = as_role(Role.checkin_agent)
    html = client.get("/my/forums").get_data(as_text=True)
    assert forum.title["en"] in html and "Check-in agent" in html
    assert "Organiser dashboard" not in html


def test_audit_trail_is_for_organisers(as_role):
    client, forum, _ = as_role(Role.organiser)
    client.post(f"/f/{forum.slug}/manage/team", data={"email": "a@example.ma", "name": "A", "role": "rapporteur"})
    html = client.get(f"/f/{forum.slug}/manage/audit").get_data(as_text=True)
    assert "Role given" in html


def test_seed_demo_builds_the_series_once(runner, db, mailbox):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "organiser@multaqa.ma" in first.output
    # the demo exhibitor's badge, asked for inside a savepoint, is sent once the seeding has committed
    sent = mailbox.to("exhibitor@multaqa.ma")
    assert [[part.get_filename() for part in m.iter_attachments()] for m in sent] == [["badge-draa-tafilalet-2026.png"]]
    counts = (
        db.session.scalar(sa.select(sa.func.count()).select_from(Forum)),
        db.session.scalar(sa.select(sa.func.count()).select_from(Registration)),
    )
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Forum)),
        db.session.scalar(sa.select(sa.func.count()).select_from(Registration)),
    ) == counts
    draa = db.session.scalar(sa.select(Forum).where(Forum.slug == "draa-tafilalet-2026"))
    assert (
        (draa.ends_on - draa.starts_on).days == 1
        and draa.city == {"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"}
        and draa.edition == 6
    )
    people = db.session.scalars(sa.select(Registration).where(Registration.forum_id == draa.id)).all()
    assert {p.province for p in people} == {"errachidia", "ouarzazate", "midelt", "tinghir", "zagora"}
    assert {p.area.value for p in people} == {"urban", "rural"}
    assert all(p.name_ar and p.name_latin for p in people)


def _image(fmt: str = "PNG", size=(900, 300)) -> io.BytesIO:
    image = Image.new("RGB", size, (15, 92, 77))
    out = io.BytesIO()
    image.save(out, fmt)
    out.seek(0)
    return out


def test_organiser_gives_the_forum_a_logo_shown_on_its_page_and_can_remove_it(as_role, db, client):
    organiser, forum, _ = as_role(Role.organiser)
    data = {**FORM, "slug": forum.slug, "logo": (_image("JPEG"), "logo.jpg")}
    response = organiser.post(f"/f/{forum.slug}/manage/edit", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(forum)
    assert forum.logo_key and forum.logo_key.endswith(".png")
    page = organiser.get(f"/f/{forum.slug}/").get_data(as_text=True)
    assert f'src="/f/{forum.slug}/logo.png?v=' in page
    logo = organiser.get(f"/f/{forum.slug}/logo.png")
    stored = Image.open(io.BytesIO(logo.data))
    assert logo.mimetype == "image/png" and stored.format == "PNG" and max(stored.size) <= 512
    assert not stored.info.get("exif")
    # A file that is not an image: said next to the field, the other answers kept, the logo unchanged.
    bad = {**FORM, "slug": forum.slug, "city-fr": "Tiznit", "logo": (io.BytesIO(b"%PDF-1.4 not an image"), "logo.png")}
    response = organiser.post(f"/f/{forum.slug}/manage/edit", data=bad, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "This file is not an image we can use" in page and 'value="Tiznit"' in page
    db.session.refresh(forum)
    assert forum.city["fr"] == "Agadir" and organiser.get(f"/f/{forum.slug}/logo.png").status_code == 200
    response = organiser.post(f"/f/{forum.slug}/manage/edit", data={**FORM, "slug": forum.slug, "remove_logo": "y"})
    assert response.status_code == 302
    db.session.refresh(forum)
    assert forum.logo_key is None and organiser.get(f"/f/{forum.slug}/logo.png").status_code == 404
    assert "logo.png" not in organiser.get(f"/f/{forum.slug}/").get_data(as_text=True)


def test_a_draft_forums_logo_is_not_public(as_role, db, make_forum, client):
    from forum import images
    from forum.events.services import set_logo

    forum = make_forum(status="draft")
    set_logo(forum, images.clean_logo(_image().getvalue()), actor=None)
    db.session.commit()
    assert client.get(f"/f/{forum.slug}/logo.png").status_code == 404
    organiser, _, _ = as_role(Role.organiser, forum=forum)
    assert organiser.get(f"/f/{forum.slug}/logo.png").status_code == 200


def test_an_appointed_team_member_gets_a_badge_when_asked(as_role, db, mailbox, make_registration):
    from forum.registration.models import Category, RegistrationStatus
    from forum.registration.services import find, places_taken

    client, forum, _ = as_role(Role.organiser)
    page = client.get(f"/f/{forum.slug}/manage/team").get_data(as_text=True)
    assert re.search(r'<input (?=[^>]*\bchecked\b)[^>]*name="badge"', page)  # ticked unless unticked
    data = {"email": "Agent@Example.ma", "name": "Youssef Agent", "role": "checkin_agent", "badge": "y"}
    assert client.post(f"/f/{forum.slug}/manage/team", data=data).status_code == 302
    badge = find(forum, "agent@example.ma")
    assert badge.category == Category.organiser and badge.status == RegistrationStatus.confirmed
    assert badge.name_latin == "Youssef Agent" and places_taken(forum) == 0
    assert any("badge" in body_of(m).lower() for m in mailbox.wait_for(2) if m["To"] == "agent@example.ma")
    # Not asked: no registration; already registered: the registration is kept as it is.
    data = {"email": "rapporteur@example.ma", "name": "Karima Rapporteur", "role": "rapporteur"}
    assert client.post(f"/f/{forum.slug}/manage/team", data=data).status_code == 302
    assert find(forum, "rapporteur@example.ma") is None
    expert = make_registration(forum, email="expert@example.ma", category=Category.expert)
    data = {"email": "expert@example.ma", "name": "Expert", "role": "rapporteur", "badge": "y"}
    assert client.post(f"/f/{forum.slug}/manage/team", data=data).status_code == 302
    assert find(forum, "expert@example.ma") == expert and expert.category == Category.expert
