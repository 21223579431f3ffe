"""Version numbers kept in the shared cache, for cached values to put in their keys.

A value cached over some data holds the version of that data in its key; a change raises the
version, so every process reads new keys and the old entries are never read again (they
expire). The data version (recommendations, history, documents), the reference lists' version
and the working-day calendar's version are each one of these.
"""

import time

from django.core.cache import cache
from django.db import transaction


class SharedVersion:
    def __init__(self, key: str):
        self.key = key

    def get(self) -> int:
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

    def bump_on_commit(self, **kwargs) -> None:
        """Raise the version once the current transaction commits (a signal receiver)."""
        transaction.on_commit(self.bump)
