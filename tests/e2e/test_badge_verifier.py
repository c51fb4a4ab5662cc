"""The desk's badge verifier (static/js/badge-verify.js, Web Crypto Ed25519) in Chromium, on the same
vectors as the server's reader (tests/badges/test_badge_vectors.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

VECTORS = json.loads((Path(__file__).parents[1] / "badges" / "badge_vectors.json").read_text())


def test_the_browser_verifier_agrees_with_the_vectors(page):
    page.goto("/login")
    page.add_script_tag(url="/static/js/badge-verify.js")
    desk = {
        "forumId": VECTORS["forum_id"],
        "publicKey": VECTORS["public_key"],
        "people": {str(r["id"]): {"v": r["badge_version"]} for r in VECTORS["registrations"]},
    }
    codes = [v["code"] for v in VECTORS["vectors"]]
    reasons = page.evaluate(
        "async ([codes, desk]) => {"
        "  const out = [];"
        "  for (const code of codes) { out.push((await window.MultaqaBadge.verify(code, desk)).reason); }"
        "  return out; }",
        [codes, desk],
    )
    assert dict(zip([v["name"] for v in VECTORS["vectors"]], reasons, strict=True)) == {
        v["name"]: v["device"] for v in VECTORS["vectors"]
    }
    # where the device can decide, it decides as the server does
    assert all(v["device"] == v["server"] for v in VECTORS["vectors"] if v["device"] != "online_only")
