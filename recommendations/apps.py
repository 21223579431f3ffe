from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self):
        # Connects the signal that deletes a file row's stored file (no orphan files).
        # The public page's cache is cleared by signals of saved recommendations and history.
        from tracker import reference

        from . import (
            deadlines,  # noqa: F401  (connects the calendar's cache invalidation)
            documents,  # noqa: F401
            public,  # noqa: F401
        )
        from .api import admin
        from .models import Authority, RecommendationGroup, ReplyDocument

        # The filter forms' cached choices, the documents a move may cite, and what a
        # recommendation's cached record shows.
        reference.watch(RecommendationGroup, Authority, ReplyDocument)

        admin.register()
