import datetime

from django.conf import settings
from django.core.management import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.import_admin import purge_previews


class Command(BaseCommand):
    help = (
        "Remove the uploads of visit-notes previews that were not confirmed within "
        "IMPORT_PREVIEW_MAX_AGE_HOURS (a day); the scheduler runs it daily."
    )

    def handle(self, *args, **options):
        hours = settings.IMPORT_PREVIEW_MAX_AGE_HOURS
        removed = purge_previews(older_than=timezone.now() - datetime.timedelta(hours=hours))
        self.stdout.write(_("%(count)s unconfirmed previews removed.") % {"count": removed})
