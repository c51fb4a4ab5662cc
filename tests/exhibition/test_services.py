"""Exhibition rules: floor plan, CSV import, assignment by hand, staff and badges, leads, logos."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from forum import hooks, images, storage
from forum.auth.models import Membership, Role
from forum.badges.services import TamperedCode, WrongForum, badge_code
from forum.exhibition import services
from forum.exhibition.models import BoothStatus, ExhibitorStaff, Lead
from forum.registration.models import Category, Registration, RegistrationStatus


def booth_data(zone, code="A1", x=0, y=0, **extra):
    return (
        dict(
            code=code,
            zone_id=zone.id,
            area_m2=9,
            x=x,
            y=y,
            width=3,
            height=3,
            tier="standard",
            has_power=True,
            has_water=False,
            has_wall=False,
        )
        | extra
    )


def test_booth_codes_are_unique_and_booths_cannot_overlap(organiser, db):
    forum, user = organiser
    zone = services.save_zone(forum, None, code="a", name={"fr": "Hall A"}, actor=user)
    assert zone.code == "A"
    services.save_booth(forum, None, booth_data(zone, "a1"), actor=user)
    with pytest.raises(services.ExhibitionError, match="already uses the code A1"):
        services.save_booth(forum, None, booth_data(zone, "A1", x=10), actor=user)
    with pytest.raises(services.ExhibitionError, match="overlap booth A1"):
        services.save_booth(forum, None, booth_data(zone, "A2", x=2, y=2), actor=user)
    touching = services.save_booth(forum, None, booth_data(zone, "A2", x=3), actor=user)
    assert touching.status == BoothStatus.free


def test_csv_import_creates_and_updates_booths_and_refuses_a_bad_file_whole(organiser, db):
    forum, user = organiser
    good = (
        "code,zone,area_m2,x,y,width,height,tier,power,water,wall\n"
        "A1,A,9,0,0,3,3,corner,yes,no,yes\n"
        "A2,A,12,3,0,4,3,premium,oui,,\n"
        "B1,B,9,0,5,3,3,standard,no,yes,no\n"
    )
    result = services.import_booths(forum, good, actor=user)
    assert (result.created, result.updated) == (3, 0)
    booths = {b.code: b for b in services.booths_of(forum)}
    assert booths["A1"].tier.value == "corner" and booths["A1"].has_wall and booths["A2"].has_power
    assert booths["B1"].has_water and booths["B1"].zone.code == "B"
    again = services.import_booths(forum, good.replace("A2,A,12", "A2,A,15"), actor=user)
    assert (again.created, again.updated) == (0, 3)
    db.session.commit()
    with pytest.raises(services.ExhibitionError, match="Line 5: a value is missing"):
        services.import_booths(forum, good + "C1,C,zero,0,9,3,3,standard,no,no,no\n", actor=user)
    overlapping = good + "C1,C,9,0,9,3,3,standard,no,no,no\nC2,C,9,1,1,3,3,standard,no,no,no\n"
    with pytest.raises(services.ExhibitionError, match="Line 6: This booth would overlap booth A1"):
        services.import_booths(forum, overlapping, actor=user)
    db.session.rollback()
    assert {b.code for b in services.booths_of(forum)} == {"A1", "A2", "B1"}
    with pytest.raises(services.ExhibitionError, match="lacks the columns"):
        services.import_booths(forum, "code,zone\nA1,A\n", actor=user)


def test_assignment_by_hand_checks_needs_and_one_booth_per_exhibitor(organiser, make_booths, make_exhibitor, apply, db):
    forum, user = organiser
    booths = make_booths(forum, user, "A1", "A2", power=False)
    booths |= make_booths(forum, user, "B1", zone="B", power=True)
    first, second = make_exhibitor(forum, "First"), make_exhibitor(forum, "Second")
    apply(first, booths["B1"], power=True)
    with pytest.raises(services.ExhibitionError, match="does not meet"):
        services.assign(booths["A1"], first, actor=user)
    assignment = services.assign(booths["B1"], first, actor=user)
    assert assignment.choice_rank == 1 and booths["B1"].status == BoothStatus.offered
    with pytest.raises(services.BoothTaken, match="B1 has just been given to First"):
        services.assign(booths["B1"], second, actor=user)
    with pytest.raises(services.ExhibitionError, match="already has booth B1"):
        services.assign(booths["A2"], first, actor=user)
    services.unassign(assignment, actor=user)
    db.session.commit()
    assert services.assign(booths["A2"], second, actor=user).choice_rank is None


def test_a_booth_of_another_forum_cannot_be_chosen(organiser, make_forum, make_booths, make_exhibitor, make_user):
    forum, user = organiser
    other = make_forum()
    foreign = make_booths(other, make_user(forum=other, roles=(Role.organiser,)), "Z1")
    exhibitor = make_exhibitor(forum)
    with pytest.raises(services.ExhibitionError, match="of this forum"):
        services.submit_application(
            exhibitor,
            choices=[f"b{foreign['Z1'].id}"],
            needs_power=False,
            needs_water=False,
            needs_wall=False,
            min_area_m2=0,
            showcase="x",
            actor=user,
        )
    with pytest.raises(services.ExhibitionError, match="up to three different"):
        services.submit_application(
            exhibitor,
            choices=["b1", "b1"],
            needs_power=False,
            needs_water=False,
            needs_wall=False,
            min_area_m2=0,
            showcase="x",
            actor=user,
        )


def test_staff_get_the_role_and_a_confirmed_exhibitor_registration(
    app, organiser, make_exhibitor, make_user, db, connect_hook
):
    forum, user = organiser
    confirmed = []
    connect_hook(hooks.registration_confirmed, confirmed.append)
    exhibitor = make_exhibitor(forum, "Atlas", staff=False)
    staff = services.add_staff(exhibitor, "new.person@atlas.ma", "New Person", actor=user, locale="fr")
    db.session.commit()
    registration = staff.registration
    assert registration.category == Category.exhibitor and registration.status == RegistrationStatus.confirmed
    assert registration.organisation_id == exhibitor.organisation_id and confirmed == [registration]
    assert staff.user.has_role(forum, Role.exhibitor_staff)
    other = make_exhibitor(forum, "Other Co", staff=False)
    with pytest.raises(services.ExhibitionError, match="another exhibitor"):
        services.add_staff(other, "new.person@atlas.ma", "New Person", actor=user, locale="fr")


def test_staff_join_a_full_forum_without_taking_a_participants_place(organiser, make_exhibitor, make_registration, db):
    from forum.registration.services import places_taken

    forum, user = organiser
    forum.capacity = 1
    make_registration(forum)
    db.session.commit()
    exhibitor = make_exhibitor(forum, "Atlas", staff=False)
    staff = services.add_staff(exhibitor, "stand@atlas.ma", "Stand Person", actor=user, locale="fr")
    db.session.commit()
    assert staff.registration.status == RegistrationStatus.confirmed and places_taken(forum) == forum.capacity == 1


def test_removing_staff_takes_the_role_away_but_keeps_one_person(app, organiser, make_exhibitor, make_user, db):
    forum, _ = organiser
    first = make_user()
    exhibitor = make_exhibitor(forum, staff=first)
    [only] = exhibitor.staff
    with pytest.raises(services.ExhibitionError, match="at least one"):
        services.remove_staff(only, actor=first)
    second = make_user()
    added = services.add_staff(exhibitor, second.email, second.name, actor=first, locale="en")
    db.session.commit()
    services.remove_staff(added, actor=first)
    db.session.commit()
    assert not db.session.scalar(sa.select(Membership).filter_by(user_id=second.id, forum_id=forum.id))
    assert db.session.scalar(sa.select(ExhibitorStaff).filter_by(user_id=second.id)) is None


def test_a_lead_is_saved_once_and_only_with_consent(organiser, make_exhibitor, make_registration, make_forum, db):
    forum, user = organiser
    exhibitor = make_exhibitor(forum)
    staff_user = exhibitor.staff[0].user
    visitor = make_registration(forum, shares_contact=True)
    first = services.record_lead(exhibitor, badge_code(visitor), actor=staff_user)
    again = services.record_lead(exhibitor, " " + badge_code(visitor) + "\n", actor=staff_user)
    assert first.is_new and not again.is_new and again.lead.id == first.lead.id
    shy = make_registration(forum, shares_contact=False)
    with pytest.raises(services.NoConsent):
        services.record_lead(exhibitor, badge_code(shy), actor=staff_user)
    stranger = make_registration(make_forum(), shares_contact=True)
    with pytest.raises(WrongForum):
        services.record_lead(exhibitor, badge_code(stranger), actor=staff_user)
    code = badge_code(visitor)
    with pytest.raises(TamperedCode):
        services.record_lead(exhibitor, code[:-2] + ("AA" if code[-2:] != "AA" else "BB"), actor=staff_user)
    cancelled = make_registration(forum, shares_contact=True, status=RegistrationStatus.cancelled)
    with pytest.raises(services.ExhibitionError, match="confirmed participant"):
        services.record_lead(exhibitor, badge_code(cancelled), actor=staff_user)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 1
    assert [lead.exhibitor.name for lead in services.scanned_by(visitor)] == [exhibitor.name]


def test_leads_csv_has_the_visitors_contact_and_note(organiser, make_exhibitor, make_registration, db):
    forum, _ = organiser
    exhibitor = make_exhibitor(forum)
    visitor = make_registration(forum, shares_contact=True, name_ar="خديجة أوحمان", name_latin="Khadija Ouahmane")
    outcome = services.record_lead(exhibitor, badge_code(visitor), actor=exhibitor.staff[0].user)
    services.update_note(outcome.lead, "  Wants CSR funding  ", actor=exhibitor.staff[0].user)
    text = services.leads_csv(exhibitor, zone=forum.zone).decode("utf-8")
    assert text.startswith("\ufeffscanned_at,name_ar")
    assert "خديجة أوحمان,Khadija Ouahmane," + visitor.email in text and text.rstrip().endswith("Wants CSR funding")


def _image(fmt="JPEG", size=(800, 400), **save):
    out = io.BytesIO()
    Image.new("RGB", size, (15, 92, 77)).save(out, format=fmt, **save)
    return out.getvalue()


def test_a_logo_is_re_encoded_small_without_metadata(organiser, make_exhibitor, db):
    forum, user = organiser
    exhibitor = make_exhibitor(forum)
    exif = Image.Exif()
    exif[0x010E] = "secret GPS notes"  # ImageDescription
    key = services.save_logo(exhibitor, _image(exif=exif.tobytes()), actor=user)
    stored = Image.open(io.BytesIO(storage.read(key)))
    assert stored.format == "PNG" and max(stored.size) == images.LOGO_SIDE
    assert not stored.info.get("exif") and b"secret" not in storage.read(key)
    second = services.save_logo(exhibitor, _image("PNG", (64, 64)), actor=user)
    assert not storage.path_of(key).exists() and storage.path_of(second).exists()


@pytest.mark.parametrize(
    "data",
    [b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", b"GIF89a broken", _image()[:200], b"\x00" * 3_000_000],
)
def test_a_file_that_is_not_a_sound_image_is_refused(data):
    with pytest.raises(images.ImageError):
        images.clean_logo(data)


def test_staff_registration_reuses_an_existing_registration(app, organiser, make_exhibitor, make_registration, db):
    forum, user = organiser
    person = make_registration(forum, email="already@registered.ma", category=Category.private_sector)
    exhibitor = make_exhibitor(forum, staff=False)
    staff = services.add_staff(exhibitor, "already@registered.ma", "Already", actor=user, locale="ar")
    assert staff.registration_id == person.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1


def test_leads_csv_cannot_smuggle_a_spreadsheet_formula(organiser, make_exhibitor, make_registration, db):
    forum, _ = organiser
    exhibitor = make_exhibitor(forum)
    visitor = make_registration(forum, shares_contact=True, name_latin='=HYPERLINK("http://x")', phone="+212612345678")
    outcome = services.record_lead(exhibitor, badge_code(visitor), actor=exhibitor.staff[0].user)
    services.update_note(outcome.lead, "-1+2", actor=exhibitor.staff[0].user)
    text = services.leads_csv(exhibitor, zone=forum.zone).decode("utf-8")
    assert "'=HYPERLINK" in text and ",'+212612345678," in text and text.rstrip().endswith("'-1+2")


def test_a_website_must_be_a_web_address(organiser, make_exhibitor):
    forum, user = organiser
    exhibitor = make_exhibitor(forum)
    data = {"description": {}, "website": "javascript://%0aalert(1)"}
    with pytest.raises(services.ExhibitionError, match="http:// or https://"):
        services.update_profile(exhibitor, data, actor=user)
    services.update_profile(exhibitor, data | {"website": "https://atlas.ma"}, actor=user)
    assert exhibitor.website == "https://atlas.ma"
