"""Per-process caches of what a session's published revision shows (calendar events, agenda lines)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class RevisionCache(Generic[T]):
    """Values derived from one revision of a session, kept per process.

    The key holds everything the value shows (the session's id and `updated_at`, its SEQUENCE, the
    language, its room's name...), read with the session in the request's own query: a change made by
    another process gives a new key on the next request, so an entry is never stale and needs no
    invalidation. Old entries are dropped wholesale once `limit` is reached.
    """

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._values: dict[Hashable, T] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        value = self._values.get(key)
        if value is None:
            value = build()
            if len(self._values) >= self.limit:
                self._values.clear()
            self._values[key] = value
        return value
