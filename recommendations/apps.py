from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self):
        # Connects the signal that deletes a file row's stored file (no orphan files).
        from . import (
            deadlines,  # noqa: F401  (connects the calendar's cache invalidation)
            documents,  # noqa: F401
        )
