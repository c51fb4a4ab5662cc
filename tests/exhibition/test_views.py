"""Exhibition pages: who may open what, the exhibitor portal's walls, forms that keep their input."""

from __future__ import annotations

import io

import sqlalchemy as sa
from helpers import body_of
from PIL import Image

from forum.auth.models import Role
from forum.badges.services import badge_code
from forum.exhibition import services
from forum.exhibition.models import BoothApplication, Exhibitor, ExhibitorStatus, Lead
from forum.registration.models import OrganisationKind, RegistrationStatus


def test_organiser_pages_are_for_organisers_only(as_role, make_forum):
    forum = make_forum()
    for role in (None, Role.exhibitor_staff, Role.checkin_agent):
        client, _, _ = as_role(role, forum=forum)
        for path in ("", "exhibitors", "allocation", "booths/new", "booths/import"):
            assert client.get(f"/f/{forum.slug}/manage/exhibition/{path}").status_code == 403, (role, path)
        client.post("/logout")


def test_an_exhibitor_only_ever_sees_and_changes_its_own_organisation(
    client, login, organiser, make_exhibitor, make_registration, db
):
    forum, _ = organiser
    mine, theirs = make_exhibitor(forum, "Mine Co"), make_exhibitor(forum, "Theirs Co")
    visitor = make_registration(forum, shares_contact=True)
    their_lead = services.record_lead(theirs, badge_code(visitor), actor=theirs.staff[0].user).lead
    their_staff = theirs.staff[0]
    db.session.commit()
    login(mine.staff[0].user)
    base = f"/f/{forum.slug}/exhibitor"
    assert "Mine Co" in client.get(f"{base}/").get_data(as_text=True)
    assert client.post(f"{base}/leads/{their_lead.id}/note", data={"note": "mine now"}).status_code == 404
    assert client.post(f"{base}/staff/{their_staff.id}/remove").status_code == 404
    leads_page = client.get(f"{base}/leads").get_data(as_text=True)
    assert visitor.email not in leads_page and visitor.email not in client.get(f"{base}/leads.csv").get_data(
        as_text=True
    )
    client.post(f"{base}/profile", data={"description-en": "We changed it", "offers": ["funding"]})
    db.session.expire_all()
    assert db.session.get(Exhibitor, mine.id).description == {"en": "We changed it"}
    assert db.session.get(Exhibitor, theirs.id).description == {}
    assert db.session.get(Lead, their_lead.id).note == ""
    # The organiser pages stay closed to exhibitor staff.
    assert client.get(f"/f/{forum.slug}/manage/exhibition/exhibitors/{theirs.id}").status_code == 403


def test_staff_role_without_an_exhibitor_is_refused(as_role):
    client, forum, _ = as_role(Role.exhibitor_staff)
    assert client.get(f"/f/{forum.slug}/exhibitor/").status_code == 403


def test_an_exhibitor_applies_with_ranked_choices_and_a_bad_one_keeps_the_form(
    client, login, organiser, make_booths, make_exhibitor, db
):
    forum, user = organiser
    booths = make_booths(forum, user, "A1", "A2")
    exhibitor = make_exhibitor(forum)
    login(exhibitor.staff[0].user)
    url = f"/f/{forum.slug}/exhibitor/application"
    zone = booths["A1"].zone
    page = client.get(url).get_data(as_text=True)
    assert f'value="z{zone.id}"' in page and "A2 (9 m²" in page
    response = client.post(
        url, data={"choice_1": f"b{booths['A2'].id}", "choice_2": f"b{booths['A2'].id}", "showcase": "Solar pumps"}
    )
    assert response.status_code == 200 and "three different choices" in response.get_data(as_text=True)
    assert "Solar pumps" in response.get_data(as_text=True)
    response = client.post(
        url,
        data={
            "choice_1": f"b{booths['A2'].id}",
            "choice_2": f"z{zone.id}",
            "showcase": "Solar pumps",
            "needs_power": "y",
            "min_area_m2": "9",
        },
    )
    assert response.status_code == 302
    application = db.session.scalar(sa.select(BoothApplication))
    assert [c.booth_id or c.zone_id for c in application.choices] == [booths["A2"].id, zone.id]
    assert application.needs_power and application.min_area_m2 == 9


def test_organiser_assigns_by_hand_and_a_second_organiser_is_told_who_got_it(
    client, login, organiser, make_booths, make_exhibitor, make_user, db
):
    forum, user = organiser
    booths = make_booths(forum, user, "A1")
    first, second = make_exhibitor(forum, "First Co"), make_exhibitor(forum, "Second Co")
    login(user)
    url = f"/f/{forum.slug}/manage/exhibition/assign"
    client.post(url, data={"booth_id": booths["A1"].id, "exhibitor_id": first.id})
    response = client.post(url, data={"booth_id": booths["A1"].id, "exhibitor_id": second.id}, follow_redirects=True)
    assert "Booth A1 has just been given to First Co by someone else" in response.get_data(as_text=True)
    page = client.get(f"/f/{forum.slug}/manage/exhibition/").get_data(as_text=True)
    assert 'data-booth="A1" data-status="offered"' in page


def test_the_organiser_runs_and_publishes_the_allocation(
    client, login, organiser, make_booths, make_exhibitor, apply, mailbox, db
):
    forum, user = organiser
    booths = make_booths(forum, user, "A1", "A2")
    first, second, third = (make_exhibitor(forum, name) for name in ("First Co", "Second Co", "Third Co"))
    apply(first, booths["A1"], booths["A2"])
    apply(second, booths["A1"])
    apply(third, booths["A1"])
    login(user)
    base = f"/f/{forum.slug}/manage/exhibition/allocation"
    client.post(f"{base}/run")
    page = client.get(base).get_data(as_text=True)
    assert "2nd choice" in page and "1st choice" in page and "went to applicants" in page
    mailbox.clear()  # staff badge e-mails went out when the exhibitors were made
    client.post(f"{base}/publish")
    assert len(mailbox.wait_for(6)) == 6
    client.post("/logout")
    login(second.staff[0].user)
    portal = client.get(f"/f/{forum.slug}/exhibitor/").get_data(as_text=True)
    assert "Your booth: A1" in portal and "booth-mine" in portal


def test_scanning_a_badge_at_the_booth(client, login, organiser, make_exhibitor, make_registration, make_forum, db):
    forum, _ = organiser
    exhibitor = make_exhibitor(forum)
    login(exhibitor.staff[0].user)
    url = f"/f/{forum.slug}/exhibitor/leads/scan"
    visitor = make_registration(forum, shares_contact=True, name_latin="Youssef Amrani")
    response = client.post(url, data={"code": badge_code(visitor)})
    assert response.status_code == 200 and "Lead saved" in response.get_data(as_text=True)
    assert "Already in your leads" in client.post(url, data={"code": badge_code(visitor)}).get_data(as_text=True)
    shy = make_registration(forum, shares_contact=False)
    response = client.post(url, data={"code": badge_code(shy)})
    assert response.status_code == 422 and "did not agree to share" in response.get_data(as_text=True)
    response = client.post(url, data={"code": badge_code(make_registration(make_forum(), shares_contact=True))})
    assert "another forum" in response.get_data(as_text=True)
    assert "not a Multaqa badge" in client.post(url, data={"code": "hello"}).get_data(as_text=True)
    lead = db.session.scalar(sa.select(Lead))
    client.post(f"/f/{forum.slug}/exhibitor/leads/{lead.id}/note", data={"note": "Call back on Monday"})
    csv_text = client.get(f"/f/{forum.slug}/exhibitor/leads.csv").get_data(as_text=True)
    assert "Youssef Amrani" in csv_text and "Call back on Monday" in csv_text
    # The visitor sees who scanned them, on their private page.
    page = client.get(f"/f/{forum.slug}/me/{visitor.access_key}/leads").get_data(as_text=True)
    assert exhibitor.name in page
    assert exhibitor.name not in client.get(f"/f/{forum.slug}/me/{shy.access_key}/leads").get_data(as_text=True)
    # Their page offers the list with the badge, and still after a cancellation; not to one without either.
    link = f'href="/f/{forum.slug}/me/{visitor.access_key}/leads"'
    visitor.status = RegistrationStatus.cancelled
    db.session.commit()
    assert link in client.get(f"/f/{forum.slug}/me/{visitor.access_key}/").get_data(as_text=True)
    waiting = make_registration(forum, status=RegistrationStatus.waitlisted)
    assert "/leads" not in client.get(f"/f/{forum.slug}/me/{waiting.access_key}/").get_data(as_text=True)
    assert "/leads" in client.get(f"/f/{forum.slug}/me/{shy.access_key}/").get_data(as_text=True)


def test_staff_added_from_the_portal_get_an_account_and_an_invitation(
    client, login, organiser, make_exhibitor, mailbox, db
):
    forum, _ = organiser
    exhibitor = make_exhibitor(forum)
    login(exhibitor.staff[0].user)
    mailbox.clear()  # the first staff member's badge e-mail
    response = client.post(f"/f/{forum.slug}/exhibitor/staff", data={"name": "Sara Idrissi", "email": "sara@atlas.ma"})
    assert response.status_code == 302
    messages = mailbox.wait_for(2)
    assert {m["To"] for m in messages} == {"sara@atlas.ma"}
    # One invitation to choose a password, and one exhibitor badge (through the badges module).
    assert sum("/password/reset/" in body_of(m) for m in messages) == 1
    assert any("/badge.png" in body_of(m) for m in messages)
    assert "sara@atlas.ma" in client.get(f"/f/{forum.slug}/exhibitor/staff").get_data(as_text=True)


def test_logo_upload_is_served_through_a_view_and_garbage_is_refused(client, login, organiser, make_exhibitor, db):
    forum, _ = organiser
    exhibitor = make_exhibitor(forum)
    login(exhibitor.staff[0].user)
    url = f"/f/{forum.slug}/exhibitor/profile"
    response = client.post(
        url, data={"description-fr": "Pompes solaires", "logo": (io.BytesIO(b"not an image"), "logo.png")}
    )
    assert response.status_code == 200 and "not an image we can use" in response.get_data(as_text=True)
    assert "Pompes solaires" in response.get_data(as_text=True)
    png = io.BytesIO()
    Image.new("RGB", (40, 40), "green").save(png, format="PNG")
    png.seek(0)
    assert client.post(url, data={"description-fr": "Pompes solaires", "logo": (png, "logo.png")}).status_code == 302
    response = client.get(f"/f/{forum.slug}/exhibition/logo/{exhibitor.id}.png")
    assert response.status_code == 200 and response.mimetype == "image/png"


def test_an_organisation_asks_to_exhibit_and_the_organiser_approves_it(
    client, organiser, make_booths, login, mailbox, db
):
    forum, user = organiser
    make_booths(forum, user, "A1")
    assert "Exhibit at the forum" in client.get(f"/f/{forum.slug}/").get_data(as_text=True)
    data = {
        "name": "Coopérative Rose du Dadès",
        "kind": "cooperative",
        "sector": "crafts",
        "description-fr": "Eau de rose",
        "contact_name": "Itto Amghar",
        "contact_email": "itto@rose.ma",
    }
    assert client.post(f"/f/{forum.slug}/exhibition/apply", data=data).status_code == 302
    response = client.post(f"/f/{forum.slug}/exhibition/apply", data=data)
    assert "already an exhibitor" in response.get_data(as_text=True)
    exhibitor = db.session.scalar(sa.select(Exhibitor))
    assert exhibitor.status == ExhibitorStatus.pending and exhibitor.organisation.kind == OrganisationKind.cooperative
    login(user)
    client.post(f"/f/{forum.slug}/manage/exhibition/exhibitors/{exhibitor.id}/approve")
    db.session.expire_all()
    assert db.session.get(Exhibitor, exhibitor.id).status == ExhibitorStatus.approved
    addresses = {m["To"] for m in mailbox.wait_for(2)}
    assert addresses == {"itto@rose.ma"}  # the password link and the invitation to apply


def test_public_directory_filters_and_hides_pending_requests(client, organiser, make_exhibitor, make_booths, db):
    forum, user = organiser
    make_booths(forum, user, "A1")
    make_exhibitor(forum, "Fonds Oasis", kind=OrganisationKind.donor, offers=["funding"], staff=False)
    make_exhibitor(forum, "Atlas Solar", kind=OrganisationKind.company, offers=["equipment"], staff=False)
    services.create_exhibitor(
        forum,
        name="Not Yet",
        kind=OrganisationKind.company,
        contact_email="a@b.ma",
        contact_name=None,
        status=ExhibitorStatus.pending,
    )
    db.session.commit()
    page = client.get(f"/f/{forum.slug}/exhibition/").get_data(as_text=True)
    assert "Fonds Oasis" in page and "Atlas Solar" in page and "Not Yet" not in page and "<svg" in page
    page = client.get(f"/f/{forum.slug}/exhibition/?offer=funding").get_data(as_text=True)
    assert "Fonds Oasis" in page and "Atlas Solar" not in page
    page = client.get(f"/f/{forum.slug}/exhibition/?kind=company").get_data(as_text=True)
    assert "Fonds Oasis" not in page and "Atlas Solar" in page


def test_organiser_edits_the_plan_by_form_and_csv(client, login, organiser, db):
    forum, user = organiser
    login(user)
    base = f"/f/{forum.slug}/manage/exhibition"
    assert client.post(f"{base}/zones/new", data={"code": "A", "name-fr": "Hall A"}).status_code == 302
    zone_id = services.zones_of(forum)[0].id
    data = {
        "code": "A1",
        "zone_id": zone_id,
        "area_m2": "9",
        "x": "0",
        "y": "0",
        "width": "3",
        "height": "3",
        "tier": "corner",
        "has_power": "y",
    }
    assert client.post(f"{base}/booths/new", data=data).status_code == 302
    response = client.post(f"{base}/booths/new", data=data | {"code": "A2"})
    assert "overlap booth A1" in response.get_data(as_text=True) and 'value="A2"' in response.get_data(as_text=True)
    csv_file = (
        io.BytesIO(b"code,zone,area_m2,x,y,width,height,tier,power,water,wall\nB1,B,9,0,5,3,3,,no,no,no\n"),
        "booths.csv",
    )
    response = client.post(f"{base}/booths/import", data={"file": csv_file}, follow_redirects=True)
    assert "1 booth created. 0 booths updated." in response.get_data(as_text=True)
    page = client.get(f"{base}/").get_data(as_text=True)
    assert 'data-booth="A1"' in page and 'data-booth="B1"' in page


def test_a_booth_clicked_on_the_map_is_assigned_and_freed_from_its_page(
    client, login, organiser, make_booths, make_exhibitor, db
):
    forum, user = organiser
    booth = make_booths(forum, user, "A1")["A1"]
    exhibitor = make_exhibitor(forum, "Atlas Solar")
    login(user)
    plan = client.get(f"/f/{forum.slug}/manage/exhibition/").get_data(as_text=True)
    page_url = f"/f/{forum.slug}/manage/exhibition/booths/{booth.id}"
    assert f'<a href="{page_url}">' in plan  # the booth on the map links to its page
    page = client.get(page_url).get_data(as_text=True)
    assert f'<option value="{exhibitor.id}">Atlas Solar</option>' in page
    client.post(f"/f/{forum.slug}/manage/exhibition/assign", data={"booth_id": booth.id, "exhibitor_id": exhibitor.id})
    page = client.get(page_url).get_data(as_text=True)
    assert "<strong>Atlas Solar</strong>" in page and "Unassign" in page
    assignment = services.get_booth(forum, booth.id).assignment
    client.post(f"/f/{forum.slug}/manage/exhibition/assignments/{assignment.id}/remove")
    db.session.expire_all()
    assert services.get_booth(forum, booth.id).assignment is None


def test_report_section_and_links_for_organisers_and_staff(
    app, client, login, organiser, make_booths, make_exhibitor, db
):
    from flask import render_template

    from forum import hooks

    forum, user = organiser
    booth = make_booths(forum, user, "A1")["A1"]
    exhibitor = make_exhibitor(forum, "Atlas Solar", sector="digital")
    assignment = services.assign(booth, exhibitor, actor=user)
    assignment.is_published = True
    db.session.commit()
    [section] = [s for s in hooks.report_sections.collect(forum) if s.key == "exhibitors"]
    html = render_template(section.template, section=section, **section.context)
    assert "<td>Atlas Solar</td>" in html and "<td>Company</td>" in html and "<td>Digital</td>" in html
    assert "<td>A1</td>" in html and "<script" not in html
    login(exhibitor.staff[0].user)
    assert f"/f/{forum.slug}/exhibitor/" in client.get("/my/forums").get_data(as_text=True)
    client.post("/logout")
    login(user)
    dashboard = client.get(f"/f/{forum.slug}/manage/").get_data(as_text=True)
    assert f"/f/{forum.slug}/manage/exhibition/" in dashboard and "Leads collected" in dashboard
