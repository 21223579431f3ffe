"""The job queue: Celery, with Redis as the broker in production.

Without ``CELERY_BROKER_URL`` every task runs in the process that asks for it (eager), so
``make run`` and ``make test`` need no broker. Tasks are defined in each app's ``tasks.py``
and discovered here; settings are the ``CELERY_*`` names in tracker/settings.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
