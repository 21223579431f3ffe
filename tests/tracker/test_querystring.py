"""The site's {% querystring %} (tracker/querystring.py) writes what Django's tag writes."""

import pytest
from django.http import QueryDict
from django.template import RequestContext, Template, engines
from django.template.defaulttags import querystring as django_querystring
from django.test import RequestFactory

from tracker.querystring import querystring

QUERIES = [
    "",
    "page=2",
    "province=22&province=38&status=in_progress&status=assigned&page_size=50",
    "q=%C4%91%C3%A0o+t%E1%BA%A1o&ordering=-due",  # đào tạo
    "q=a%26b%3Dc%2Bd%2Fe+f&x=&x=1",  # & = + / and a space, an empty value
    "q=Tr%C6%B0%E1%BB%9Dng+H%E1%BB%8Dc&back=%2Frecommendations%2F%3Fpage%3D3",
]
CHANGES = [
    {},
    {"page": 3},
    {"page": None},
    {"ordering": "-priority", "page": None},
    {"missing": None},
    {"status": ["new", "reported"]},
    {"status": []},
    {"q": "hồ sơ & thủ tục"},
    {"new": "x", "page": "7"},
]


def _context(query):
    request = RequestFactory().get(f"/recommendations/?{query}")
    return RequestContext(request), request


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("changes", CHANGES)
def test_it_writes_what_django_writes(query, changes):
    context, _request = _context(query)
    ours = [querystring(context, **changes) for _ in range(2)]  # the second from the kept pairs
    assert ours == [django_querystring(context, **changes)] * 2
    own = QueryDict(query, mutable=True)
    own.setlist("extra", ["1", "2"])
    assert querystring(context, own, **changes) == django_querystring(context, own, **changes)


def test_one_request_gives_each_link_its_own_changes():
    context, _request = _context("province=22&page=4&ordering=due")
    assert querystring(context, page=5) == "?province=22&page=5&ordering=due"
    assert querystring(context, page=None, ordering="-due") == "?province=22&ordering=-due"
    assert querystring(context) == "?province=22&page=4&ordering=due"


def test_the_templates_use_it():
    template = engines["django"].from_string("{% querystring page=2 %}")
    request = RequestFactory().get("/?q=x&page=1")
    assert template.render({}, request) == "?q=x&amp;page=2"
    assert Template("{% querystring %}").nodelist[0].func.__module__ == "tracker.querystring"
