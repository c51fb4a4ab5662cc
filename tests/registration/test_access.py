"""A participant's private links open their own registration only."""

from __future__ import annotations

import pytest
from flask import Blueprint, g

from forum import create_app
from forum.registration.access import participant_required
from forum.registration.models import RegistrationStatus


@pytest.fixture(scope="module")
def probe_client(app):
    """A second app on the same database, with a blueprint that echoes the registration behind a link."""
    probe_app = create_app(dict(app.config))
    probe = Blueprint("probe", __name__)

    @probe.route("/f/<forum_slug>/me/<access_key>/probe")
    @participant_required()
    def whoami():
        return g.registration.email

    @probe.route("/f/<forum_slug>/me/<access_key>/confirmed-only")
    @participant_required(RegistrationStatus.confirmed)
    def confirmed_only():
        return "ok"

    probe_app.register_blueprint(probe)
    return probe_app.test_client()


def test_the_key_opens_its_own_registration(probe_client, make_forum, make_registration):
    forum = make_forum()
    registration = make_registration(forum)
    response = probe_client.get(f"/f/{forum.slug}/me/{registration.access_key}/probe")
    assert response.get_data(as_text=True) == registration.email


def test_a_wrong_key_or_another_forums_key_is_not_found(probe_client, make_forum, make_registration):
    forum, other = make_forum(), make_forum()
    stranger = make_registration(other)
    assert probe_client.get(f"/f/{forum.slug}/me/{stranger.access_key}/probe").status_code == 404
    assert probe_client.get(f"/f/{forum.slug}/me/not-a-key/probe").status_code == 404


def test_status_can_be_required(probe_client, make_forum, make_registration):
    forum = make_forum()
    pending = make_registration(forum, status=RegistrationStatus.pending)
    assert probe_client.get(f"/f/{forum.slug}/me/{pending.access_key}/confirmed-only").status_code == 403
