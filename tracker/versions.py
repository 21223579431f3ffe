"""Version numbers kept in the shared cache, for cached values to put in their keys.

A value cached over some data holds the version of that data in its key; a change raises the
version, so every process reads new keys and the old entries are never read again (they
expire). The data version (recommendations, history, documents), the reference lists' version
and the working-day calendar's version are each one of these.

Within a request (``VersionSnapshotMiddleware``) the versions are read together, in one round
trip, the first time one is asked for, and kept until the request ends: a list page asks for
them five times (its count, its filter panel, the filters' chosen rows…). A request thus sees
one consistent state, as a page drawn an instant earlier would; a raise made by the request
itself is seen at once.
"""

import time
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

#: Every shared version, by key: the snapshot reads them all at once.
_REGISTRY: dict[str, "SharedVersion"] = {}
#: The versions read during the current request (None outside one: each read asks the cache).
_snapshot: ContextVar[dict | None] = ContextVar("shared_versions", default=None)


class SharedVersion:
    def __init__(self, key: str):
        self.key = key
        _REGISTRY[key] = self

    def get(self) -> int:
        snapshot = _snapshot.get()
        if snapshot is None:
            return self._read()
        if self.key not in snapshot:
            snapshot.update(cache.get_many([key for key in _REGISTRY if key not in snapshot]))
            if self.key not in snapshot:  # never set, or evicted
                snapshot[self.key] = self._read()
        return snapshot[self.key]

    def _read(self) -> int:
        value = cache.get(self.key)
        if value is None:
            self.bump()
            value = cache.get(self.key, 0)
        return value

    def bump(self, **kwargs) -> None:
        """Raise the version now (``**kwargs``: usable as a signal receiver)."""
        try:
            cache.incr(self.key)
        except ValueError:
            # Not set yet, or evicted: a start no earlier number can reach (the clock, in ns),
            # so no key made under an earlier version is read again.
            cache.set(self.key, time.time_ns(), None)
        snapshot = _snapshot.get()
        if snapshot is not None:
            snapshot.pop(self.key, None)  # this request reads its own change

    def bump_on_commit(self, **kwargs) -> None:
        """Raise the version once the current transaction commits (a signal receiver)."""
        transaction.on_commit(self.bump)


class VersionSnapshotMiddleware:
    """Reads the shared versions once per request (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _snapshot.set({})
        try:
            return self.get_response(request)
        finally:
            _snapshot.reset(token)
