"""The error pages: in the site's layout and its language, each saying why and offering a way
back (tracker/urls.py names them as Django's handlers).

Pages and downloads answer alike: a refused export raises ``PermissionDenied`` and gets the
same 403 page. The 500 page is rendered without the request, so no context processor runs
(the user, the session: the database may be what failed) and no detail of the failure shows.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def _reason(exception) -> str:
    """The message the app gave with a refusal (``PermissionDenied(_("Only ministry staff
    …"))``), written for the user and already translated; empty when it gave none."""
    if isinstance(exception, PermissionDenied) and exception.args:
        return str(exception.args[0])
    return ""


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": _reason(exception)}, status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """No request in the context: nothing that could fail again while rendering."""
    return HttpResponseServerError(loader.get_template("500.html").render())


@requires_csrf_token
def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: the form was older than the session, or cookies are blocked.
    Django's ``reason`` is English for developers; it goes to the log, not the page."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return render(request, "403_csrf.html", status=403)


class MethodNotAllowedPageMiddleware:
    """Django has no ``handler405``: a view that refuses a method (``require_POST``, a class
    view without ``post``) answers an empty ``HttpResponseNotAllowed``. This gives it the
    site's page, keeping the status and the ``Allow`` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response
