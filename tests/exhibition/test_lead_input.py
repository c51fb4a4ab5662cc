"""The lead scanner refuses codes in another script or with ids too large, with its message (never a 500)."""

from __future__ import annotations


def test_the_lead_scanner_refuses_such_codes_with_its_message(client, login, organiser, make_exhibitor):
    forum, _ = organiser
    exhibitor = make_exhibitor(forum)
    login(exhibitor.staff[0].user)
    for code in ("MQ1.1-1-1.سلام", f"MQ1.1-{'z' * 30}-1.abc", "MQ1.١-١-١.abcdef"):
        response = client.post(f"/f/{forum.slug}/exhibitor/leads/scan", data={"code": code})
        assert response.status_code == 422 and "not a Multaqa badge" in response.text
