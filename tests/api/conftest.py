import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """The public page's cache and the throttle's counters start empty in every test (a
    rolled-back test leaves no signal that would clear them)."""
    cache.clear()
    yield
    cache.clear()
