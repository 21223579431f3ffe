import importlib
import os

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone, translation


def test_vietnamese_first_with_english_available():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_read_dd_mm_yyyy(language):
    import datetime

    with translation.override(language):
        assert formats.date_format(datetime.date(2025, 8, 29), "SHORT_DATE_FORMAT") == "29/08/2025"


def test_vietnamese_numbers_use_a_decimal_comma():
    from decimal import Decimal

    with translation.override("vi"):
        assert formats.number_format(Decimal("99.99")) == "99,99"


def test_local_time_is_ho_chi_minh():
    import datetime

    moment = datetime.datetime(2025, 9, 4, 2, 0, tzinfo=datetime.UTC)
    assert timezone.localtime(moment).hour == 9


def _reload_settings(monkeypatch, **env):
    for key in [
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "ALLOWED_HOSTS",
        "DB_POOL",
        "CONN_MAX_AGE",
        "REDIS_URL",
        "RECORD_CACHE_SECONDS",
    ]:
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import types

    import tracker.settings as module

    try:
        # A snapshot: the module object itself is reloaded again below.
        return types.SimpleNamespace(**vars(importlib.reload(module)))
    finally:
        monkeypatch.undo()
        importlib.reload(module)


def test_settings_default_to_debug_and_sqlite(monkeypatch):
    module = _reload_settings(monkeypatch)
    assert module.DEBUG is True
    assert module.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert module.ALLOWED_HOSTS == ["127.0.0.1", "localhost"]


def test_settings_read_database_url(monkeypatch):
    module = _reload_settings(
        monkeypatch, DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker"
    )
    database = module.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"]) == ("tracker", "127.0.0.1", 5432)


def test_production_pools_postgresql_connections(monkeypatch):
    module = _reload_settings(
        monkeypatch,
        DEBUG="0",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker",
    )
    database = module.DATABASES["default"]
    assert database["OPTIONS"]["pool"]["max_size"] == 10
    assert database["CONN_MAX_AGE"] == 0  # the pool keeps the connections, not Django
    sqlite = _reload_settings(monkeypatch, DEBUG="0", SECRET_KEY="x" * 50, DB_POOL="1")
    assert "pool" not in sqlite.DATABASES["default"].get("OPTIONS", {})


def test_the_pool_and_persistent_connections_exclude_each_other(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="CONN_MAX_AGE"):
        _reload_settings(
            monkeypatch,
            DB_POOL="1",
            CONN_MAX_AGE="60",
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker",
        )
    module = _reload_settings(
        monkeypatch,
        DB_POOL="0",
        CONN_MAX_AGE="60",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker",
    )
    assert module.DATABASES["default"]["CONN_MAX_AGE"] == 60
    assert "pool" not in module.DATABASES["default"].get("OPTIONS", {})


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured):
        _reload_settings(monkeypatch, DEBUG="0")


def test_production_reads_hosts_from_the_environment(monkeypatch):
    module = _reload_settings(
        monkeypatch, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="a.gov.vn, b.gov.vn"
    )
    assert module.DEBUG is False
    assert module.ALLOWED_HOSTS == ["a.gov.vn", "b.gov.vn"]
    assert os.environ.get("DEBUG") != "0"  # the environment was restored


KEPT = [
    "PUBLIC_PAGE_CACHE_SECONDS",
    "SIMILAR_CACHE_SECONDS",
    "CHOICES_CACHE_SECONDS",
    "DASHBOARD_CACHE_SECONDS",
    "RECORD_CACHE_SECONDS",
    "LIST_COUNT_CACHE_SECONDS",
    "USER_CACHE_SECONDS",
]


def test_values_kept_between_requests_need_a_cache_every_process_shares(monkeypatch):
    """Each gunicorn worker has its own local-memory cache: a role taken away in one would
    live on in another's. Without Redis, production keeps nothing between requests."""
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50}
    alone = _reload_settings(monkeypatch, **production)
    assert alone.SHARED_CACHE is False
    assert all(getattr(alone, name) == 0 for name in KEPT)
    shared = _reload_settings(monkeypatch, **production, REDIS_URL="redis://127.0.0.1:6379/0")
    assert shared.CACHES["default"]["BACKEND"] == "tracker.cache.RedisCache"
    assert shared.USER_CACHE_SECONDS == shared.RECORD_CACHE_SECONDS == 600
    assert shared.SIMILAR_CACHE_SECONDS == 300
    development = _reload_settings(monkeypatch)  # `make run`: one process
    assert development.USER_CACHE_SECONDS == 600
    chosen = _reload_settings(monkeypatch, **production, RECORD_CACHE_SECONDS="30")
    assert chosen.RECORD_CACHE_SECONDS == 30 and chosen.USER_CACHE_SECONDS == 0
