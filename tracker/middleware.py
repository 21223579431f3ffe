"""The tracker's middleware: security headers, Vietnamese first, login required, clean text in,
and a page for a refused method.

Security headers: every script and stylesheet is a static file of the app (no inline <script>,
no style="…", no CDN), so the Content-Security-Policy allows only this origin. Django's
SecurityMiddleware sets the other headers (HSTS, nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy); clickjacking protection comes from X-Frame-Options and
frame-ancestors.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpResponseRedirect, QueryDict
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from tracker.filters import EARLIEST_DATE, LATEST_DATE
from tracker.text import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, bounded_words, clean_text


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


#: Form types whose body Django parses into ``request.POST``.
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _cleaned(data: QueryDict) -> QueryDict:
    """A copy of ``data`` with every value cleaned (passwords excepted: a password is compared
    as it was set, character for character)."""
    if not any(not value.isascii() or not value.isprintable() for value in _values(data)):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        if "password" in key:
            cleaned.setlist(key, values)
        else:
            cleaned.setlist(key, [clean_text(value) for value in values])
    cleaned._mutable = False
    return cleaned


def _values(data: QueryDict):
    for _key, values in data.lists():
        yield from values


class CleanTextMiddleware:
    """Every query-string and form value in NFC, without zero-width characters, soft hyphens
    or control characters (``tracker.text.clean_text``), before any form, filter or search
    sees it – so a value is validated (unique names, lengths) as it will be stored, and a
    decomposed search term matches. Line breaks are kept: the model layer makes one-line
    fields one line. Uploaded files are left to the import, which reads and cleans them.

    It also bounds the admin's searches – the changelists' ``q`` and the autocomplete's
    ``term``, of every ModelAdmin, ours or a package's – to ``SEARCH_MAX_WORDS`` words and
    ``SEARCH_MAX_CHARS`` characters: the admin makes each word a condition on every search
    field, and 1,900 one-letter words took 28 s on PostgreSQL and failed on SQLite. The list
    pages bound their own ``q`` (``tracker.views.FilteredListView``). And a date hierarchy's
    year outside the years filters take is an incorrect lookup, not an overflow.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            request.POST = _cleaned(request.POST)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.app_name != "admin":
            return None
        if _year_out_of_range(request.GET):
            # The date hierarchy's ?created_at__year=9999 overflows inside Django's changelist
            # (a 500); answer as the admin answers any lookup it cannot use.
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        name = "term" if match.url_name == "autocomplete" else "q"
        kept, cut = bounded_words(request.GET.get(name))
        if cut:
            request.GET = request.GET.copy()
            request.GET[name] = kept
            request.GET._mutable = False
            if name == "q":
                messages.warning(request, search_cut_message())
        return None


def _year_out_of_range(query: QueryDict) -> bool:
    for key, value in query.items():
        if key.endswith("__year"):
            try:
                year = int(value)
            except ValueError:
                return False  # the admin's own check answers that
            if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
                return True
    return False


def search_cut_message() -> str:
    return _(
        "Only the first %(words)s words (at most %(chars)s characters) of the search were used."
    ) % {"words": SEARCH_MAX_WORDS, "chars": SEARCH_MAX_CHARS}
