"""Django's ``{% querystring %}`` tag, with the same output, without copying the query for
every link.

A list page writes about fifteen links from one query (the chips, the sortable headings, the
pages, the exports); Django's tag deep-copies ``request.GET`` and encodes every value again for
each of them – a millisecond of the list's time. Here the request's own query (immutable) is
encoded once per request and each link changes only its own keys. Registered as a template
builtin (``TEMPLATES["OPTIONS"]["builtins"]``), so it replaces Django's tag of the same name
in every template; tests/tracker/test_querystring.py holds it to Django's output.
"""

from collections.abc import Iterable
from urllib.parse import urlencode

from django import template
from django.http.request import bytes_to_text

register = template.Library()


def _encoded(key: str, values, encoding: str) -> list[str]:
    # QueryDict.urlencode() without ``safe``: one urlencode of each (key, value) pair.
    key = key.encode(encoding)
    return [urlencode({key: str(value).encode(encoding)}) for value in values]


def _encoded_query(query_dict) -> dict[str, list[str]]:
    """Each key of ``query_dict`` with its values encoded, in order; kept on an immutable
    QueryDict (a request's), which cannot change after."""
    cached = getattr(query_dict, "_encoded_pairs", None)
    if cached is not None:
        return cached
    pairs = {key: _encoded(key, values, query_dict.encoding) for key, values in query_dict.lists()}
    if not query_dict._mutable:
        query_dict._encoded_pairs = pairs
    return pairs


@register.simple_tag(name="querystring", takes_context=True)
def querystring(context, query_dict=None, **kwargs):
    """``{% querystring page=2 %}``: the query (``request.GET`` unless given) with these keys
    set (a list sets several values) or removed (``None``), as ``?…``; see Django's tag."""
    if query_dict is None:
        query_dict = context.request.GET
    pairs = _encoded_query(query_dict)
    if kwargs:
        pairs = dict(pairs)
        for key, value in kwargs.items():
            key = bytes_to_text(key, query_dict.encoding)
            if value is None:
                pairs.pop(key, None)
            elif isinstance(value, Iterable) and not isinstance(value, str):
                values = [bytes_to_text(item, query_dict.encoding) for item in value]
                pairs[key] = _encoded(key, values, query_dict.encoding)
            else:
                value = bytes_to_text(value, query_dict.encoding)
                pairs[key] = _encoded(key, [value], query_dict.encoding)
    if not pairs and not query_dict:
        return ""
    return "?" + "&".join(part for parts in pairs.values() for part in parts)
