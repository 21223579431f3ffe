"""The OpenAPI schema, its documentation pages, and what every operation may answer."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

PROBLEM = {
    "type": "object",
    "description": "An RFC 9457 problem document, in the reader's language (Vietnamese unless "
    "Accept-Language or the app's language choice says English).",
    "properties": {
        "type": {"type": "string", "description": "A URN naming the kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Field → messages; `non_field_errors` for the request as a whole.",
        },
    },
    "required": ["type", "title", "status", "detail", "errors"],
}

_DESCRIPTIONS = {
    "400": "The request has errors (a filter value, a field of the body, a rule of the "
    "lifecycle): `errors` names each field with the message the page would show.",
    "401": "No credentials, or an unknown or expired token.",
    "403": "Signed in, but not allowed to do this (e.g. an officer acting on another "
    "province's recommendation, or triaging).",
    "404": "No such object (or an invalid cursor).",
    "415": "The body must be JSON.",
    "428": "If-Match is missing: read the recommendation and send its ETag.",
    "429": "Too many requests for this token: wait for Retry-After seconds.",
}


def _problem_response(code: str) -> dict:
    example = {
        "type": "urn:tracker:problem:forbidden",
        "title": "Bạn không được làm việc này.",
        "status": 403,
        "detail": "Bạn không được thay đổi kiến nghị này.",
        "errors": {},
    }
    if code == "400":
        example = {
            "type": "urn:tracker:problem:invalid",
            "title": "Yêu cầu có lỗi.",
            "status": 400,
            "detail": "Kết thúc kiến nghị cần có ghi chú kết quả.",
            "errors": {"resolution_note": ["Kết thúc kiến nghị cần có ghi chú kết quả."]},
        }
    return {
        "description": _DESCRIPTIONS[code],
        "content": {
            "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                **({"example": example} if code in ("400", "403") else {}),
            }
        },
    }


def add_problem_responses(result, generator, request, public):
    """Every operation may be refused: document each refusal as a problem document, so a
    client (and Schemathesis) knows every status code it can get and its body."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["401", "403", "429"]
            if "{" in path or any(p.get("name") == "cursor" for p in _params(operation)):
                codes.append("404")
            if method != "get" or _params(operation):
                codes.append("400")
            if method == "post":
                codes += ["415", "428"]
            for code in codes:
                responses.setdefault(code, _problem_response(code))
    return result


def _params(operation) -> list[dict]:
    return [p for p in operation.get("parameters", []) if p.get("in") == "query"]


class SchemaView(SpectacularAPIView):
    """/api/schema/: signed-in users and tokens (exempt from the pages' login redirect)."""

    api_authenticates = True


class SwaggerView(SpectacularSwaggerSplitView):
    """/api/docs/: Swagger UI from the app's own static files (drf-spectacular-sidecar), its
    start script a separate same-origin file and no inline style: the strict CSP holds. A
    visitor who is not signed in goes to the login page like on every page."""

    template_name = "api/swagger_ui.html"
