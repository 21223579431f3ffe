"""Background jobs of the recommendations app (Celery; eager when no broker is configured)."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def purge_import_previews() -> None:
    """Daily: remove the visit-notes previews nobody confirmed (``purge_import_previews``)."""
    call_command("purge_import_previews")
