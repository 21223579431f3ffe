"""The site's URLs plus a download that refuses, for tests/tracker/test_error_pages.py."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _

from tracker.urls import *  # noqa: F403 – the handlers too
from tracker.urls import urlpatterns as site_urlpatterns


def refused_download(request):
    raise PermissionDenied(_("You may not change this recommendation."))


urlpatterns = [*site_urlpatterns, path("test-download.xlsx", refused_download)]
