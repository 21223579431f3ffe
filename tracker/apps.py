from django.apps import AppConfig
from django.db.backends.signals import connection_created


def register_sqlite_fold(sender, connection, **kwargs):
    """Give every SQLite connection the ``tracker_fold()`` function behind the search columns."""
    if connection.vendor == "sqlite":
        from tracker.text import fold

        connection.connection.create_function("tracker_fold", 1, fold, deterministic=True)


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self):
        connection_created.connect(register_sqlite_fold, dispatch_uid="tracker_sqlite_fold")
