"""The modules share one URL space: no two routes may claim the same path and method."""

from __future__ import annotations

from collections import Counter


def test_no_two_endpoints_share_a_url_rule(app):
    claims = Counter(
        (rule.rule, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    )
    assert [claim for claim, count in claims.items() if count > 1] == []
