"""The shared cache: its backend, and ``kept``, the one way values are kept in it between
requests.

The backend is Django's Redis cache, with one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call, and
building one fills its table of response callbacks: 120 µs, nearly the cost of the round trip
itself (160 µs on loopback), paid on every ``get`` – eight of them on a list page. A client
takes a connection from the pool for each command and gives it back, so one client per pool
serves every call of the process (redis-py documents its clients as safe to share between
threads).
"""

from django.core.cache import cache
from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Pools live as long as this object (Django keeps them in ``_pools``), so their
            # ids are never reused for another pool meanwhile.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def kept(seconds: int, key, compute):
    """``compute()``, kept in the cache under ``key`` for ``seconds`` – or computed every time
    when ``seconds`` is 0 (a ``*_CACHE_SECONDS`` setting turned off) or ``key`` is None.
    ``key`` may be a callable, called only when the cache is used (a key holding version
    numbers reads them; a turned-off cache need not). ``compute`` must not return None."""
    if seconds <= 0:
        return compute()
    key = key() if callable(key) else key
    if key is None:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
