from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvincesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "provinces"
    verbose_name = _("Provinces")

    def ready(self):
        from tracker import reference

        from . import roles
        from .models import Province

        reference.watch(Province)  # the filter forms' cached choices
        roles.watch_memberships()
