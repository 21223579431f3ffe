"""Login throttling behind the reverse proxy: the client's address is the trusted proxies' hop
of X-Forwarded-For (TRUSTED_PROXY_COUNT), never what a client writes in the header itself."""

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD
from tracker.client_ip import client_ip

PROXY = "127.0.0.1"  # nginx, as the app sees it
ALICE = "113.160.1.10"
BOB = "14.177.2.20"


def _request(forwarded=None, remote=PROXY):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, None, PROXY),
        (0, ALICE, PROXY),  # no trusted proxy: the header is the client's own word
        (1, ALICE, ALICE),
        (1, f"6.6.6.6, {ALICE}", ALICE),  # a forged hop left of the proxy's is ignored
        (1, None, PROXY),  # not through the proxy
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
        (2, f"6.6.6.6, {ALICE}, 10.0.0.2", ALICE),
        (2, ALICE, PROXY),  # fewer hops than proxies
    ],
)
def test_client_ip(count, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_ip(_request(forwarded)) == expected


def _login(client, username, password, forwarded):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def _lock(client, username, forwarded):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, username, "sai-mat-khau", forwarded)
    assert _login(client, username, PASSWORD, forwarded).status_code == 429


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_two_clients_are_locked_separately(client, ministry_user):
    _lock(client, ministry_user.username, f"{BOB}, {ALICE}")  # Alice, who forged Bob's address
    response = _login(client, ministry_user.username, PASSWORD, BOB)
    assert response.status_code == 302


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_the_header_changes_nothing(client, ministry_user):
    _lock(client, ministry_user.username, ALICE)
    # A different X-Forwarded-For does not get round the lock-out.
    assert _login(client, ministry_user.username, PASSWORD, BOB).status_code == 429


def test_axes_asks_us_for_the_address():
    assert settings.AXES_CLIENT_IP_CALLABLE == "tracker.client_ip.client_ip"
    assert settings.TRUSTED_PROXY_COUNT == 0
