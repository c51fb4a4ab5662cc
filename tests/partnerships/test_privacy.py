"""A person's partnership profile, requests and meetings in their data export; erasure keeps the counts."""

from __future__ import annotations

import json

import sqlalchemy as sa

from forum.partnerships.models import MeetingRequest, PartnershipProfile
from forum.privacy import services as privacy
from forum.privacy.services.export import personal_sections


def test_the_export_lists_the_profile_and_the_requests_with_their_words(db, make_forum, make_partner, agreed):
    forum = make_forum()
    association = make_partner(forum, needs=("funding",), project_title="Solar pumps for Tinghir")
    company = make_partner(forum, offers=("funding",))
    agreed(association, company)
    section = next(s for s in personal_sections(association.registration) if s.key == "partnerships")
    text = json.dumps(section.records)
    assert "Solar pumps for Tinghir" in text and "Let us talk" in text
    assert company.registration.email not in text


def test_erasure_deletes_the_profile_and_the_words_but_keeps_the_request_counted(db, make_forum, make_partner, agreed):
    forum = make_forum()
    association = make_partner(forum, needs=("funding",), pitch={"fr": "Nous cherchons un mécène"})
    company = make_partner(forum, offers=("funding",))
    agreed(association, company)
    privacy.erase(association.registration, reason="request")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PartnershipProfile)) == 1
    request = db.session.scalar(sa.select(MeetingRequest))
    assert request is not None and request.message == "" and request.status.value == "accepted"
