"""Shared fixtures.

The seed (reference data + the 2025 campaign) is loaded once per test session into the test
database, so every ``db`` test starts from the data of the two reports. Transactional tests
(live server, browser, concurrency) flush the database when they finish; they use the
``seeded_transactional_db`` fixture, which restores the roles and loads the seed again.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from provinces.models import Province, ProvincialOfficer
from recommendations import roles
from surveys.models import MinistryUnit

PASSWORD = "test-pass-2025"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_seed", verbosity=0)


@pytest.fixture(autouse=True)
def _similar_computed_every_time(settings):
    """Pinned query counts and suggestion tests see the computation, not a cache a previous test
    filled (tests/recommendations/test_similar_cache.py turns the cache on)."""
    settings.SIMILAR_CACHE_SECONDS = 0
    # Likewise the filter forms' choices (tracker/reference.py): inside a test's transaction
    # no commit raises their version. tests/tracker/test_reference.py turns the cache on.
    settings.CHOICES_CACHE_SECONDS = 0
    settings.DASHBOARD_CACHE_SECONDS = 0  # on in tests/recommendations/test_dashboard_cache.py
    settings.RECORD_CACHE_SECONDS = 0  # on in tests/recommendations/test_record_cache.py
    settings.LIST_COUNT_CACHE_SECONDS = 0  # on in tests/recommendations/test_list_count_cache.py
    settings.USER_CACHE_SECONDS = 0  # on in test_roles_cache.py and test_list_columns.py


@pytest.fixture
def cached(request, settings):
    """Turns on the cache kept between requests that the test module names in ``CACHE_ON``
    (a ``*_CACHE_SECONDS`` setting), on an empty cache: the suite runs with them off."""
    from django.core.cache import cache

    name = request.module.CACHE_ON
    setattr(settings, name, 300 if name == "SIMILAR_CACHE_SECONDS" else 600)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded_transactional_db(transactional_db, django_db_serialized_rollback):
    """A transactional database holding the roles (restored by serialized rollback) and the seed."""
    call_command("load_seed", verbosity=0)


def make_user(username, role=None, *, province_code=None, unit_name=None, **extra):
    """A user in ``role``; officers are bound to ``province_code``, staff may join a unit."""
    User = get_user_model()
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
        if role != roles.PROVINCIAL_OFFICER:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    if province_code:
        ProvincialOfficer.objects.create(
            user=user, province=Province.objects.get(code=province_code)
        )
    if unit_name:
        MinistryUnit.objects.get(name=unit_name).members.add(user)
    return user


def assign_a_reported_one(*, by):
    """Move a reported recommendation of the seed to "assigned" through the service (a change
    the cached counts must follow)."""
    from recommendations.models import Recommendation, Status
    from recommendations.services import recommendation_transition

    recommendation = Recommendation.objects.filter(status=Status.REPORTED).first()
    recommendation_transition(
        recommendation=recommendation,
        to_status=Status.ASSIGNED,
        by=by,
        responsible_unit=MinistryUnit.objects.first(),
    )
    return recommendation


@pytest.fixture
def admin_user(db):
    return make_user("quantri", roles.ADMIN, is_superuser=True)


@pytest.fixture
def ministry_user(db):
    return make_user("canbo", roles.MINISTRY_STAFF, unit_name="Vụ Pháp chế")


@pytest.fixture
def officer_qn(db):
    """A provincial officer of Quảng Ninh (code 22)."""
    return make_user("sokhcn_qn", roles.PROVINCIAL_OFFICER, province_code="22", is_staff=True)


@pytest.fixture
def officer_bn(db):
    """A provincial officer of Bắc Ninh (code 24)."""
    return make_user("sokhcn_bn", roles.PROVINCIAL_OFFICER, province_code="24", is_staff=True)


@pytest.fixture
def plain_user(db):
    """Signed in, but in no role."""
    return make_user("nguoidung")


@pytest.fixture
def staff_client(client, ministry_user):
    """A test client signed in as ministry staff, for the pages."""
    client.force_login(ministry_user)
    return client
