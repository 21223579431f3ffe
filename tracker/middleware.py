"""The tracker's middleware: security headers, Vietnamese first, login required.

Security headers: every script and stylesheet is a static file of the app (no inline <script>,
no style="…", no CDN), so the Content-Security-Policy allows only this origin. Django's
SecurityMiddleware sets the other headers (HSTS, nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy); clickjacking protection comes from X-Frame-Options and
frame-ancestors.
"""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page of the tracker needs a signed-in user (views opt out with
    ``login_not_required``), except the admin, which keeps its own login page and its own
    staff check, and the REST API's views: a system signs in with a token that only the
    view's own authentication reads, and an anonymous request gets a 401 problem document
    there (the API's default permission is IsAuthenticated), not a redirect to a login form."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.app_name == "admin":
            return None
        if getattr(getattr(view_func, "cls", None), "api_authenticates", False):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Vietnamese unless the user chose English with the language switch.

    Django's own middleware would follow the browser's Accept-Language, and many of the
    ministry's computers run an English browser; the tracker speaks Vietnamese first.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or "")
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
