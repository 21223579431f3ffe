"""The shared cache's backend (one Redis client per pool) and the shared versions read once
per request (tracker/versions.py)."""

import os
import socket
from unittest import mock
from urllib.parse import urlparse

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from tracker import versions
from tracker.cache import RedisCache

REDIS_URL = os.environ.get("CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def redis_cache():
    url = urlparse(REDIS_URL)
    try:
        socket.create_connection((url.hostname, url.port or 6379), timeout=2).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: CI needs it.")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": "tracker-test-cache"})
    yield backend
    backend.clear()


def test_the_redis_backend_keeps_one_client_per_pool(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.set("answer", {"rows": [1, 2]}, 30)
    assert redis_cache.get("answer") == {"rows": [1, 2]}
    assert redis_cache.get_many(["answer", "missing"]) == {"answer": {"rows": [1, 2]}}
    redis_cache.set("answer-count", 1, 30)
    assert redis_cache.incr("answer-count") == 2
    assert redis_cache._cache.get_client() is client


@pytest.fixture(autouse=True)
def _registry_kept():
    """The versions made here leave the registry the site's requests read."""
    kept = dict(versions._REGISTRY)
    yield
    versions._REGISTRY.clear()
    versions._REGISTRY.update(kept)


def _in_a_request(view):
    middleware = versions.VersionSnapshotMiddleware(view)
    return middleware(RequestFactory().get("/"))


def test_a_request_reads_every_version_in_one_round_trip():
    first, second = versions.SharedVersion("test:v1"), versions.SharedVersion("test:v2")
    first.bump()
    second.bump()
    seen = {}

    def view(request):
        with (
            mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
            mock.patch.object(versions.SharedVersion, "_read") as one_by_one,
        ):
            seen["values"] = [first.get(), second.get(), first.get()]
        seen["get_many"], seen["one_by_one"] = get_many.call_count, one_by_one.call_count
        return "done"

    assert _in_a_request(view) == "done"
    assert seen["values"] == [cache.get("test:v1"), cache.get("test:v2"), cache.get("test:v1")]
    assert seen["get_many"] == 1 and seen["one_by_one"] == 0


def test_a_request_sees_its_own_change_and_the_next_one_every_change():
    version = versions.SharedVersion("test:v3")
    version.bump()

    def view(request):
        before = version.get()
        cache.incr("test:v3")  # another process's change: this request keeps its snapshot
        kept = version.get()
        version.bump()  # its own change: seen at once
        return before, kept, version.get()

    before, kept, own = _in_a_request(view)
    assert kept == before and own == before + 2
    assert _in_a_request(lambda request: version.get()) == own
    # Outside a request every read asks the cache.
    cache.incr("test:v3")
    assert version.get() == own + 1


def test_an_evicted_version_starts_again_above_every_earlier_one():
    version = versions.SharedVersion("test:v4")
    version.bump()
    before = version.get()
    cache.delete("test:v4")
    assert _in_a_request(lambda request: version.get()) > before


def test_kept_computes_once_while_on_and_every_time_when_off():
    from tracker.cache import kept

    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    def no_key():
        raise AssertionError("a turned-off cache reads no version")

    assert kept(0, no_key, compute) == {"n": 1} and kept(0, no_key, compute) == {"n": 2}
    assert kept(600, None, compute) == {"n": 3}  # no key: nothing kept
    cache.delete("test:kept")
    assert kept(600, lambda: "test:kept", compute) == {"n": 4}
    assert kept(600, "test:kept", compute) == {"n": 4} and len(calls) == 4
    cache.delete("test:kept")
