from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = _("Survey campaigns")

    def ready(self):
        from tracker import reference

        from .models import Delegation, Field, Finding, MinistryUnit, SourceReport, Visit

        # The filter forms' cached choices, and what a recommendation's cached record shows.
        reference.watch(Delegation, Field, MinistryUnit, Finding, SourceReport, Visit)
