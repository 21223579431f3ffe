"""The address a request came from, seen through the reverse proxies we run.

Behind nginx every request's ``REMOTE_ADDR`` is the proxy's, so django-axes, which locks a
(user name, address) pair after five wrong passwords, locked a named account out for everyone.
With ``TRUSTED_PROXY_COUNT = n`` (the number of proxies in front of the app, each appending the
address it received the request from to ``X-Forwarded-For``, as nginx's
``$proxy_add_x_forwarded_for`` does), the client is the n-th address from the right: the ones
right of it were written by our proxies, anything left of it by whoever sent the request, so a
forged header cannot choose the address. With 0 (the default, no proxy) the header is ignored.

django-ipware's ``proxy_count`` counts the proxies' own addresses in the header (a one-proxy
chain is "client, proxy"), which is not what nginx sends, so the hop is taken here, plainly.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the trusted proxies' hop of
    ``X-Forwarded-For`` (``settings.TRUSTED_PROXY_COUNT``); django-axes calls it."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count < 1:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        # Fewer hops than proxies: the request did not come through them all; trust only
        # the peer we can see.
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
