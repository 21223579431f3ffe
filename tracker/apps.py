from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.models.signals import pre_save


def register_sqlite_fold(sender, connection, **kwargs):
    """Give every SQLite connection the ``tracker_fold()`` function behind the search columns."""
    if connection.vendor == "sqlite":
        from tracker.text import fold

        connection.connection.create_function("tracker_fold", 1, fold, deterministic=True)


def clean_text_before_save(sender, instance, raw=False, **kwargs):
    """Every ``save()`` of a model of ``CLEAN_TEXT_APPS`` stores its text cleaned (NFC, no
    invisible or control characters; see ``tracker.text.clean_text``): forms, the admin,
    services, management commands, fixtures and the API all end in ``save()``."""
    if sender._meta.app_label in settings.CLEAN_TEXT_APPS:
        from tracker.text import clean_instance_text

        clean_instance_text(instance)


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self):
        connection_created.connect(register_sqlite_fold, dispatch_uid="tracker_sqlite_fold")
        pre_save.connect(clean_text_before_save, dispatch_uid="tracker_clean_text")

        from tracker import reference
        from tracker.admin_site import name_admin_site

        reference.watch_users()

        name_admin_site()
