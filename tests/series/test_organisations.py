"""Organisations across the series: likely duplicates found as a job, merged by an admin keeping every
row that pointed to them, suggestions while typing, histories."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from forum import jobs
from forum.audit import AuditEntry
from forum.exhibition.models import Exhibitor
from forum.programme.models import Session, SessionKind
from forum.recommendations.models import Recommendation, TargetActor
from forum.registration.models import Organisation, Registration
from forum.series import services
from forum.series.models import OrganisationMerge
from forum.series.services.figures import BY_FORUM, BY_REGION, compute
from forum.series.services.targets import SeriesError
from forum.series.tasks import FIND_DUPLICATES


def exhibit(db, forum, organisation):
    exhibitor = Exhibitor(forum_id=forum.id, organisation_id=organisation.id, contact_email="expo@example.ma")
    db.session.add(exhibitor)
    db.session.commit()
    return exhibitor


def recommend(db, forum, registration):
    workshop = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"fr": "Atelier"},
        starts_at=forum.registration_opens_at,
        ends_at=forum.registration_opens_at + timedelta(hours=2),
    )
    db.session.add(workshop)
    db.session.flush()
    recommendation = Recommendation(
        forum_id=forum.id, session_id=workshop.id, text="Former les jeunes", target_actor=TargetActor.government,
        author_registration_id=registration.id,
    )  # fmt: skip
    db.session.add(recommendation)
    db.session.commit()
    return recommendation


def test_a_merge_keeps_every_row_and_counts_the_association_once(
    db, make_forum, make_organisation, make_registration, make_user
):
    first, second = make_forum(), make_forum()
    kept = make_organisation(name="Association Oasis Ziz", province="errachidia")
    merged = make_organisation(name="جمعية واحة زيز", province="errachidia", registration_number="RC 1234")
    registrations = [
        make_registration(first, organisation_id=kept.id),
        make_registration(first, organisation_id=merged.id),
        make_registration(second, organisation_id=merged.id),
    ]
    stand = exhibit(db, second, merged)
    recommendation = recommend(db, first, registrations[1])
    assert compute(BY_FORUM)[first.id].associations == 2
    assert compute(BY_REGION)["draa-tafilalet"].associations == 2
    admin = make_user(is_admin=True)

    record = services.merge(kept, merged, actor=admin)
    db.session.commit()

    organisation_ids = db.session.scalars(sa.select(Registration.organisation_id).order_by(Registration.id)).all()
    assert organisation_ids == [kept.id] * 3
    assert db.session.get(Exhibitor, stand.id).organisation_id == kept.id
    assert db.session.get(Recommendation, recommendation.id).author_registration_id == registrations[1].id
    assert compute(BY_FORUM)[first.id].associations == 1
    assert compute(BY_FORUM)[second.id].associations == 1
    assert compute(BY_REGION)["draa-tafilalet"].associations == 1
    # told apart later: the merged organisation stays, marked, and the merge lists what it moved
    assert db.session.get(Organisation, merged.id).merged_into_id == kept.id
    assert record.moved == {
        "registration.organisation_id": [registrations[1].id, registrations[2].id],
        "exhibitor.organisation_id": [stand.id],
    }
    assert record.snapshot["name"] == "جمعية واحة زيز"
    assert db.session.get(Organisation, kept.id).registration_number == "RC 1234"  # filled from the merged one
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "organisation.merge"))
    assert entry.target == f"organisation:{kept.id}" and entry.data["merged"] == merged.id
    assert services.suggest("واحة", "draa-tafilalet") == []
    assert [o["id"] for o in services.suggest("oasis", "draa-tafilalet")] == [kept.id]


def test_a_merge_that_a_table_forbids_changes_nothing(db, make_forum, make_organisation, make_registration, make_user):
    forum = make_forum()
    kept, merged = make_organisation(name="Atlas Solar"), make_organisation(name="Atlas-Solar SARL")
    exhibit(db, forum, kept)
    exhibit(db, forum, merged)
    registration = make_registration(forum, organisation_id=merged.id)
    try:
        services.merge(kept, merged, actor=make_user(is_admin=True))
    except SeriesError as error:
        assert "exhibitor" in str(error)
    else:
        raise AssertionError("both exhibit at the same forum: the merge must be refused")
    db.session.rollback()
    assert db.session.get(Registration, registration.id).organisation_id == merged.id
    assert db.session.get(Organisation, merged.id).merged_into_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrganisationMerge)) == 0


def test_duplicates_are_found_by_a_job_and_merged_from_the_page(
    client, db, make_organisation, make_registration, make_forum, make_user, login
):
    forum = make_forum()
    a = make_organisation(name="Association Al Amal pour le Développement", province="errachidia")
    b = make_organisation(name="Association Al-Amal Développement", province="errachidia")
    make_organisation(name="Association Al Amal pour le Développement", province="nador")  # another province
    arabic_a = make_organisation(name="جمعية الأمل للتنمية", province="midelt")
    arabic_b = make_organisation(name="جمعيّة الامل والتنمية", province="midelt")
    same_number = [
        make_organisation(name=n, province=p, registration_number=r)
        for n, p, r in (("Tifawin", "tinghir", "A-77"), ("Coop. des femmes de Tinghir", "zagora", "a 77"))
    ]
    make_organisation(name="Association Nour", province="errachidia")
    make_registration(forum, organisation_id=b.id)
    login(make_user(is_admin=True))
    assert client.get("/series/organisations/duplicates").status_code == 200
    client.post("/series/organisations/duplicates")
    job = db.session.scalar(sa.select(jobs.Job).where(jobs.Job.kind == FIND_DUPLICATES))
    assert job.status == jobs.JobStatus.done and job.progress == 100
    found = {frozenset(pair[:2]): pair[3] for pair in job.result["pairs"]}
    assert found == {
        frozenset((a.id, b.id)): "name",
        frozenset((arabic_a.id, arabic_b.id)): "name",
        frozenset(o.id for o in same_number): "number",
    }
    page = client.get("/series/organisations/duplicates").text
    assert "Same registration number" in page and "1 registration" in page
    response = client.post("/series/organisations/merge", data={"kept": b.id, "merged": a.id})
    assert response.status_code == 302 and response.location.endswith(f"/series/organisations/{b.id}")
    history = client.get(f"/series/organisations/{b.id}").text
    assert "was merged into this organisation" in history
    # the pair decided is no longer proposed; the others are
    offered = set(re.findall(r'name="merged" value="(\d+)"', client.get("/series/organisations/duplicates").text))
    assert offered == {str(o.id) for o in (arabic_a, arabic_b, *same_number)}


def test_only_admins_see_organisations_and_people(client, as_role, make_registration):
    organiser, forum, _ = as_role("organiser")
    registration = make_registration(forum)
    for url in (
        "/series/organisations/",
        "/series/organisations/duplicates",
        "/series/people/",
        f"/series/people/{registration.person_id}",
    ):
        assert organiser.get(url).status_code == 403, url
    assert organiser.post("/series/organisations/merge", data={"kept": 1, "merged": 2}).status_code == 403


def test_suggestions_while_typing_put_the_region_first(client, make_organisation):
    elsewhere = make_organisation(name="Association Tilila Nador", province="nador")
    here = make_organisation(name="Association Tilila", province="errachidia")
    make_organisation(name="Coopérative Argan", province="errachidia")
    names = [o["name"] for o in client.get("/series/organisations/suggest?q=tilila&region=draa-tafilalet").get_json()]
    assert names == [here.name, elsewhere.name]
    assert client.get("/series/organisations/suggest?q=t").get_json() == []
    assert client.get("/series/organisations/suggest?q=%25").get_json() == []


def test_a_person_sees_their_own_forums_and_an_admin_sees_a_persons_history(
    client, db, make_forum, make_registration, make_user, login
):
    first, second, other = make_forum(), make_forum(), make_forum()
    mine = make_registration(first, email="amina@example.ma")
    make_registration(second, email="amina@example.ma")
    make_registration(other, email="someone@example.ma")
    page = client.get(f"/f/{first.slug}/me/{mine.access_key}/history")
    assert page.status_code == 200
    assert first.title["en"] in page.text and second.title["en"] in page.text and other.title["en"] not in page.text
    assert client.get(f"/f/{first.slug}/me/wrong-key/history").status_code == 404
    assert "My forums" in client.get(f"/f/{first.slug}/me/{mine.access_key}/").text
    login(make_user(is_admin=True))
    response = client.get("/series/people/?email=AMINA@example.ma")
    assert response.status_code == 302
    assert second.title["en"] in client.get(response.location).text
