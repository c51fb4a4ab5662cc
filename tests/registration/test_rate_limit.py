"""The sign-up's rate limit on Redis, as deployed: it limits, its headers tell the client where it
stands, and each limited request costs one round trip to Redis."""

import os
import secrets
import time

from helpers import counting_connection
from redis import Redis

from forum import create_app

REDIS_URL = os.environ.get("MULTAQA_TEST_REDIS", "redis://127.0.0.1:6379/15")


def test_sign_up_posts_are_limited_on_redis_in_one_round_trip_each(database_url, make_forum):
    sent = []

    Counted = counting_connection(sent)

    prefix = f"test-limit-{secrets.token_hex(4)}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_STORAGE_OPTIONS": {"connection_class": Counted},
            "RATELIMIT_KEY_PREFIX": prefix,
        }
    )
    forum = make_forum()
    with app.app_context():
        client = app.test_client()
        answers = []
        for _ in range(21):
            sent.clear()
            answers.append((client.post(f"/f/{forum.slug}/register", data={"email": "x"}), len(sent)))
        from forum.extensions import db

        db.engine.dispose()
    Redis.from_url(REDIS_URL).delete(*Redis.from_url(REDIS_URL).keys(f"*{prefix}*"))

    assert [response.status_code for response, _ in answers] == [200] * 20 + [429]
    # the hit answers the window for the headers too (the first also opens the connection, loads the script)
    assert {trips for _, trips in answers[1:]} == {1}
    assert [response.headers["X-RateLimit-Remaining"] for response, _ in answers] == [
        *(str(n) for n in range(19, -1, -1)),
        "0",
    ]
    for response, _ in answers:
        assert response.headers["X-RateLimit-Limit"] == "20"
        assert 0 < int(response.headers["X-RateLimit-Reset"]) - time.time() <= 61
        assert 0 <= int(response.headers["Retry-After"]) <= 60
