"""Profiles: consent, one vocabulary with the exhibition, the directory and its filters."""

from __future__ import annotations

import pytest

from forum.exhibition.models import Exhibitor
from forum.partnerships import services
from forum.registration.models import Category, RegistrationStatus


def test_a_profile_needs_consent_and_a_confirmed_registration(db, make_forum, make_registration):
    forum = make_forum()
    registration = make_registration(forum)
    with pytest.raises(services.NoConsent):
        services.save_profile(registration, {"offers": ["funding"]}, consent=False)
    pending = make_registration(forum, status=RegistrationStatus.pending)
    with pytest.raises(services.NotConfirmed):
        services.save_profile(pending, {"offers": ["funding"]}, consent=True)
    profile = services.save_profile(
        registration, {"offers": ["funding", "nonsense"], "needs": ["skills"]}, consent=True
    )
    assert profile.offers == ["funding"] and profile.needs == ["skills"] and profile.consent_at is not None


def test_an_exhibitors_offers_follow_its_profile(db, make_forum, make_registration, make_organisation):
    forum = make_forum()
    organisation = make_organisation(name="Atlas Solar")
    exhibitor = Exhibitor(
        forum_id=forum.id, organisation_id=organisation.id, contact_email="c@atlas.ma", offers=["funding"]
    )
    db.session.add(exhibitor)
    db.session.commit()
    staff = make_registration(forum, category=Category.exhibitor, organisation_id=organisation.id)
    assert services.initial_profile(staff)["offers"] == ["funding"]
    services.save_profile(staff, {"offers": ["equipment", "expertise"], "needs": ["market_access"]}, consent=True)
    assert exhibitor.offers == ["expertise", "equipment"] and exhibitor.seeks == ["market_access"]


def test_the_directory_filters_and_lists_only_open_profiles(db, make_forum, make_partner):
    forum = make_forum()
    donor = make_partner(forum, offers=("funding",), category=Category.donor)
    association = make_partner(forum, needs=("funding",), provinces=["midelt"])
    make_partner(forum, offers=("funding",), is_open_to_meetings=False)
    assert services.directory(forum) == [donor, association]
    assert services.directory(forum, offer="funding") == [donor]
    assert services.directory(forum, need="funding", province="midelt") == [association]
    assert services.directory(forum, category="donor") == [donor]


def test_the_directory_page_never_shows_email_or_phone(client, make_forum, make_partner, make_registration):
    forum = make_forum()
    partner = make_partner(forum, offers=("skills",), organisation="Atlas Digital")
    me = make_registration(forum)
    page = client.get(f"/f/{forum.slug}/me/{me.access_key}/partners/directory?offer=skills").get_data(as_text=True)
    assert "Atlas Digital" in page and "Skills-based sponsorship" in page
    assert partner.registration.email not in page and "+212612345678" not in page
    empty = client.get(f"/f/{forum.slug}/me/{me.access_key}/partners/directory?offer=premises").get_data(as_text=True)
    assert "Atlas Digital" not in empty and "No partner matches." in empty


def test_publishing_a_profile_through_the_form(client, db, make_forum, make_registration):
    forum = make_forum()
    me = make_registration(forum)
    url = f"/f/{forum.slug}/me/{me.access_key}/partners/profile"
    refused = client.post(url, data={"offers": ["funding"], "pitch-en": "We fund rural projects"})
    assert refused.status_code == 200 and "Tick the consent box" in refused.get_data(as_text=True)
    assert "We fund rural projects" in refused.get_data(as_text=True)  # the form comes back filled
    done = client.post(url, data={"offers": ["funding"], "pitch-en": "We fund rural projects", "consent": "y"})
    assert done.status_code == 302
    assert services.profile_of(me).pitch == {"en": "We fund rural projects"}


def test_a_pending_registration_has_no_partner_pages(client, make_forum, make_registration):
    forum = make_forum()
    pending = make_registration(forum, status=RegistrationStatus.pending)
    assert client.get(f"/f/{forum.slug}/me/{pending.access_key}/partners/").status_code == 403
    assert client.get(f"/f/{forum.slug}/me/not-a-key/partners/").status_code == 404
