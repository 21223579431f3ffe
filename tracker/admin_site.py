"""The names Django's admin shows: the ministry's tracker, not "Django administration".

``name_admin_site`` is called from ``TrackerConfig.ready``; every admin page – Django's own,
django-import-export's and the tracker's (the visit-notes import, the bulk triage) – takes
them from ``admin.site.each_context``.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

#: The header on every admin page.
SITE_HEADER = _("Recommendation tracker – Ministry of Science and Technology")
#: The end of every admin page's <title> ("Import | …").
SITE_TITLE = _("Recommendation tracker administration")
#: The heading and <title> of the admin's front page.
INDEX_TITLE = _("Administration")


def name_admin_site(site: admin.AdminSite = admin.site) -> None:
    site.site_header = SITE_HEADER
    site.site_title = SITE_TITLE
    site.index_title = INDEX_TITLE
