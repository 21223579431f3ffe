"""What every page shares: sign-in, navigation, the language switch, and markup that a strict
Content-Security-Policy will accept (no inline script, style or event handler, no CDN)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from provinces.models import Province
from recommendations.models import Recommendation
from surveys.models import Delegation, Finding
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _pages():
    return [
        reverse("recommendations:dashboard"),
        reverse("recommendations:list"),
        Recommendation.objects.order_by("pk").first().get_absolute_url(),
        reverse("surveys:obstacle_list"),
        Finding.objects.obstacles().order_by("pk").first().get_absolute_url(),
        reverse("provinces:list"),
        Province.objects.get(code="22").get_absolute_url(),
        reverse("surveys:delegation_list"),
        Delegation.objects.get(number=2).get_absolute_url(),
    ]


def test_every_page_needs_a_signed_in_user(client):
    for url in [
        *_pages(),
        reverse("recommendations:export_csv"),
        reverse("recommendations:export_xlsx"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('login')}?next="), url


def test_every_role_may_read_every_page(client, ministry_user, officer_qn, plain_user):
    for user in (ministry_user, officer_qn, plain_user):
        client.force_login(user)
        for url in _pages():
            assert client.get(url).status_code == 200, (user, url)


def test_login_page_is_styled_and_signs_in(client, ministry_user):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đăng nhập" in html
    assert "css/tracker.css" in html
    response = client.post(
        reverse("login") + "?next=/recommendations/",
        {"username": "canbo", "password": PASSWORD, "next": "/recommendations/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/recommendations/"


def test_wrong_password_shows_an_error_summary(client, ministry_user):
    response = client.post(reverse("login"), {"username": "canbo", "password": "sai"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html


def test_logout_is_a_post(staff_client):
    assert staff_client.get(reverse("logout")).status_code == 405
    response = staff_client.post(reverse("logout"))
    assert response.status_code == 302
    assert staff_client.get(reverse("recommendations:list")).status_code == 302


def test_the_admin_keeps_its_own_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:login")).status_code == 200


def test_navigation_marks_the_current_section(staff_client):
    html = staff_client.get(reverse("provinces:list")).content.decode()
    assert re.search(r'href="/provinces/"\s+aria-current="page"', html)
    assert 'href="/admin/"' in html  # ministry staff may use the admin


def test_language_switch_works_before_and_after_signing_in(client, ministry_user):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Sign in" in client.get(reverse("login")).content.decode()
    client.force_login(ministry_user)
    html = client.get(reverse("recommendations:list")).content.decode()
    assert '<html lang="en">' in html
    assert "19 recommendations" in html
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "19 kiến nghị" in client.get(reverse("recommendations:list")).content.decode()


def test_vietnamese_whatever_the_browser_asks_for(staff_client):
    # Many of the ministry's computers run an English browser: only the switch changes it.
    response = staff_client.get(reverse("recommendations:list"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="vi">' in response.content.decode()


def test_language_switch_is_a_post_form_on_every_page(staff_client):
    html = staff_client.get(reverse("recommendations:dashboard")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.style_elements = 0
        self.style_attributes = []
        self.handlers = []
        self.external = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if "style" in attrs:
            self.style_attributes.append(tag)
        self.handlers += [name for name in attrs if name.startswith("on")]
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if tag in ("script", "link", "img") and value.startswith(("http:", "https:", "//")):
                self.external.append(value)


def test_pages_are_ready_for_a_strict_content_security_policy(staff_client):
    for url in [*_pages(), reverse("recommendations:list") + "?status=bad&page=99"]:
        markup = _Markup()
        markup.feed(staff_client.get(url).content.decode())
        assert markup.inline_scripts == 0, url
        assert markup.style_elements == 0, url
        assert markup.style_attributes == [], url
        assert markup.handlers == [], url
        assert markup.external == [], url


def test_date_filters_read_dd_mm_yyyy_in_every_browser(staff_client):
    response = staff_client.get(reverse("recommendations:list"), {"due_after": "2025-10-01"})
    html = response.content.decode()
    # A text field, not a native picker (which shows mm/dd/yyyy in an American browser).
    assert 'name="due_after" value="2025-10-01"' in html or 'value="01/10/2025"' in html
    assert 'type="date"' not in html
    assert "Ví dụ: 31/12/2025" in html


def test_assets_are_served_by_the_app(staff_client):
    html = staff_client.get(reverse("recommendations:list")).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any("htmx" in src for src in scripts)
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheets == ["/static/css/tracker.css"]
    for path in [*scripts, *stylesheets]:
        assert finders.find(path.removeprefix("/static/")), path
    # htmx must not inject its own <style> element (the policy forbids inline styles).
    assert '"includeIndicatorStyles": false' in html


def test_deep_pages_fetch_ids_first_then_the_rows_in_order(staff_client):
    """The deferred join keeps the list's order and page contents exactly."""
    from recommendations.models import Recommendation

    url = "/recommendations/"
    expected = list(
        Recommendation.objects.order_by("-updated_at", "-id").values_list("pk", flat=True)
    )
    seen = []
    for page in (1, 2, 3, 4):
        response = staff_client.get(url, {"page_size": 5, "page": page})
        seen += [row.pk for row in response.context["object_list"]]
    assert seen == expected[:19]


def test_the_first_pages_take_one_query_and_deep_pages_two(django_assert_num_queries):
    """Below ``deferred_from`` a page is one query; from there, its ids first (an index-only
    OFFSET), then the rows – the same rows in the same order either way."""
    from recommendations.models import Recommendation
    from tracker.views import DeferredJoinPaginator

    rows = Recommendation.objects.select_related("province").order_by("-updated_at", "-id")
    direct = DeferredJoinPaginator(rows, 5)
    deferred = DeferredJoinPaginator(rows, 5)
    deferred.deferred_from = 0
    assert direct.count == deferred.count  # counted before the queries below
    for number in (1, 2, 4):
        with django_assert_num_queries(1):
            one = [row.pk for row in direct.page(number)]
        with django_assert_num_queries(2):
            two = [row.pk for row in deferred.page(number)]
        assert one == two
        assert one == list(rows.values_list("pk", flat=True)[(number - 1) * 5 : number * 5])
