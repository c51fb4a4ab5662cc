"""How the rate limits count: a fixed window whose hit on Redis also answers the window's state.

Flask-Limiter hits a limit (a script: INCRBY, and EXPIRE on the window's first hit), then reads the
window back for the X-RateLimit-* and Retry-After headers (GET, then TTL): three round trips to Redis
for each limited request. Here the hit's script returns the count and the seconds left together, and
the window is kept in the request's `g` for the headers: one round trip, the same limits and headers.
Any other storage (memory, in development and tests) counts as Flask-Limiter's fixed window does.
"""

from __future__ import annotations

import time

from flask import g, has_request_context
from limits import RateLimitItem
from limits.storage import RedisStorage, Storage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter, WindowStats

#: the strategy's name in RATELIMIT_STRATEGY
ONE_TRIP = "fixed-window-one-trip"

#: the count after the hit (the window starts with its first hit) and the seconds the window has left
_HIT_AND_WINDOW = """
local amount = tonumber(ARGV[2])
local count = redis.call("incrby", KEYS[1], amount)
if count == amount then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {count, redis.call("ttl", KEYS[1])}
"""


class FixedWindowOneTrip(FixedWindowRateLimiter):
    """Flask-Limiter's fixed window ("fixed-window"), in one round trip to Redis per limited request."""

    def __init__(self, storage: Storage) -> None:
        super().__init__(storage)
        self._redis = storage if isinstance(storage, RedisStorage) else None
        self._hit_and_window = (
            self._redis.get_connection().register_script(_HIT_AND_WINDOW) if self._redis is not None else None
        )

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        if self._redis is None or self._hit_and_window is None or not has_request_context():
            return super().hit(item, *identifiers, cost=cost)
        key = item.key_for(*identifiers)
        count, seconds_left = self._hit_and_window([self._redis.prefixed_key(key)], [item.get_expiry(), cost])
        windows = g.setdefault("rate_limit_windows", {})
        windows[key] = WindowStats(time.time() + max(int(seconds_left), 0), max(0, item.amount - int(count)))
        return int(count) <= item.amount

    def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        """The window as this request's hit left it; read from the storage for a limit it did not hit."""
        windows = g.get("rate_limit_windows") if has_request_context() else None
        window = windows.pop(item.key_for(*identifiers), None) if windows else None
        return window if window is not None else super().get_window_stats(item, *identifiers)


# Flask-Limiter takes its strategy by name (RATELIMIT_STRATEGY) from the strategies `limits` knows.
STRATEGIES[ONE_TRIP] = FixedWindowOneTrip
