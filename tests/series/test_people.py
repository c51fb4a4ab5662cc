"""A Person links one e-mail's registrations across forums; organisations are found again however spelt."""

from __future__ import annotations

import sqlalchemy as sa

from forum.privacy import services as privacy
from forum.registration import services
from forum.registration.forms.fields import organisations
from forum.registration.models import Organisation, Person, Registration


def sign_up_data(**overrides):
    data = {
        "name_ar": "خديجة أوحمان",
        "email": "Khadija@Example.ma ",
        "phone": "0612345678",
        "organisation_name": "جمعيّة واحة زيز",
        "organisation_kind": "association",
        "organisation_province": "errachidia",
        "organisation_area": "rural",
        "category": "association",
        "gender": "female",
        "province": "errachidia",
        "area": "rural",
        "locale": "ar",
    }
    data.update(overrides)
    return data


def test_one_person_across_forums_whatever_the_case_of_the_email(db, make_forum):
    first, second = make_forum(), make_forum(region="oriental")
    a = services.register(first, sign_up_data()).registration
    again = sign_up_data(email="KHADIJA@example.MA", organisation_name="جمعية واحة زيز")
    b = services.register(second, again).registration
    other = services.register(second, sign_up_data(email="someone@example.ma")).registration
    db.session.commit()
    assert a.person_id is not None and a.person_id == b.person_id != other.person_id
    person = db.session.get(Person, a.person_id)
    assert person.email == "khadija@example.ma"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 2
    # the association typed again with another spelling is the same organisation, not a new row
    assert a.organisation_id == b.organisation_id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1


def test_registrations_written_by_any_service_join_their_person(db, make_forum, make_registration):
    forum, other = make_forum(), make_forum()
    made = make_registration(forum, email="team@example.ma")
    again = make_registration(other, email="team@example.ma")
    assert made.person_id == again.person_id
    assert db.session.scalars(sa.select(Registration.id).where(Registration.person_id == made.person_id)).all() == [
        made.id,
        again.id,
    ]


def test_a_merged_organisation_is_no_longer_offered_nor_reused(db, make_forum, make_organisation):
    forum = make_forum()
    kept = make_organisation(name="Association Oasis Ziz")
    gone = make_organisation(name="Association Oasis-Ziz (Errachidia)")
    gone.merged_into_id = kept.id
    db.session.commit()
    registration = services.register(forum, sign_up_data(organisation_name="association oasis ziz")).registration
    assert registration.organisation_id == kept.id
    assert [name for _id, name in organisations([])] == ["Association Oasis Ziz"]


def test_erasure_unlinks_the_person_and_deletes_one_left_with_no_registration(db, make_forum, make_registration):
    forum, other = make_forum(), make_forum()
    kept, erased = (
        make_registration(forum, email="twice@example.ma"),
        make_registration(other, email="twice@example.ma"),
    )
    alone = make_registration(forum, email="once@example.ma")
    person_id, alone_person = kept.person_id, alone.person_id
    privacy.erase(erased, reason="request")
    privacy.erase(alone, reason="request")
    db.session.commit()
    assert erased.person_id is None and kept.person_id == person_id
    assert db.session.get(Person, person_id) is not None
    assert db.session.get(Person, alone_person) is None
