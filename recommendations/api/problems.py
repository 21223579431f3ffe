"""RFC 9457 problem documents: every refusal of the API, in the reader's language.

A problem is ``{"type", "title", "status", "detail", "errors"}`` served as
``application/problem+json``; ``errors`` maps a field (or ``"non_field_errors"``) to its
messages, the same Vietnamese sentences the pages show. A refused write because of a stale
``If-Match`` also carries ``current``: the recommendation as it now stands.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger("tracker.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
#: ``type`` is a stable identifier of the kind of problem (not fetched by anyone): a URN.
TYPE_PREFIX = "urn:tracker:problem:"


def _titles() -> dict[int, str]:
    # Built per call: the titles follow the language active for this request.
    return {
        400: _("The request has errors."),
        401: _("Sign in or send an API token."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        406: _("This response format is not offered."),
        412: _("Someone else changed this recommendation."),
        415: _("Send the request body as JSON."),
        428: _("Send If-Match with the recommendation's ETag."),
        429: _("Too many requests."),
    }


_KINDS = {
    400: "invalid",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    412: "stale",
    415: "unsupported-media-type",
    428: "if-match-required",
    429: "throttled",
}


def problem(status_code: int, *, detail: str = "", errors=None, headers=None, **extra) -> Response:
    """A problem response with ``status_code`` and its title in the active language."""
    body = {
        "type": TYPE_PREFIX + _KINDS.get(status_code, "error"),
        "title": _titles().get(status_code, _("The request failed.")),
        "status": status_code,
        "detail": str(detail or _titles().get(status_code, "")),
        "errors": {key: [str(m) for m in messages] for key, messages in (errors or {}).items()},
        **extra,
    }
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's error detail (a dict, a list or a string, nested) as field → messages."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            for subkey, messages in _flatten(value).items():
                name = key if subkey == "non_field_errors" else f"{key}.{subkey}"
                flat.setdefault(name, []).extend(messages)
        return flat
    if isinstance(detail, list):
        messages = []
        for item in detail:
            for values in _flatten(item).values():
                messages.extend(values)
        return {"non_field_errors": messages}
    return {"non_field_errors": [str(detail)]}


def validation_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as field → messages (``__all__`` becomes non_field_errors)."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    """DRF's exception handler, answering with problem documents."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        set_rollback()
        errors = validation_errors(exc)
        detail = " ".join(message for messages in errors.values() for message in messages)
        return problem(400, detail=detail, errors=errors)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's 500 handling and logging

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()

    code = exc.status_code
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # A request without valid credentials is 401, whichever authenticator ran first.
        code = status.HTTP_401_UNAUTHORIZED
        headers.setdefault("WWW-Authenticate", 'Token realm="api"')
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = " ".join(message for messages in errors.values() for message in messages)
        return problem(code, detail=detail, errors=errors, headers=headers)
    if code == 401:
        detail = _titles()[401]
    elif code == 403 and isinstance(exc.detail, str) and exc.detail == exc.default_detail:
        detail = _titles()[403]
    elif code in (404, 405, 406, 415, 429):
        detail = _titles()[code]
    else:
        detail = str(exc.detail)
    return problem(code, detail=detail, headers=headers)
