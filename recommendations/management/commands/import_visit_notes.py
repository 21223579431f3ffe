from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from recommendations.imports import import_visit_notes, read_table
from recommendations.imports.reading import EXTENSIONS
from surveys.models import ImportBatch
from tracker.spreadsheets import SpreadsheetError


class Command(BaseCommand):
    help = (
        "Import a visit-notes file (CSV or XLSX, the format of the admin's template): all rows "
        "or none. Prints the same report as the admin's preview. Exits with status 1 when "
        "anything is wrong; then nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv or .xlsx file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and count everything, write nothing (the batch is recorded as a dry run).",
        )
        parser.add_argument(
            "--user",
            help="Username to act as: their import permission and province apply, and the "
            "history names them. Without it the command acts as the system.",
        )

    def handle(self, *args, file, dry_run=False, user=None, verbosity=1, **options):
        path = Path(file)
        if path.suffix.lower() not in EXTENSIONS:
            raise CommandError(_("“%(name)s” is not a CSV or XLSX file.") % {"name": path.name})
        if not path.is_file():
            raise CommandError(_("There is no file %(name)s.") % {"name": path})
        size = path.stat().st_size
        if size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise CommandError(
                _("The file is %(size)s; files of at most %(limit)s can be imported.")
                % {
                    "size": filesizeformat(size),
                    "limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES),
                }
            )
        acting = self._user(user)
        if acting is None:
            self.stdout.write(
                _("No --user given: acting as the system, without permission checks.")
            )
        try:
            table = read_table(content=path.read_bytes(), file_name=path.name)
        except SpreadsheetError as error:
            raise CommandError(str(error)) from error
        try:
            report = import_visit_notes(
                table=table,
                user=acting,
                file_name=path.name,
                dry_run=dry_run,
                via=ImportBatch.Via.COMMAND,
                record_dry_run=True,
            )
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        for line in report.lines(every_row=verbosity > 1)[:-1]:
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _user(self, username):
        if username is None:
            return None
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as error:
            raise CommandError(_("There is no user “%(name)s”.") % {"name": username}) from error
        if not user.is_active:
            raise CommandError(_("The user “%(name)s” is not active.") % {"name": username})
        return user
